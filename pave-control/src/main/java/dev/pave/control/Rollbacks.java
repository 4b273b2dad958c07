package dev.pave.control;

import dev.pave.release.Revision;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * A rollback as users ask for it, from the CLI or the console: pin the Application to the
 * revision, then apply that revision's objects through {@link Releases#rollback}.
 */
public final class Rollbacks {
  private final KubernetesClient client;
  private final Releases releases;

  /**
   * What the rollback did.
   *
   * @param target the revision rolled back to
   * @param pinWarning why the Application could not be pinned, or null when it was (or there is
   *     no Application to pin)
   */
  public record Result(int target, Releases.Outcome outcome, String pinWarning) {}

  public Rollbacks(KubernetesClient client, Releases releases) {
    this.client = client;
    this.releases = releases;
  }

  /**
   * Rolls back to {@code to}, or to the previous revision when null.
   *
   * @param appNamespace namespace of the Application resource, or null for the objects'
   * @throws IllegalArgumentException when there is no such revision to roll back to
   */
  public Result rollback(Releases.Target t, Integer to, String appNamespace, String changedBy) {
    List<Revision> history = releases.history(t);
    int current = history.isEmpty() ? 0 : history.get(history.size() - 1).number();
    int target = dev.pave.release.Rollbacks.manualTarget(history, current, to)
        .map(Revision::number).orElse(to != null ? to : 0);
    // Pin first: the rollback's own writes wake the operator, which must already see the
    // pin, or it would apply the newer release again.
    Optional<String> warning = pin(t, appNamespace != null ? appNamespace : t.namespace(),
        target);
    Releases.Outcome o = releases.rollback(t, target, changedBy);
    return new Result(target, o, warning.orElse(null));
  }

  private Optional<String> pin(Releases.Target t, String namespace, int revision) {
    try {
      var resource = client.resources(ApplicationResource.class).inNamespace(namespace)
          .withName(t.app());
      ApplicationResource a = resource.get();
      if (a != null) {
        if (a.getMetadata().getAnnotations() == null) {
          a.getMetadata().setAnnotations(new LinkedHashMap<>());
        }
        a.getMetadata().getAnnotations().put(ApplicationReconciler.PINNED_REVISION,
            String.valueOf(revision));
        a.getMetadata().getAnnotations().put(ApplicationReconciler.PINNED_GENERATION,
            String.valueOf(a.getMetadata().getGeneration()));
        client.resource(a).update();
      }
      return Optional.empty();
    } catch (KubernetesClientException e) {
      return Optional.of("rolled back, but the Application could not be pinned ("
          + e.getMessage() + "); the operator may apply the newer release again");
    }
  }
}
