package dev.pave.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An object as the API server holds it once decoded into its Go types, for the rules to read.
 * A YAML key written without a value ({@code securityContext:}) is null in the file, but the
 * server decodes null into a struct field as the field's zero value, which it never writes
 * back: the field is absent. Rules written against what the server stores would otherwise see
 * a key that is present and null, where {@code has()} is true and every read below it fails.
 *
 * <p>Go's decoding of null depends on the field's type: a struct, pointer, slice or map field
 * is left unset (absent); an entry of a {@code map[string]string} (labels, annotations,
 * nodeSelector) is kept with the empty string; an item of a list is the element type's zero
 * value (an empty object, or "" in a list of strings such as capabilities.add).
 */
final class Decoded {
  /** Maps of string to string: a null value there is the entry with "". */
  private static final Set<String> STRING_MAPS = Set.of("labels", "annotations",
      "nodeSelector");
  /** Lists of strings in a pod: a null item there is "". */
  private static final Set<String> STRING_LISTS = Set.of("add", "drop", "command", "args",
      "finalizers", "searches", "nameservers");

  private Decoded() {}

  /**
   * The object without its nulls, or the very same object when it holds none: most objects
   * hold none, and they are then neither copied nor changed.
   */
  static Map<String, Object> of(Map<String, Object> object) {
    return object == null ? null : map(object, false);
  }

  private static Map<String, Object> map(Map<String, Object> m, boolean strings) {
    Map<String, Object> out = null;
    for (Map.Entry<String, Object> e : m.entrySet()) {
      Object v = e.getValue();
      Object d = v == null ? (strings ? "" : null) : value(e.getKey(), v);
      if ((v == null || d != v) && out == null) {
        out = new LinkedHashMap<>();
        // The entries before this one were unchanged: copied as they are.
        for (Map.Entry<String, Object> before : m.entrySet()) {
          if (before.getKey().equals(e.getKey())) {
            break;
          }
          out.put(before.getKey(), before.getValue());
        }
      }
      if (out != null && d != null) {
        out.put(e.getKey(), d);
      }
    }
    return out == null ? m : out;
  }

  @SuppressWarnings("unchecked")
  private static Object value(String key, Object v) {
    if (v instanceof Map<?, ?> m) {
      return map((Map<String, Object>) m, STRING_MAPS.contains(key));
    }
    if (v instanceof List<?> l) {
      return list(key, (List<Object>) l);
    }
    return v;
  }

  private static List<Object> list(String key, List<Object> l) {
    List<Object> out = null;
    for (int i = 0; i < l.size(); i++) {
      Object v = l.get(i);
      Object d = v == null ? (STRING_LISTS.contains(key) ? "" : new LinkedHashMap<>())
          : value(key, v);
      if (d != v && out == null) {
        out = new ArrayList<>(l.subList(0, i));
      }
      if (out != null) {
        out.add(d);
      }
    }
    return out == null ? l : out;
  }
}
