package dev.pave.control;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Map;
import java.util.Objects;

/**
 * Whether a watched object changed in anything Pave may own: its labels, its annotations or
 * its body (spec, data, rules). Changes of bookkeeping only (resourceVersion, managedFields,
 * status) are not passed on, so a Deployment's status updates alone do not wake a reconcile
 * through this filter (its rollout has its own).
 */
final class OwnedChanges {
  private OwnedChanges() {}

  static <T extends HasMetadata> boolean changed(T now, T before) {
    ObjectMeta a = now.getMetadata();
    ObjectMeta b = before.getMetadata();
    if (!Objects.equals(a.getLabels(), b.getLabels())
        || !Objects.equals(a.getAnnotations(), b.getAnnotations())
        || !Objects.equals(a.getGeneration(), b.getGeneration())) {
      return true;
    }
    return !body(now).equals(body(before));
  }

  /** Everything but metadata and status: kinds without a generation change only here. */
  private static Map<String, Object> body(HasMetadata o) {
    Map<String, Object> m = new java.util.LinkedHashMap<>(dev.pave.render.Manifests.toMap(o));
    m.remove("metadata");
    m.remove("status");
    return m;
  }
}
