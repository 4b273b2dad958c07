package dev.pave.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What changed in the cluster in the fields Pave owns: every field of the last applied object
 * whose live value differs, with both values. Fields Pave never wrote are not drift.
 */
public final class Drift {
  /** One field that is no longer what Pave applied. */
  /**
   * One field that differs. {@code manager} is who last wrote it, where the API server's
   * managedFields tell (null otherwise).
   */
  public record Change(String path, Object applied, Object live, String manager) {
    public Change(String path, Object applied, Object live) {
      this(path, applied, live, null);
    }
  }

  private Drift() {}

  public static List<Change> between(Map<String, Object> lastApplied, Map<String, Object> live) {
    List<Change> out = new ArrayList<>();
    compare("", lastApplied, live, out);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void compare(String path, Object applied, Object live, List<Change> out) {
    if (applied instanceof Map<?, ?> am && live instanceof Map<?, ?> lm) {
      for (Map.Entry<String, Object> e : ((Map<String, Object>) am).entrySet()) {
        if (path.isEmpty() && e.getKey().equals("status")) {
          continue;
        }
        String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        compare(child, e.getValue(), lm.get(e.getKey()), out);
      }
      return;
    }
    if (applied instanceof List<?> al && live instanceof List<?> ll) {
      String key = Lists.mergeKey(al, ll);
      if (key != null) {
        for (Object item : al) {
          Object id = Lists.keyOf(item, key);
          Object match = ll.stream().filter(x -> Objects.equals(Lists.keyOf(x, key), id))
              .findFirst().orElse(null);
          compare(path + "[" + key + "=" + id + "]", item, match, out);
        }
        return;
      }
    }
    if (!sameValue(applied, live)) {
      out.add(new Change(path, applied, live));
    }
  }

  /** Equal, treating 1 and 1L and 1.0 alike, since JSON readers differ in number types. */
  public static boolean sameValue(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!sameValue(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (!x.keySet().equals(y.keySet())) {
        return false;
      }
      for (Object k : x.keySet()) {
        if (!sameValue(x.get(k), y.get(k))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }
}
