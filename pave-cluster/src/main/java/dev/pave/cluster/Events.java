package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Events: core/v1 and events.k8s.io/v1 are two views of one stored object, as on a real
 * server. Objects are stored in the core form; requests to events.k8s.io are answered by
 * converting the body to the core form, asking the core resource, and converting the answer
 * back (regarding/involvedObject, note/message, reportingController/reportingComponent,
 * deprecatedSource/source and the deprecated timestamps and count). Validation is the real
 * server's: the legacy rules for both, and the strict ones (eventTime, type) for
 * events.k8s.io, reported on the core field names as the real server does.
 */
final class Events implements Strategy {
  private static final Set<String> NEW_FIELDS = Set.of("metadata.name", "metadata.namespace",
      "regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid",
      "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath", "reason",
      "reportingController", "type");

  static boolean isCore(ResourceType t) {
    return t.group().isEmpty() && t.plural().equals("events");
  }

  static boolean isNew(ResourceType t) {
    return t.group().equals("events.k8s.io") && t.plural().equals("events");
  }

  // ---- the core kind's own rules ----

  @Override
  public void defaults(ResourceType t, ObjectNode o, ObjectNode old, List<String> warnings) {
    if (!isCore(t)) {
      return;
    }
    if (!o.has("source") || o.get("source").isNull()) {
      o.putObject("source");
    }
    for (String f : List.of("firstTimestamp", "lastTimestamp", "eventTime")) {
      if (!o.has(f)) {
        o.putNull(f);
      }
    }
    for (String f : List.of("reportingComponent", "reportingInstance")) {
      if (!o.has(f) || o.get(f).isNull()) {
        o.put(f, "");
      }
    }
  }

  @Override
  public List<ApiException.Cause> validate(ResourceType t, ObjectNode o, ObjectNode old) {
    return isCore(t) ? legacy(o) : List.of();
  }

  /** The rules every Event meets, whichever API wrote it. */
  static List<ApiException.Cause> legacy(JsonNode o) {
    List<ApiException.Cause> causes = new ArrayList<>();
    String ns = o.path("metadata").path("namespace").asText("");
    String involvedNs = o.path("involvedObject").path("namespace").asText("");
    boolean eventTime = o.hasNonNull("eventTime") && !o.get("eventTime").asText().isEmpty();
    ApiException.Cause mismatch = invalid("involvedObject.namespace", involvedNs,
        "does not match event.namespace");
    if (!eventTime) {
      if (involvedNs.isEmpty() ? !ns.isEmpty() && !ns.equals("default")
          : !ns.equals(involvedNs)) {
        causes.add(mismatch);
      }
      return causes;
    }
    if (involvedNs.isEmpty() && !ns.equals("default") && !ns.equals("kube-system")) {
      causes.add(mismatch);
    }
    if (o.path("reportingComponent").asText("").isEmpty()) {
      causes.add(required("reportingController"));
    }
    String instance = o.path("reportingInstance").asText("");
    if (instance.isEmpty()) {
      causes.add(required("reportingInstance"));
    } else if (instance.length() > 128) {
      causes.add(invalid("reportingInstance", "", "can have at most 128 characters"));
    }
    String action = o.path("action").asText("");
    if (action.isEmpty()) {
      causes.add(required("action"));
    } else if (action.length() > 128) {
      causes.add(invalid("action", "", "can have at most 128 characters"));
    }
    String reason = o.path("reason").asText("");
    if (reason.isEmpty()) {
      causes.add(required("reason"));
    } else if (reason.length() > 128) {
      causes.add(invalid("reason", "", "can have at most 128 characters"));
    }
    if (o.path("message").asText("").length() > 1024) {
      causes.add(invalid("message", "", "can have at most 1024 characters"));
    }
    return causes;
  }

  /** The further rules of events.k8s.io/v1, on an event already in the core form. */
  static List<ApiException.Cause> strict(JsonNode core) {
    List<ApiException.Cause> causes = new ArrayList<>(legacy(core));
    if (!core.hasNonNull("eventTime") || core.get("eventTime").asText().isEmpty()) {
      causes.add(required("eventTime"));
    }
    String type = core.path("type").asText("");
    if (!type.equals("Normal") && !type.equals("Warning")) {
      causes.add(invalid("type", "", "has invalid value: " + type));
    }
    return causes;
  }

