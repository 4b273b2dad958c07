package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strategic merge patch for built-in kinds: maps merge as in a merge patch, lists with a
 * patch merge key merge item by item (new items first unless the live order says otherwise,
 * as the server's ordering does), lists of scalars with the merge strategy unite, other lists
 * are replaced; the directives {@code $patch} (delete, replace), {@code $retainKeys},
 * {@code $setElementOrder/<list>} and {@code $deleteFromPrimitiveList/<list>} are honoured.
 */
final class StrategicMerge {
  private static final String ORDER = "$setElementOrder/";
  private static final String DELETE_PRIMITIVES = "$deleteFromPrimitiveList/";

  private final ListTypes schema;

  private StrategicMerge(ListTypes schema) {
    this.schema = schema;
  }

  static JsonNode apply(ResourceType t, JsonNode target, JsonNode patch) {
    StrategicMerge m = new StrategicMerge(ListTypes.builtIn(t));
    ObjectNode base = target != null && target.isObject() ? ((ObjectNode) target).deepCopy()
        : Json.object();
    JsonNode result = m.mergeMap(base, (ObjectNode) patch, "");
    return result == null ? Json.object() : result;
  }

  /** The merged map, or null where the patch deletes it. */
  private JsonNode mergeMap(ObjectNode original, ObjectNode patch, String sp) {
    String directive = patch.path("$patch").asText("");
    if (directive.equals("delete")) {
      return null;
    }
    if (directive.equals("replace")) {
      return clean(patch);
    }
    ObjectNode out = original == null ? Json.object() : original.deepCopy();
    JsonNode retain = patch.get("$retainKeys");
    if (retain != null && retain.isArray()) {
      List<String> keep = new ArrayList<>();
      retain.forEach(k -> keep.add(k.asText()));
      for (Iterator<String> it = out.fieldNames(); it.hasNext(); ) {
        if (!keep.contains(it.next())) {
          it.remove();
        }
      }
    }
    Map<String, JsonNode> orders = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      JsonNode v = e.getValue();
      if (k.equals("$patch") || k.equals("$retainKeys")) {
        continue;
      }
      if (k.startsWith(ORDER)) {
        orders.put(k.substring(ORDER.length()), v);
        continue;
      }
      if (k.startsWith(DELETE_PRIMITIVES)) {
        String list = k.substring(DELETE_PRIMITIVES.length());
        if (out.get(list) instanceof ArrayNode a && v.isArray()) {
          for (Iterator<JsonNode> items = a.elements(); items.hasNext(); ) {
            if (contains(v, items.next())) {
              items.remove();
            }
          }
        }
        continue;
      }
      String child = ListTypes.child(sp, k);
      JsonNode current = out.get(k);
      if (v.isNull()) {
        out.remove(k);
      } else if (v.isObject()) {
        JsonNode merged = mergeMap(current instanceof ObjectNode o ? o : null, (ObjectNode) v,
            child);
        if (merged == null) {
          out.remove(k);
        } else {
          out.set(k, merged);
        }
      } else if (v.isArray()) {
        out.set(k, mergeList(current instanceof ArrayNode a ? a : null, (ArrayNode) v, child));
      } else {
        out.set(k, v.deepCopy());
      }
    }
    orders.forEach((k, order) -> {
      if (out.get(k) instanceof ArrayNode a && order.isArray()) {
        out.set(k, ordered(a, order, schema.list(ListTypes.child(sp, k)).patchMergeKey()));
      }
    });
    return out;
  }

  private JsonNode mergeList(ArrayNode original, ArrayNode patch, String sp) {
    ListTypes.ListType lt = schema.list(sp);
    String key = lt.patchMergeKey();
    for (JsonNode item : patch) {
      if (item.isObject() && item.path("$patch").asText().equals("replace")
          && item.size() == 1) {
        ArrayNode rest = Json.array();
        patch.forEach(i -> {
          if (i != item) {
            rest.add(clean(i));
          }
        });
        return rest;
      }
    }
    if (lt.mergePrimitives()) {
      return unite(original == null ? Json.array() : original, patch);
    }
    if (key == null) {
      ArrayNode replaced = Json.array();
      patch.forEach(i -> replaced.add(clean(i)));
      return replaced;
    }
    List<JsonNode> server = new ArrayList<>();
    if (original != null) {
      original.forEach(server::add);
    }
    Map<String, Integer> serverIndex = new LinkedHashMap<>();
    for (int i = 0; i < server.size(); i++) {
      serverIndex.putIfAbsent(server.get(i).path(key).toString(), i);
    }
    List<JsonNode> patched = new ArrayList<>();
    List<String> patchedKeys = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    for (JsonNode item : patch) {
      String k = item.path(key).toString();
      if (item.isObject() && item.path("$patch").asText().equals("delete")) {
        deleted.add(k);
        continue;
      }
      Integer at = serverIndex.get(k);
      JsonNode merged = item.isObject() ? mergeMap(at == null ? null
          : (ObjectNode) server.get(at), (ObjectNode) item, ListTypes.item(sp)) : item;
      if (merged != null) {
        patched.add(merged);
        patchedKeys.add(k);
      } else {
        deleted.add(k);
      }
    }
    List<JsonNode> serverOnly = new ArrayList<>();
    for (JsonNode s : server) {
      String k = s.path(key).toString();
      if (!patchedKeys.contains(k) && !deleted.contains(k)) {
        serverOnly.add(s);
      }
    }
    // Server items and patch items interleave by the live order where both are in it; a
    // patch item the live list lacks goes before the server items that follow.
    ArrayNode out = Json.array();
    int i = 0;
    int j = 0;
    while (i < serverOnly.size() || j < patched.size()) {
      if (j >= patched.size()) {
        out.add(serverOnly.get(i++));
      } else if (i >= serverOnly.size()) {
        out.add(patched.get(j++));
      } else {
        Integer li = serverIndex.get(serverOnly.get(i).path(key).toString());
        Integer ri = serverIndex.get(patchedKeys.get(j));
        if (li != null && ri != null && li < ri) {
          out.add(serverOnly.get(i++));
        } else {
          out.add(patched.get(j++));
        }
      }
    }
    return out;
  }

  private static ArrayNode unite(ArrayNode original, ArrayNode patch) {
    ArrayNode out = original.deepCopy();
    for (JsonNode v : patch) {
      if (!contains(out, v)) {
        out.add(v.deepCopy());
      }
    }
    return out;
  }

  /** The list in the order {@code $setElementOrder} gives; items it leaves out keep theirs. */
  private static ArrayNode ordered(ArrayNode list, JsonNode order, String key) {
    List<JsonNode> items = new ArrayList<>();
    list.forEach(items::add);
    List<String> wanted = new ArrayList<>();
    for (JsonNode o : order) {
      wanted.add(key == null ? o.toString() : o.path(key).toString());
    }
    items.sort((a, b) -> {
      int x = wanted.indexOf(key == null ? a.toString() : a.path(key).toString());
      int y = wanted.indexOf(key == null ? b.toString() : b.path(key).toString());
      return Integer.compare(x < 0 ? Integer.MAX_VALUE : x, y < 0 ? Integer.MAX_VALUE : y);
    });
    ArrayNode out = Json.array();
    items.forEach(out::add);
    return out;
  }

  private static boolean contains(JsonNode list, JsonNode v) {
    for (JsonNode x : list) {
      if (x.equals(v)) {
        return true;
      }
    }
    return false;
  }

  /** A patch value as stored: directives dropped, nulls in maps meaning absence. */
  private static JsonNode clean(JsonNode v) {
    if (v.isObject()) {
      ObjectNode o = Json.object();
      v.fields().forEachRemaining(e -> {
        if (!e.getKey().startsWith("$") && !e.getValue().isNull()) {
          o.set(e.getKey(), clean(e.getValue()));
        }
      });
      return o;
    }
    if (v.isArray()) {
      ArrayNode a = Json.array();
      v.forEach(i -> {
        if (!(i.isObject() && i.path("$patch").asText().equals("delete"))) {
          a.add(clean(i));
        }
      });
      return a;
    }
    return v.deepCopy();
  }
}
