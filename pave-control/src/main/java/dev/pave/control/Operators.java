package dev.pave.control;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/**
 * The one way Pave's operator is configured, in a cluster, in tests and in the benchmarks, so
 * all of them run the same code: the framework's own server-side apply off, since Pave's apply
 * path is a three-way merge written with update-with-resourceVersion (see {@link Applier}),
 * and the framework's queue reported to Pave's metrics.
 */
public final class Operators {
  private Operators() {}

  /**
   * An operator on {@code client} with {@code workers} concurrent reconciles; with a
   * {@code leaseNamespace}, only the holder of the Lease pave-operator there reconciles.
   */
  public static Operator create(KubernetesClient client, int workers, String leaseNamespace,
      OperatorMetrics metrics) {
    return new Operator(o -> {
      o.withKubernetesClient(client)
          .withMetrics(metrics.framework())
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withConcurrentReconciliationThreads(workers)
          .withCloseClientOnStop(false);
      if (leaseNamespace != null) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration("pave-operator",
            leaseNamespace));
      }
    });
  }
}
