package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a kind's schema says about merging: which lists are keyed maps, sets or atomic, which
 * maps are atomic, and which of a built-in kind's structs are always present (Go writes them
 * even when empty, so adding into them never adds the struct itself). Built-in kinds read a
 * compact table of Kubernetes' tags; custom resources read their CRD's structural schema.
 *
 * <p>A schema path names fields joined by dots, {@code []} standing for any list item:
 * {@code spec.template.spec.containers[].ports}.
 */
final class ListTypes {
  enum Kind { ATOMIC, SET, MAP }

  /**
   * How a list merges.
   *
   * @param keys the item keys of a MAP list (server-side apply)
   * @param defaults the values keys take when an item leaves them out
   * @param patchMergeKey the strategic merge patch key, or null where a patch replaces the list
   * @param mergePrimitives whether a strategic merge patch unites a list of scalars
   */
  record ListType(Kind kind, List<String> keys, Map<String, JsonNode> defaults,
      String patchMergeKey, boolean mergePrimitives) {
    static final ListType ATOMIC = new ListType(Kind.ATOMIC, List.of(), Map.of(), null, false);
  }

  /*
   * Built-in lists: path suffix | apply keys (key=default) | strategic merge key ("+" for a
   * list of scalars that patches unite). "Kind:path" is a whole path of one kind only. Lists of
   * initContainers and ephemeralContainers read as containers. Unlisted lists are atomic.
   */
  private static final String BUILT_IN_LISTS = """
      containers|name|name
      containers[].ports|containerPort,protocol=TCP|containerPort
      containers[].env|name|name
      containers[].volumeMounts|mountPath|mountPath
      containers[].volumeDevices|devicePath|devicePath
      volumes|name|name
      imagePullSecrets|name|name
      hostAliases|ip|ip
      topologySpreadConstraints|topologyKey,whenUnsatisfiable|topologyKey
      resourceClaims|name|name
      schedulingGates|name|name
      conditions|type|type
      ownerReferences|uid|uid
      finalizers||+
      Service:spec.ports|port,protocol=TCP|port
      """;

  /** Built-in maps and structs that are one value: label selectors, node selectors, refs. */
  private static final Set<String> ATOMIC_FIELDS = Set.of("selector", "nodeSelector",
      "podSelector", "namespaceSelector", "labelSelector", "roleRef");

  private static final List<String> POD_TEMPLATE = List.of("spec", "spec.template",
      "spec.template.metadata", "spec.template.spec", "spec.template.spec.containers", "status");

  /** Structs a built-in kind always writes, whether or not anything is in them. */
  private static final Map<String, List<String>> IMPLICIT = implicit();

