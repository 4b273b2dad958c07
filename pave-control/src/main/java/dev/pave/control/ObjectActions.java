package dev.pave.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code status.objects} list: what applying the current revision did to each object. A
 * reconcile that only looks again (a recheck, a rollout's progress) finds everything unchanged;
 * that must not overwrite "created", "updated" or "pruned" from the apply that made the
 * revision current, or a developer reading status right after a deploy would see "unchanged"
 * for objects that were just created. So within one revision, an unchanged object keeps the
 * action it had, and pruned objects stay listed; a new revision starts a fresh list.
 */
final class ObjectActions {
  private ObjectActions() {}

  /** Status entries for {@code results}, carried over from {@code previous} as said above. */
  static List<Map<String, Object>> of(List<Applier.Result> results, Map<String, Object> previous,
      int revision, String hash) {
    List<Map<String, Object>> now = new ArrayList<>();
    for (Applier.Result r : results) {
      now.add(entry(r));
    }
    boolean sameRevision = previous.get("revision") instanceof Number n
        && n.intValue() == revision && Objects.equals(previous.get("revisionHash"), hash);
    if (!sameRevision || !(previous.get("objects") instanceof List<?> old)) {
      return now;
    }
    Map<String, Map<String, Object>> before = new LinkedHashMap<>();
    for (Object o : old) {
      if (o instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> e = (Map<String, Object>) m;
        before.put(key(e), e);
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> e : now) {
      Map<String, Object> was = before.remove(key(e));
      boolean carry = "unchanged".equals(e.get("action")) && was != null
          && List.of("created", "updated").contains(was.get("action"));
      out.add(carry ? was : e);
    }
    for (Map<String, Object> was : before.values()) {
      if ("pruned".equals(was.get("action"))) {
        out.add(was); // Pruned by this revision's apply: still worth saying.
      }
    }
    return out;
  }

  private static Map<String, Object> entry(Applier.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", r.kind());
    if (r.namespace() != null && !r.namespace().isEmpty()) {
      m.put("namespace", r.namespace());
    }
    m.put("name", r.name());
    m.put("action", r.action().name().toLowerCase(java.util.Locale.ROOT));
    if (r.message() != null) {
      m.put("message", StatusText.oneLine(r.message()));
    }
    return m;
  }

  private static String key(Map<String, Object> e) {
    return e.get("kind") + "/" + e.getOrDefault("namespace", "") + "/" + e.get("name");
  }
}
