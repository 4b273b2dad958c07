package dev.pave.policy;

import dev.pave.source.SourceObject;

/** Whether a rule looks at an object. Without a match block a rule looks at every pod. */
final class Matching {
  private Matching() {}

  static boolean matches(Policy.Match match, SourceObject target, boolean hasPod) {
    if (match == null || match.kinds() == null) {
      if (!hasPod) {
        return false;
      }
    } else if (!match.kinds().contains(target.kind()) && !match.kinds().contains("*")) {
      return false;
    }
    if (match == null) {
      return true;
    }
    String ns = target.namespace();
    if (match.namespaces() != null && !match.namespaces().contains(ns)) {
      return false;
    }
    if (match.excludeNamespaces() != null && match.excludeNamespaces().contains(ns)) {
      return false;
    }
    if (match.labels() != null && !Pods.hasLabels(target.metadata(), match.labels())) {
      return false;
    }
    return true;
  }
}