  private static ApiException.Cause invalid(String field, String value, String why) {
    return new ApiException.Cause("FieldValueInvalid", "Invalid value: \"" + value + "\": "
        + why, field);
  }

  private static ApiException.Cause required(String field) {
    return new ApiException.Cause("FieldValueRequired", "Required value", field);
  }

  // ---- conversion ----

  private static final String[][] MAPPING = {
      {"regarding", "involvedObject"}, {"note", "message"},
      {"reportingController", "reportingComponent"}, {"deprecatedSource", "source"},
      {"deprecatedFirstTimestamp", "firstTimestamp"},
      {"deprecatedLastTimestamp", "lastTimestamp"}, {"deprecatedCount", "count"}};

  /** An events.k8s.io/v1 Event in the core form it is stored in. */
  static ObjectNode toCore(JsonNode ev) {
    ObjectNode core = Json.object();
    core.put("kind", "Event");
    core.put("apiVersion", "v1");
    Map<String, String> names = new LinkedHashMap<>();
    for (String[] m : MAPPING) {
      names.put(m[0], m[1]);
    }
    ev.fields().forEachRemaining(f -> {
      if (!f.getKey().equals("kind") && !f.getKey().equals("apiVersion")) {
        core.set(names.getOrDefault(f.getKey(), f.getKey()), f.getValue());
      }
    });
    return core;
  }

  /** A stored (core) Event as events.k8s.io/v1 shows it. */
  static ObjectNode toNew(JsonNode core) {
    ObjectNode ev = Json.object();
    ev.put("kind", "Event");
    ev.put("apiVersion", "events.k8s.io/v1");
    ev.set("metadata", core.path("metadata"));
    ev.set("eventTime", core.hasNonNull("eventTime") ? core.get("eventTime")
        : NullNode.getInstance());
    copy(core, "series", ev, "series");
    copyText(core, "reportingComponent", ev, "reportingController");
    copyText(core, "reportingInstance", ev, "reportingInstance");
    copyText(core, "action", ev, "action");
    copyText(core, "reason", ev, "reason");
    copy(core, "involvedObject", ev, "regarding");
    copy(core, "related", ev, "related");
    copyText(core, "message", ev, "note");
    copyText(core, "type", ev, "type");
    ev.set("deprecatedSource", core.path("source").isObject() ? core.get("source")
        : Json.object());
    ev.set("deprecatedFirstTimestamp", core.hasNonNull("firstTimestamp")
        ? core.get("firstTimestamp") : NullNode.getInstance());
    ev.set("deprecatedLastTimestamp", core.hasNonNull("lastTimestamp")
        ? core.get("lastTimestamp") : NullNode.getInstance());
    if (core.path("count").asLong(0) != 0) {
      ev.set("deprecatedCount", core.get("count"));
    }
    return ev;
  }

  private static void copy(JsonNode from, String f, ObjectNode to, String t) {
    if (from.hasNonNull(f)) {
      to.set(t, from.get(f));
    }
  }

  private static void copyText(JsonNode from, String f, ObjectNode to, String t) {
    if (from.hasNonNull(f) && !from.get(f).asText().isEmpty()) {
      to.set(t, from.get(f));
    }
  }

  // ---- events.k8s.io requests, answered through the core resource ----

