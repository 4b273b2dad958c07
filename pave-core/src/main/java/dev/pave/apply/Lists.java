package dev.pave.apply;

import java.util.List;
import java.util.Map;

/** How lists of objects are matched item by item, as Kubernetes' strategic merge does. */
final class Lists {
  /** Keys that identify an item in the lists Kubernetes merges by key. */
  static final List<String> MERGE_KEYS = List.of("name", "mountPath", "containerPort", "port");

  private Lists() {}

  /** The key every item of both lists has, or null when the lists are replaced whole. */
  static String mergeKey(List<?> a, List<?> b) {
    for (String key : MERGE_KEYS) {
      if (allHave(a, key) && allHave(b, key) && (!a.isEmpty() || !b.isEmpty())) {
        return key;
      }
    }
    return null;
  }

  private static boolean allHave(List<?> list, String key) {
    for (Object o : list) {
      if (!(o instanceof Map<?, ?> m) || m.get(key) == null) {
        return false;
      }
    }
    return true;
  }

  static Object keyOf(Object item, String key) {
    return ((Map<?, ?>) item).get(key);
  }
}
