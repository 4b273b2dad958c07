package dev.pave.apply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The object to write, from what Pave wants now (desired), what it wrote last time (last
 * applied) and what is in the cluster (live). Pave sets every field it wants, removes fields it
 * wrote before and no longer wants, and leaves every other field alone: an autoscaler's replicas,
 * annotations other controllers add, sidecars injected into the pod, the status. Lists of named
 * items (containers, env, ports, volumes) are merged item by item, as Kubernetes does.
 */
public final class ThreeWayMerge {
  /** Server-owned metadata that is always kept from the live object. */
  static final List<String> SERVER_FIELDS = List.of("uid", "resourceVersion", "generation",
      "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp",
      "deletionGracePeriodSeconds");

  private ThreeWayMerge() {}

  /** The merged object; {@code live} and {@code lastApplied} may be null (a new object). */
  public static Map<String, Object> merge(Map<String, Object> lastApplied,
      Map<String, Object> desired, Map<String, Object> live) {
    if (live == null) {
      return copy(desired);
    }
    Map<String, Object> out = mergeMaps(lastApplied == null ? Map.of() : lastApplied, desired,
        live);
    // The status is the controllers' and the API server's, never the applier's.
    if (live.containsKey("status")) {
      out.put("status", copyValue(live.get("status")));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mergeMaps(Map<String, Object> last,
      Map<String, Object> desired, Map<String, Object> live) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : live.entrySet()) {
      String k = e.getKey();
      if (desired.containsKey(k)) {
        continue;
      }
      if (last.containsKey(k) && !SERVER_FIELDS.contains(k)) {
        continue; // Pave wrote it before and no longer wants it: remove.
      }
      out.put(k, copyValue(e.getValue()));
    }
    for (Map.Entry<String, Object> e : desired.entrySet()) {
      String k = e.getKey();
      Object want = e.getValue();
      Object have = live.get(k);
      Object before = last.get(k);
      if (want instanceof Map<?, ?> wm && have instanceof Map<?, ?> hm) {
        out.put(k, mergeMaps(before instanceof Map<?, ?> bm ? (Map<String, Object>) bm
            : Map.of(), (Map<String, Object>) wm, (Map<String, Object>) hm));
      } else if (want instanceof List<?> wl && have instanceof List<?> hl) {
        out.put(k, mergeLists(before instanceof List<?> bl ? bl : List.of(), wl, hl));
      } else {
        out.put(k, copyValue(want));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> mergeLists(List<?> last, List<?> desired, List<?> live) {
    String key = Lists.mergeKey(desired, live);
    if (key == null) {
      List<Object> out = new ArrayList<>();
      desired.forEach(v -> out.add(copyValue(v)));
      return out;
    }
    List<Object> out = new ArrayList<>();
    // Desired items first, in Pave's order, each merged with its live counterpart.
    for (Object want : desired) {
      Object id = Lists.keyOf(want, key);
      Object have = find(live, key, id);
      Object before = find(last, key, id);
      out.add(have == null ? copyValue(want) : mergeMaps(
          before == null ? Map.of() : (Map<String, Object>) before,
          (Map<String, Object>) want, (Map<String, Object>) have));
    }
    // Then live items Pave never wrote (an injected sidecar): kept, in their order.
    for (Object have : live) {
      Object id = Lists.keyOf(have, key);
      if (find(desired, key, id) == null && (last.isEmpty() || find(last, key, id) == null)) {
        out.add(copyValue(have));
      }
    }
    return out;
  }

  private static Object find(List<?> list, String key, Object id) {
    for (Object o : list) {
      if (o instanceof Map<?, ?> m && Objects.equals(m.get(key), id)) {
        return o;
      }
    }
    return null;
  }

  static Map<String, Object> copy(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, copyValue(v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  static Object copyValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      return copy((Map<String, Object>) m);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(x -> out.add(copyValue(x)));
      return out;
    }
    return v;
  }
}
