package dev.pave.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * RFC 6902 JSON Patch on an object of maps and lists, as a MutatingAdmissionPolicy's JSONPatch
 * mutation applies: add, remove, replace, move, copy and test, each on the result of the one
 * before. No JSON Patch library is on Pave's dependency list, and {@link Fixes} patches only
 * what fixes write (no move, copy or test, no errors), so this is its own small class.
 */
final class JsonPatches {
  private JsonPatches() {}

  /** Why a patch could not be applied, in the words of the operation that failed. */
  static final class PatchException extends Exception {
    PatchException(String message) {
      super(message, null, false, false);
    }
  }

  /** The patched copy; the object is not changed. */
  static Map<String, Object> apply(Map<String, Object> object, List<?> operations)
      throws PatchException {
    Object doc = dev.pave.source.Trees.copy(object);
    for (Object o : operations) {
      Map<String, Object> op = Pods.map(o);
      String name = String.valueOf(op.get("op"));
      String path = op.get("path") instanceof String s ? s : null;
      if (path == null) {
        throw new PatchException("JSONPatch " + name + ": path is required");
      }
      switch (name) {
        case "add" -> doc = add(doc, path, required(op, "value"));
        case "remove" -> doc = remove(doc, path);
        case "replace" -> {
          get(doc, path);
          doc = add(remove(doc, path), path, required(op, "value"));
        }
        case "move" -> {
          String from = from(op);
          Object v = get(doc, from);
          doc = add(remove(doc, from), path, v);
        }
        case "copy" -> doc = add(doc, path, dev.pave.source.Trees.copy(get(doc, from(op))));
        case "test" -> {
          if (!Objects.equals(normal(get(doc, path)), normal(op.get("value")))) {
            throw new PatchException("JSONPatch test operation failed: value at " + path
                + " is not " + op.get("value"));
          }
        }
        default -> throw new PatchException("JSONPatch: unknown op \"" + name
            + "\"; valid ops are add, remove, replace, move, copy, test");
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> out = (Map<String, Object>) doc;
    return out;
  }

  private static Object required(Map<String, Object> op, String key) throws PatchException {
    if (!op.containsKey(key)) {
      throw new PatchException("JSONPatch " + op.get("op") + " " + op.get("path") + ": "
          + key + " is required");
    }
    return dev.pave.source.Trees.copy(op.get(key));
  }

  private static String from(Map<String, Object> op) throws PatchException {
    if (!(op.get("from") instanceof String s)) {
      throw new PatchException("JSONPatch " + op.get("op") + " " + op.get("path")
          + ": from is required");
    }
    return s;
  }

  static List<String> tokens(String pointer) throws PatchException {
    if (pointer.isEmpty()) {
      return List.of();
    }
    if (!pointer.startsWith("/")) {
      throw new PatchException("JSONPatch: path \"" + pointer + "\" must start with /");
    }
    List<String> out = new ArrayList<>();
    for (String t : pointer.substring(1).split("/", -1)) {
      out.add(t.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  private static Object get(Object doc, String pointer) throws PatchException {
    Object cur = doc;
    for (String t : tokens(pointer)) {
      cur = child(cur, t, pointer);
    }
    return cur;
  }

  private static Object child(Object node, String token, String pointer)
      throws PatchException {
    if (node instanceof Map<?, ?> m && m.containsKey(token)) {
      return m.get(token);
    }
    if (node instanceof List<?> l && index(token, l.size() - 1) >= 0) {
      return l.get(index(token, l.size() - 1));
    }
    throw new PatchException("JSONPatch: path " + pointer + " does not exist");
  }

  private static int index(String token, int max) {
    if (!token.matches("0|[1-9][0-9]{0,8}")) {
      return -1;
    }
    int i = Integer.parseInt(token);
    return i <= max ? i : -1;
  }

  @SuppressWarnings("unchecked")
  private static Object add(Object doc, String pointer, Object value) throws PatchException {
    List<String> t = tokens(pointer);
    if (t.isEmpty()) {
      return value;
    }
    Object parent = doc;
    for (int i = 0; i < t.size() - 1; i++) {
      parent = child(parent, t.get(i), pointer);
    }
    String last = t.get(t.size() - 1);
    if (parent instanceof Map<?, ?> m) {
      ((Map<String, Object>) m).put(last, value);
    } else if (parent instanceof List<?> l) {
      List<Object> list = (List<Object>) l;
      int i = last.equals("-") ? list.size() : index(last, list.size());
      if (i < 0) {
        throw new PatchException("JSONPatch add " + pointer + ": index " + last
            + " is out of range");
      }
      list.add(i, value);
    } else {
      throw new PatchException("JSONPatch add " + pointer + ": parent is not an object or list");
    }
    return doc;
  }

  private static Object remove(Object doc, String pointer) throws PatchException {
    List<String> t = tokens(pointer);
    if (t.isEmpty()) {
      return new LinkedHashMap<String, Object>();
    }
    Object parent = doc;
    for (int i = 0; i < t.size() - 1; i++) {
      parent = child(parent, t.get(i), pointer);
    }
    String last = t.get(t.size() - 1);
    child(parent, last, pointer);
    if (parent instanceof Map<?, ?> m) {
      m.remove(last);
    } else if (parent instanceof List<?> l) {
      l.remove(index(last, l.size() - 1));
    }
    return doc;
  }

  private static Object normal(Object v) {
    return v instanceof Number n && !(v instanceof Double) ? n.longValue() : v;
  }
}
