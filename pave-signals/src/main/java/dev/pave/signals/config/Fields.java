package dev.pave.signals.config;

import dev.pave.spec.Problem;
import dev.pave.spec.SourceMap;
import dev.pave.spec.Suggest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping of the configuration file being read, with its field path, reporting each problem
 * at the line and column the positioned reader recorded for it.
 */
public final class Fields {
  private static final Pattern DURATION = Pattern.compile("^(\\d+)(ms|s|m|h|d)$");

  private final Map<String, Object> map;
  private final String path;
  private final SourceMap positions;
  private final List<Problem> problems;

  Fields(Map<String, Object> map, String path, SourceMap positions, List<Problem> problems) {
    this.map = map == null ? Map.of() : map;
    this.path = path;
    this.positions = positions;
    this.problems = problems;
  }

  String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  void problem(String key, String message) {
    problems.add(positions.problem(key == null ? path : path(key), message));
  }

  boolean has(String key) {
    return map.get(key) != null;
  }

  /** Reports fields this mapping does not have, with the closest valid name. */
  void allow(String... keys) {
    Set<String> allowed = Set.of(keys);
    for (String k : map.keySet()) {
      if (!allowed.contains(k)) {
        problems.add(positions.problemAtKey(path(k), "unknown field \"" + k + "\""
            + Suggest.didYouMean(k, allowed) + " Valid fields here: "
            + String.join(", ", List.of(keys)) + "."));
      }
    }
  }

  String string(String key, String fallback) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Map<?, ?> || v instanceof List<?>) {
      problem(key, "expected a single value, got a " + (v instanceof Map<?, ?> ? "mapping"
          : "list"));
      return fallback;
    }
    return String.valueOf(v);
  }

  String required(String key, String what) {
    String v = string(key, null);
    if (v == null || v.isBlank()) {
      problem(key, "missing required field \"" + key + "\": " + what);
    }
    return v;
  }

  int integer(String key, int fallback, int min, int max) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Long || v instanceof Integer)) {
      problem(key, "expected a whole number from " + min + " to " + max + ", got \"" + v + "\"");
      return fallback;
    }
    long n = ((Number) v).longValue();
    if (n < min || n > max) {
      problem(key, "must be from " + min + " to " + max + ", got " + n);
      return fallback;
    }
    return (int) n;
  }

  /** A number of 0 or more (money, counts): whole or with decimals. */
  double amount(String key) {
    Object v = map.get(key);
    if (v == null) {
      return 0;
    }
    if (!(v instanceof Number n) || Double.isNaN(n.doubleValue())
        || Double.isInfinite(n.doubleValue())) {
      problem(key, "expected a number of 0 or more (such as 120000 or 45.5), got \"" + v + "\"");
      return 0;
    }
    if (n.doubleValue() < 0) {
      problem(key, "must be 0 or more, got " + v);
      return 0;
    }
    return n.doubleValue();
  }

  Duration duration(String key, Duration fallback) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    Matcher m = DURATION.matcher(String.valueOf(v));
    if (!m.matches()) {
      problem(key, "expected a duration such as 500ms, 30s, 5m, 1h or 30d, got \"" + v + "\"");
      return fallback;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  boolean bool(String key, boolean fallback) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Boolean b)) {
      problem(key, "expected true or false, got \"" + v + "\"");
      return fallback;
    }
    return b;
  }

  <E extends Enum<E>> E choice(String key, Map<String, E> choices, E fallback) {
    String v = string(key, null);
    if (v == null) {
      return fallback;
    }
    E e = choices.get(v);
    if (e == null) {
      problem(key, "unknown value \"" + v + "\"" + Suggest.didYouMean(v, choices.keySet())
          + " Valid: " + String.join(", ", choices.keySet()) + ".");
      return fallback;
    }
    return e;
  }

  @SuppressWarnings("unchecked")
  Fields object(String key) {
    Object v = map.get(key);
    if (v != null && !(v instanceof Map<?, ?>)) {
      problem(key, "expected a mapping, got \"" + v + "\"");
      return new Fields(Map.of(), path(key), positions, problems);
    }
    return new Fields((Map<String, Object>) v, path(key), positions, problems);
  }

  /** Each item of a list of mappings. */
  @SuppressWarnings("unchecked")
  List<Fields> objects(String key) {
    Object v = map.get(key);
    List<Fields> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof List<?> list)) {
      problem(key, "expected a list");
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      String p = path(key) + "[" + i + "]";
      if (list.get(i) instanceof Map<?, ?> m) {
        out.add(new Fields((Map<String, Object>) m, p, positions, problems));
      } else {
        problems.add(positions.problem(p, "expected a mapping, got \"" + list.get(i) + "\""));
      }
    }
    return out;
  }

  /** A list of plain values; a single value is read as a list of one. */
  List<String> strings(String key) {
    Object v = map.get(key);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (v instanceof List<?> list) {
      for (Object o : list) {
        out.add(String.valueOf(o));
      }
    } else if (v instanceof Map<?, ?>) {
      problem(key, "expected a list of values, got a mapping");
    } else {
      out.add(String.valueOf(v));
    }
    return out;
  }
}
