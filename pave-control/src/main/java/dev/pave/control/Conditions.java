package dev.pave.control;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Status conditions whose lastTransitionTime moves only when their status flips. */
final class Conditions {
  private Conditions() {}

  static Map<String, Object> of(Map<String, Object> previous, Clock clock, String type,
      String value, String reason, String message) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("status", value);
    c.put("reason", reason);
    c.put("message", message);
    String since = clock.instant().toString();
    if (previous.get("conditions") instanceof List<?> old) {
      for (Object o : old) {
        if (o instanceof Map<?, ?> m && type.equals(m.get("type")) && value.equals(m.get("status"))
            && m.get("lastTransitionTime") instanceof String t) {
          since = t;
        }
      }
    }
    c.put("lastTransitionTime", since);
    return c;
  }
}
