package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The autoscaling/v1 Scale a {@code /scale} subresource reads from and writes to an object. */
final class Scales {
  private Scales() {}

  static ObjectNode of(ResourceType t, ObjectNode o) {
    ObjectNode s = Json.object();
    s.put("kind", "Scale");
    s.put("apiVersion", "autoscaling/v1");
    ObjectNode m = s.putObject("metadata");
    JsonNode om = o.path("metadata");
    for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      if (om.has(f)) {
        m.set(f, om.get(f));
      }
    }
    ResourceType.Scale paths = t.scale();
    JsonNode spec = at(o, paths.specReplicasPath());
    s.putObject("spec").put("replicas", spec.isMissingNode() ? 0 : spec.asInt());
    ObjectNode status = s.putObject("status");
    JsonNode replicas = at(o, paths.statusReplicasPath());
    status.put("replicas", replicas.isMissingNode() ? 0 : replicas.asInt());
    String selector = t.custom() ? textAt(o, paths.labelSelectorPath())
        : selectorString(o.path("spec").path("selector"));
    if (selector != null && !selector.isEmpty()) {
      status.put("selector", selector);
    }
    return s;
  }

  /** Writes a Scale's spec.replicas into the object at the kind's replicas path. */
  static void apply(ResourceType t, ObjectNode o, JsonNode scale) {
    String[] path = t.scale().specReplicasPath().substring(1).split("\\.");
    ObjectNode n = o;
    for (int i = 0; i < path.length - 1; i++) {
      n = n.with(path[i]);
    }
    n.set(path[path.length - 1], scale.path("spec").path("replicas"));
  }

  static JsonNode at(JsonNode o, String path) {
    if (path == null || path.isEmpty()) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    JsonNode n = o;
    for (String p : path.substring(1).split("\\.")) {
      n = n.path(p);
    }
    return n;
  }

  private static String textAt(JsonNode o, String path) {
    JsonNode n = at(o, path);
    return n.isMissingNode() || n.isNull() ? null : n.asText();
  }

  /** A LabelSelector as its string form: {@code app=web,tier in (a,b)}. */
  static String selectorString(JsonNode sel) {
    List<String> terms = new ArrayList<>();
    sel.path("matchLabels").fields().forEachRemaining((Map.Entry<String, JsonNode> e) ->
        terms.add(e.getKey() + "=" + e.getValue().asText()));
    for (JsonNode ex : sel.path("matchExpressions")) {
      String key = ex.path("key").asText();
      List<String> values = new ArrayList<>();
      ex.path("values").forEach(v -> values.add(v.asText()));
      switch (ex.path("operator").asText()) {
        case "In" -> terms.add(key + " in (" + String.join(",", values.stream().sorted().toList()) + ")");
        case "NotIn" -> terms.add(key + " notin (" + String.join(",", values.stream().sorted().toList()) + ")");
        case "Exists" -> terms.add(key);
        case "DoesNotExist" -> terms.add("!" + key);
        default -> { }
      }
    }
    return String.join(",", terms);
  }
}
