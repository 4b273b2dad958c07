package dev.pave.source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The plain trees read from YAML and JSON: maps with string keys, lists and scalars. */
public final class Trees {
  private Trees() {}

  /**
   * A copy of every map and list in the tree, so the copy can be changed without touching the
   * original; scalars are shared (they are immutable).
   */
  public static Object copy(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(String.valueOf(e.getKey()), copy(e.getValue()));
      }
      return out;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object v : l) {
        out.add(copy(v));
      }
      return out;
    }
    return value;
  }
}
