package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON merge patch (RFC 7386) and JSON patch (RFC 6902) as the API server applies them,
 * leniencies included: {@code replace} of a missing key creates it and {@code remove} of one
 * is a no-op, while a failed {@code test} or an {@code add} below a missing parent is a 422
 * with a generic message.
 */
final class Patches {
  static final String MERGE = "application/merge-patch+json";
  static final String JSON_PATCH = "application/json-patch+json";
  static final String STRATEGIC = "application/strategic-merge-patch+json";
  static final String APPLY = "application/apply-patch+yaml";
  static final String APPLY_CBOR = "application/apply-patch+cbor";

  private Patches() {}

  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy()
        : Json.object();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        result.remove(e.getKey());
      } else {
        result.set(e.getKey(), merge(result.get(e.getKey()), e.getValue()));
      }
    }
    return result;
  }

  static ObjectNode jsonPatch(ObjectNode target, byte[] body) {
    JsonNode ops;
    try {
      ops = Json.parse(body);
    } catch (IOException e) {
      throw ApiException.badRequest("error decoding patch: " + Json.reason(e));
    }
    if (!ops.isArray()) {
      throw ApiException.badRequest("error decoding patch: json: cannot unmarshal "
          + (ops.isObject() ? "object" : "value") + " into Go value of type []handlers.jsonPatchOp");
    }
    JsonNode doc = target.deepCopy();
    for (JsonNode op : ops) {
      doc = applyOp(doc, op);
    }
    if (!doc.isObject()) {
      throw rejected();
    }
    return (ObjectNode) doc;
  }

  private static ApiException rejected() {
    return ApiException.of(422, "Invalid",
        "the server rejected our request due to an error in our request").withEmptyDetails();
  }

  private static JsonNode applyOp(JsonNode doc, JsonNode op) {
    String kind = op.path("op").asText();
    String path = op.path("path").asText(null);
    if (path == null) {
      throw rejected();
    }
    switch (kind) {
      case "test" -> {
        JsonNode at = at(doc, path);
        if (at == null || !at.equals(op.get("value"))) {
          throw rejected();
        }
        return doc;
      }
      case "add", "replace" -> {
        return set(doc, path, op.get("value"), kind.equals("add"));
      }
      case "remove" -> {
        return remove(doc, path);
      }
      case "move", "copy" -> {
        JsonNode from = at(doc, op.path("from").asText());
        if (from == null) {
          throw rejected();
        }
        JsonNode d = kind.equals("move") ? remove(doc, op.path("from").asText()) : doc;
        return set(d, path, from.deepCopy(), true);
      }
      default -> throw rejected();
    }
  }

  private static String[] tokens(String path) {
    if (path.isEmpty()) {
      return new String[0];
    }
    String[] t = path.substring(1).split("/", -1);
    for (int i = 0; i < t.length; i++) {
      t[i] = t[i].replace("~1", "/").replace("~0", "~");
    }
    return t;
  }

  private static JsonNode at(JsonNode doc, String path) {
    JsonNode n = doc;
    for (String t : tokens(path)) {
      if (n.isObject()) {
        n = n.get(t);
      } else if (n.isArray() && t.matches("\\d+")) {
        n = n.get(Integer.parseInt(t));
      } else {
        return null;
      }
      if (n == null) {
        return null;
      }
    }
    return n;
  }

  private static JsonNode set(JsonNode doc, String path, JsonNode value, boolean add) {
    String[] t = tokens(path);
    if (t.length == 0) {
      return value;
    }
    JsonNode parent = doc;
    for (int i = 0; i < t.length - 1; i++) {
      parent = parent.isObject() ? parent.get(t[i])
          : parent.isArray() && t[i].matches("\\d+") ? parent.get(Integer.parseInt(t[i])) : null;
      if (parent == null) {
        throw rejected();
      }
    }
    String last = t[t.length - 1];
    if (parent instanceof ObjectNode o) {
      o.set(last, value);
    } else if (parent instanceof ArrayNode a) {
      if (last.equals("-")) {
        a.add(value);
      } else if (last.matches("\\d+") && Integer.parseInt(last) <= a.size()) {
        int i = Integer.parseInt(last);
        if (add) {
          a.insert(i, value);
        } else if (i < a.size()) {
          a.set(i, value);
        } else {
          throw rejected();
        }
      } else {
        throw rejected();
      }
    } else {
      throw rejected();
    }
    return doc;
  }

  private static JsonNode remove(JsonNode doc, String path) {
    String[] t = tokens(path);
    JsonNode parent = doc;
    for (int i = 0; i < t.length - 1; i++) {
      parent = parent.isObject() ? parent.get(t[i])
          : parent.isArray() && t[i].matches("\\d+") ? parent.get(Integer.parseInt(t[i])) : null;
      if (parent == null) {
        return doc;
      }
    }
    String last = t[t.length - 1];
    if (parent instanceof ObjectNode o) {
      o.remove(last);
    } else if (parent instanceof ArrayNode a && last.matches("\\d+")
        && Integer.parseInt(last) < a.size()) {
      a.remove(Integer.parseInt(last));
    }
    return doc;
  }
}
