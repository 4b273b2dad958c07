package dev.pave.policy;

import java.util.List;
import java.util.Map;

/** Public face of the JSON patch helpers, for the in-place fixer. */
public final class Patches {
  private Patches() {}

  public static Map<String, Object> apply(Map<String, Object> object,
      List<Map<String, Object>> ops) {
    return Fixes.apply(object, ops);
  }

  /**
   * The first placeholder such as {@code <team>} among the values a patch writes, or null: a
   * patch with one is a suggestion for a person, never applied as it is.
   */
  public static String placeholder(List<Map<String, Object>> ops) {
    for (Map<String, Object> op : ops) {
      String p = Fixes.placeholder(op.get("value"));
      if (p != null) {
        return p;
      }
    }
    return null;
  }
}
