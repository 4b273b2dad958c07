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
}
