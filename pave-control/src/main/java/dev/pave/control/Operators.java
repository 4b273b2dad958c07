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

  /**
   * Registers {@code applications} taking onCall and runbook from their Team, and the Team
   * reconciler beside it: what {@code pave operator} and the sandbox run. The returned directory
   * (Teams, Environments and team namespaces in memory) also answers admission; close it when
   * the operator stops.
   */
  public static TeamDirectory registerWithTeams(Operator operator, KubernetesClient client,
      ApplicationReconciler applications, String defaultEnvironment, java.time.Clock clock,
      java.time.Duration recheck) {
    TeamDirectory directory = TeamDirectory.start(client, dev.pave.spec.Environments.builtIn(),
        defaultEnvironment);
    operator.register(applications.withTeams(directory::team));
    operator.register(new TeamReconciler(dev.pave.spec.Environments.builtIn(),
        dev.pave.team.TeamObjects.APPLICATIONS_NAMESPACE, clock, recheck));
    return directory;
  }
}
