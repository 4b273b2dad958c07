package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;

/** GET of one object or subresource, and LIST with selectors, pagination and versions. */
final class Reads {
  private final Store store;

  Reads(Store store) {
    this.store = store;
  }

  Response get(Target t, Request r) {
    checkResourceVersion(r.param("resourceVersion"));
    String sub = t.subresource();
    if (sub != null && !(sub.equals("status") && t.type().status())
        && !(sub.equals("scale") && t.type().scale() != null)) {
      // A subresource the kind does not have is a route nothing serves, whether or not the
      // object exists (a ConfigMap has no /status).
      throw ApiException.of(404, "NotFound", "the server could not find the requested resource")
          .withEmptyDetails();
    }
    ObjectNode o = store.get(t.key());
    if (o == null) {
      throw ApiException.notFound(t.type(), t.name());
    }
    if ("scale".equals(sub)) {
      return Response.json(200, Scales.of(t.type(), o), null);
    }
    return Response.json(200, o, null);
  }

  Response list(Target t, Request r) {
    String rvParam = r.param("resourceVersion");
    String match = r.param("resourceVersionMatch");
    checkListOptions(rvParam, match);
    if (r.flag("sendInitialEvents")) {
      throw ApiException.invalid("meta.k8s.io", "ListOptions", "", List.of(
          new ApiException.Cause("FieldValueForbidden", "Forbidden: sendInitialEvents is "
              + "forbidden for list", "sendInitialEvents")));
    }
    Predicate<JsonNode> selected = Selector.labels(r.param("labelSelector"))
        .and(Selector.fields(r.param("fieldSelector"), t.type()));
    boolean filtered = r.param("labelSelector") != null || r.param("fieldSelector") != null;
    String prefix = Store.prefix(t.type(), t.type().namespaced() ? t.namespace() : null);
    long limit = parseLimit(r.param("limit"));
    String token = r.param("continue");
    String start = null;
    Store.Snapshot snap;
    if (token != null && !token.isEmpty()) {
      Continue c = Continue.decode(token);
      start = c.start();
      snap = store.listAt(prefix, c.rv());
      if (snap == null) {
        throw ApiException.expiredContinue(new Continue(store.resourceVersion(), start).encode(),
            "The provided continue parameter is too old to display a "
            + "consistent list result. You can start a new list without the continue "
            + "parameter, or use the continue token in this response to retrieve the "
            + "remainder of the results. Continuing with the provided token results in an "
            + "inconsistent list - objects that were created, modified, or deleted between "
            + "the time the first chunk was returned and now may show up in the list.");
      }
      if ("0".equals(rvParam)) {
        limit = 0;
      }
    } else if ("Exact".equals(match)) {
      snap = store.listAt(prefix, Long.parseLong(rvParam));
      if (snap == null) {
        throw ApiException.gone("too old resource version: " + rvParam + " ("
            + store.resourceVersion() + ")");
      }
    } else {
      if (rvParam != null && !rvParam.isEmpty() && !rvParam.equals("0")
          && Long.parseLong(rvParam) > store.resourceVersion()) {
        sleepQuietly(3000);
        if (Long.parseLong(rvParam) > store.resourceVersion()) {
          throw ApiException.tooLarge(rvParam, store.resourceVersion());
        }
      }
      snap = store.list(prefix);
      if ("0".equals(rvParam)) {
        limit = 0; // served from the watch cache, which ignores limit
      }
    }
    List<ObjectNode> matched = new ArrayList<>();
    for (ObjectNode o : snap.items()) {
      if (start != null && (prefix + start).compareTo(keyOf(t, o)) > 0) {
        continue;
      }
      if (selected.test(o)) {
        matched.add(o);
      }
    }
    ObjectNode list = Json.object();
    list.put("kind", t.type().listKind());
    list.put("apiVersion", t.type().apiVersion());
    ObjectNode meta = list.putObject("metadata");
    meta.put("resourceVersion", Long.toString(snap.rv()));
    ArrayNode items = list.putArray("items");
    int n = limit > 0 ? (int) Math.min(limit, matched.size()) : matched.size();
    for (int i = 0; i < n; i++) {
      items.add(item(t.type(), matched.get(i)));
    }
    if (n < matched.size()) {
      String next = keyOf(t, matched.get(n)).substring(prefix.length());
      meta.put("continue", new Continue(snap.rv(), next).encode());
      if (!filtered) {
        meta.put("remainingItemCount", matched.size() - n);
      }
    }
    return Response.json(200, list, null);
  }

  /** Items of a list of built-in kinds carry no kind or apiVersion, as a typed list's do. */
  static ObjectNode item(ResourceType t, ObjectNode o) {
    if (!t.custom()) {
      o.remove("kind");
      o.remove("apiVersion");
    }
    return o;
  }

  private static String keyOf(Target t, ObjectNode o) {
    JsonNode m = o.path("metadata");
    return Store.key(t.type(), t.type().namespaced() ? m.path("namespace").asText() : "",
        m.path("name").asText());
  }

  static void checkResourceVersion(String rv) {
    if (rv != null && !rv.isEmpty() && !rv.matches("\\d{1,19}")) {
      throw ApiException.badRequest("invalid resource version: resourceVersion: Invalid value: "
          + "\"" + rv + "\": strconv.ParseUint: parsing \"" + rv + "\": invalid syntax");
    }
  }

  static void checkListOptions(String rv, String match) {
    checkResourceVersion(rv);
    if (match == null || match.isEmpty()) {
      return;
    }
    List<ApiException.Cause> causes = new ArrayList<>();
    if (rv == null || rv.isEmpty()) {
      causes.add(new ApiException.Cause("FieldValueForbidden",
          "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
          "resourceVersionMatch"));
    } else if (!match.equals("Exact") && !match.equals("NotOlderThan")) {
      causes.add(new ApiException.Cause("FieldValueNotSupported", "Unsupported value: \""
          + match + "\": supported values: \"Exact\", \"NotOlderThan\", \"\"",
          "resourceVersionMatch"));
    } else if (match.equals("Exact") && rv.equals("0")) {
      causes.add(new ApiException.Cause("FieldValueForbidden",
          "Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
          "resourceVersionMatch"));
    }
    if (!causes.isEmpty()) {
      throw ApiException.invalid("meta.k8s.io", "ListOptions", "", causes);
    }
  }

  private static long parseLimit(String limit) {
    if (limit == null || limit.isEmpty()) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(limit));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("limit: Invalid value: \"" + limit + "\"");
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The continue token: the list's resourceVersion and the key to start from, as JSON. */
  record Continue(long rv, String start) {
    String encode() {
      ObjectNode o = Json.object();
      o.put("v", "meta.k8s.io/v1");
      o.put("rv", rv);
      o.put("start", start + "\u0000");
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(o));
    }

    static Continue decode(String token) {
      try {
        JsonNode o = Json.parse(Base64.getUrlDecoder().decode(token.strip()
            .replace('+', '-').replace('/', '_').replace("=", "")));
        if (!"meta.k8s.io/v1".equals(o.path("v").asText()) || !o.path("rv").canConvertToLong()) {
          throw new IllegalArgumentException("unknown version");
        }
        String start = o.path("start").asText();
        if (start.endsWith("\u0000")) {
          start = start.substring(0, start.length() - 1);
        }
        return new Continue(o.path("rv").asLong(), start);
      } catch (Exception e) {
        throw ApiException.badRequest("invalid continue token: continue key is not valid: "
            + "invalid character '\\u0081' looking for beginning of value");
      }
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
