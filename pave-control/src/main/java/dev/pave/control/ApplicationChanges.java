package dev.pave.control;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;

/**
 * Which updates of an Application wake its reconcile: a new generation (the spec), a pin
 * (rollback), a change of environment, and the deletion and finalizer bookkeeping the
 * framework acts on. Status writes, Pave's own included, do not. A rollback through the API is
 * an annotation and a change of environment a label, so generation alone would miss both; one
 * filter on the controller's own informer sees them without a second copy of every
 * Application in memory.
 */
public final class ApplicationChanges implements OnUpdateFilter<ApplicationResource> {
  public ApplicationChanges() {}

  @Override
  public boolean accept(ApplicationResource now, ApplicationResource before) {
    ObjectMeta a = now.getMetadata();
    ObjectMeta b = before.getMetadata();
    return !Objects.equals(a.getGeneration(), b.getGeneration())
        || !Objects.equals(a.getDeletionTimestamp(), b.getDeletionTimestamp())
        || !Objects.equals(a.getFinalizers(), b.getFinalizers())
        || !Objects.equals(value(a.getAnnotations(), ApplicationReconciler.PINNED_REVISION),
            value(b.getAnnotations(), ApplicationReconciler.PINNED_REVISION))
        || !Objects.equals(value(a.getAnnotations(), ApplicationReconciler.PINNED_GENERATION),
            value(b.getAnnotations(), ApplicationReconciler.PINNED_GENERATION))
        || !Objects.equals(value(a.getLabels(), ApplicationReconciler.ENVIRONMENT_LABEL),
            value(b.getLabels(), ApplicationReconciler.ENVIRONMENT_LABEL));
  }

  private static String value(java.util.Map<String, String> m, String key) {
    return m == null ? null : m.get(key);
  }
}