  private static Map<String, List<String>> implicit() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("Deployment", plus(POD_TEMPLATE, "spec.strategy"));
    m.put("ReplicaSet", POD_TEMPLATE);
    m.put("StatefulSet", plus(POD_TEMPLATE, "spec.updateStrategy"));
    m.put("DaemonSet", plus(POD_TEMPLATE, "spec.updateStrategy"));
    m.put("Job", POD_TEMPLATE);
    m.put("CronJob", List.of("spec", "spec.jobTemplate", "spec.jobTemplate.metadata",
        "spec.jobTemplate.spec", "spec.jobTemplate.spec.template",
        "spec.jobTemplate.spec.template.metadata", "spec.jobTemplate.spec.template.spec",
        "spec.jobTemplate.spec.template.spec.containers", "status"));
    m.put("Pod", List.of("spec", "spec.containers", "status"));
    m.put("Service", List.of("spec", "status", "status.loadBalancer"));
    m.put("Ingress", List.of("spec", "status", "status.loadBalancer"));
    m.put("Namespace", List.of("spec", "status"));
    m.put("PersistentVolumeClaim", List.of("spec", "spec.resources", "status"));
    m.put("PersistentVolume", List.of("spec", "status"));
    m.put("Node", List.of("spec", "status", "status.daemonEndpoints",
        "status.daemonEndpoints.kubeletEndpoint", "status.nodeInfo"));
    m.put("HorizontalPodAutoscaler", List.of("spec", "spec.scaleTargetRef", "status"));
    m.put("PodDisruptionBudget", List.of("spec", "status"));
    m.put("NetworkPolicy", List.of("spec"));
    m.put("ReplicationController", List.of("spec", "status"));
    m.put("ResourceQuota", List.of("spec", "status"));
    m.put("LimitRange", List.of("spec"));
    m.put("Lease", List.of("spec"));
    m.put("CustomResourceDefinition", List.of("spec", "spec.names", "status",
        "status.acceptedNames"));
    m.put("Event", List.of("involvedObject", "source"));
    return m;
  }

  private static List<String> plus(List<String> a, String b) {
    List<String> l = new ArrayList<>(a);
    l.add(b);
    return List.copyOf(l);
  }

  private final ResourceType type;
  /** The custom resource's openAPIV3Schema, or null for built-in kinds. */
  private final JsonNode schema;

  private ListTypes(ResourceType type, JsonNode schema) {
    this.type = type;
    this.schema = schema;
  }

  static ListTypes builtIn(ResourceType t) {
    return new ListTypes(t, null);
  }

  /** The kind's schema: its CRD's for a custom resource (looked up in the store). */
  static ListTypes of(ResourceType t, Store store) {
    if (!t.custom()) {
      return builtIn(t);
    }
    ObjectNode crd = store.get("apiextensions.k8s.io/customresourcedefinitions//"
        + ResourceTypes.crdName(t));
    JsonNode found = null;
    if (crd != null) {
      for (JsonNode v : crd.path("spec").path("versions")) {
        if (v.path("name").asText().equals(t.version())) {
          found = v.path("schema").path("openAPIV3Schema");
        }
      }
    }
    return new ListTypes(t, found == null || found.isMissingNode() ? Json.object() : found);
  }

  ListType list(String path) {
    if (schema != null) {
      JsonNode s = schemaAt(path);
      if (s == null) {
        return ListType.ATOMIC;
      }
      String listType = s.path("x-kubernetes-list-type").asText("atomic");
      if (listType.equals("set")) {
        return new ListType(Kind.SET, List.of(), Map.of(), null, false);
      }
      if (listType.equals("map")) {
        List<String> keys = new ArrayList<>();
        Map<String, JsonNode> defaults = new LinkedHashMap<>();
        for (JsonNode k : s.path("x-kubernetes-list-map-keys")) {
          keys.add(k.asText());
          JsonNode d = s.path("items").path("properties").path(k.asText()).get("default");
          if (d != null) {
            defaults.put(k.asText(), d);
          }
        }
        return new ListType(Kind.MAP, keys, defaults, null, false);
      }
      return ListType.ATOMIC;
    }
    String normal = path.replace("initContainers[]", "containers[]")
        .replace("ephemeralContainers[]", "containers[]");
    String last = lastField(path);
    for (String line : BUILT_IN_LISTS.strip().split("\n")) {
      String[] f = line.strip().split("\\|", -1);
      if (!matches(f[0], normal, last)) {
        continue;
      }
      if (f[2].equals("+")) {
        return new ListType(Kind.SET, List.of(), Map.of(), null, true);
      }
      List<String> keys = new ArrayList<>();
      Map<String, JsonNode> defaults = new LinkedHashMap<>();
      for (String k : f[1].split(",")) {
        int eq = k.indexOf('=');
        if (eq < 0) {
          keys.add(k);
        } else {
          keys.add(k.substring(0, eq));
          defaults.put(k.substring(0, eq), Json.MAPPER.getNodeFactory().textNode(
              k.substring(eq + 1)));
        }
      }
      return new ListType(Kind.MAP, List.copyOf(keys), Map.copyOf(defaults), f[2], false);
    }
    return ListType.ATOMIC;
  }

  private boolean matches(String pattern, String path, String last) {
    int colon = pattern.indexOf(':');
    if (colon >= 0) {
      return pattern.substring(0, colon).equals(type.kind())
          && pattern.substring(colon + 1).equals(path);
    }
    if (pattern.equals("containers") && (last.equals("initContainers")
        || last.equals("ephemeralContainers"))) {
      return true;
    }
    return path.equals(pattern) || path.endsWith("." + pattern);
  }

  private static String lastField(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }

  /** Whether a map or struct at the path is one value, replaced whole and owned whole. */
  boolean atomicMap(String path) {
    if (schema != null) {
      JsonNode s = schemaAt(path);
      return s != null && s.path("x-kubernetes-map-type").asText().equals("atomic");
    }
    return ATOMIC_FIELDS.contains(lastField(path));
  }

  /** Whether a built-in kind always writes this struct, so it is never added or removed. */
  boolean implicit(String path) {
    if (schema != null) {
      return false;
    }
    List<String> paths = IMPLICIT.get(type.kind());
    return paths != null && paths.contains(path);
  }

  private JsonNode schemaAt(String path) {
    JsonNode s = schema;
    if (path.isEmpty()) {
      return s;
    }
    for (String seg : splitPath(path)) {
      if (s == null) {
        return null;
      }
      if (seg.equals("[]")) {
        s = s.get("items");
      } else {
        JsonNode p = s.path("properties").get(seg);
        s = p != null ? p : s.get("additionalProperties") != null
            && s.get("additionalProperties").isObject() ? s.get("additionalProperties") : null;
      }
    }
    return s;
  }

  private static List<String> splitPath(String path) {
    List<String> segs = new ArrayList<>();
    for (String part : path.split("\\.")) {
      if (part.endsWith("[]")) {
        segs.add(part.substring(0, part.length() - 2));
        segs.add("[]");
      } else {
        segs.add(part);
      }
    }
    return segs;
  }

  /** The schema path of a child: a field, or an item of the list at {@code path}. */
  static String child(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  static String item(String path) {
    return path + "[]";
  }
}