  /**
   * Answers a request to events.k8s.io/v1 events (watches aside) by asking the core
   * resource through {@code core}; null for any other target.
   */
  static Response route(Target t, Request r, Function<Request, Response> core) {
    if (!isNew(t.type())) {
      return null;
    }
    String path = "/api/v1" + (t.namespace() == null ? "" : "/namespaces/" + t.namespace())
        + "/events" + (t.name() == null ? "" : "/" + t.name())
        + (t.subresource() == null ? "" : "/" + t.subresource());
    Map<String, List<String>> query = new LinkedHashMap<>(r.query());
    String selector = r.param("fieldSelector");
    if (selector != null && !selector.isBlank()) {
      query.put("fieldSelector", List.of(coreSelector(selector)));
    }
    Map<String, String> headers = new LinkedHashMap<>(r.headers());
    headers.keySet().removeIf(h -> h.startsWith("impersonate-"));
    byte[] body = r.body();
    String method = r.method();
    if (method.equals("POST") || method.equals("PUT")) {
      ObjectNode asCore = toCore(decode(r.body()));
      Json.meta(asCore);
      if (t.namespace() != null) {
        ((ObjectNode) asCore.get("metadata")).put("namespace", t.namespace());
      }
      if (method.equals("POST")) {
        List<ApiException.Cause> causes = strict(asCore);
        if (!causes.isEmpty()) {
          throw ApiException.invalid("", "Event",
              asCore.path("metadata").path("name").asText(""), causes);
        }
      }
      body = Json.bytes(asCore);
      headers.put("content-type", "application/json");
    } else if (method.equals("PATCH") && !Patches.APPLY.equals(r.contentType())) {
      Response current = core.apply(forwarded("GET", path, Map.of(), headers, null, r));
      if (current.status() != 200) {
        return current;
      }
      JsonNode shown = toNew(parse(current.body()));
      JsonNode patched = r.contentType().equals(Patches.JSON_PATCH)
          ? Patches.jsonPatch((ObjectNode) shown, r.body())
          : Patches.merge(shown, decode(r.body()));
      method = "PUT";
      body = Json.bytes(toCore(patched));
      headers.put("content-type", "application/json");
    }
    Response answer = core.apply(forwarded(method, path, query, headers, body, r));
    JsonNode out = parse(answer.body());
    if (out == null || !out.isObject() || out.path("kind").asText().equals("Status")) {
      return answer;
    }
    ObjectNode converted;
    if (out.path("kind").asText().equals("EventList")) {
      converted = ((ObjectNode) out).deepCopy();
      converted.put("apiVersion", "events.k8s.io/v1");
      List<JsonNode> items = new ArrayList<>();
      out.path("items").forEach(i -> items.add(toNew(i)));
      converted.putArray("items").addAll(items);
    } else {
      converted = toNew(out);
    }
    return new Response(answer.status(), answer.contentType(), Json.bytes(converted),
        answer.warnings(), answer.headers());
  }

  private static Request forwarded(String method, String path, Map<String, List<String>> query,
      Map<String, String> headers, byte[] body, Request original) {
    return new Request(method, path, query, headers, body == null ? new byte[0] : body,
        original.user());
  }

  /** An events.k8s.io field selector in the core resource's field names. */
  static String coreSelector(String selector) {
    StringBuilder out = new StringBuilder();
    for (String term : selector.split(",")) {
      String field = term.split("!=|==|=", 2)[0].strip();
      if (!NEW_FIELDS.contains(field)) {
        throw ApiException.badRequest("field label not supported: " + field);
      }
      String core = field.startsWith("regarding.") ? "involvedObject."
          + field.substring("regarding.".length())
          : field.equals("reportingController") ? "reportingComponent" : field;
      out.append(out.length() == 0 ? "" : ",").append(core)
          .append(term.substring(term.indexOf(field) + field.length()));
    }
    return out.toString();
  }

  private static JsonNode decode(byte[] body) {
    try {
      JsonNode n = Json.parse(body);
      if (n instanceof ObjectNode) {
        return n;
      }
    } catch (IOException e) {
      throw ApiException.badRequest("the object provided is unrecognized (must be of type "
          + "Event): couldn't get version/kind; json parse error: " + Json.reason(e));
    }
    throw ApiException.badRequest("the object provided is unrecognized (must be of type "
        + "Event): couldn't get version/kind; json parse error: not an object");
  }

  private static JsonNode parse(byte[] body) {
    try {
      return body == null || body.length == 0 ? null : Json.parse(body);
    } catch (IOException e) {
      return null;
    }
  }
}
