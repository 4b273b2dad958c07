package dev.pave.insights;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scorecard as plain maps, lists, strings and numbers, in record component order: what
 * the API and {@code pave insights -o json} print, with whichever JSON writer they have.
 */
public final class InsightsJson {
  private InsightsJson() {}

  public static Object plain(Object o) {
    if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean) {
      return o;
    }
    if (o instanceof Instant || o instanceof LocalDate || o instanceof Enum<?>) {
      return o.toString();
    }
    if (o instanceof Collection<?> c) {
      var out = new ArrayList<>();
      c.forEach(x -> out.add(plain(x)));
      return out;
    }
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
      return out;
    }
    if (o.getClass().isRecord()) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (RecordComponent rc : o.getClass().getRecordComponents()) {
        try {
          out.put(rc.getName(), plain(rc.getAccessor().invoke(o)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      return out;
    }
    throw new IllegalArgumentException("not plain data: " + o.getClass().getName());
  }

  /** The scorecard as one JSON-ready object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> of(Insights i) {
    return (Map<String, Object>) plain(i);
  }
}
