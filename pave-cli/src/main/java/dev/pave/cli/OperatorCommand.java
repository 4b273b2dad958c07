package dev.pave.cli;

import dev.pave.control.ApplicationReconciler;
import dev.pave.control.Releases;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pave operator}: the control plane, run against the current kubeconfig context. */
@Command(name = "operator",
    mixinStandardHelpOptions = true,
    header = "Run the Pave operator against a cluster until interrupted.",
    description = "Watches Application resources, renders them for their environment (the"
        + " pave.dev/environment label, else --env), applies them, keeps every release as an"
        + " ApplicationRevision and rolls back automatically where the environment says so."
        + " The CRDs in deploy/crds/ must be installed.",
    footer = {"", "Examples:",
        "  pave operator --env prod",
        "  pave operator --env dev --context kind-pave"})
final class OperatorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-e", "--env"}, required = true, paramLabel = "ENV",
      description = "Environment of Applications without a pave.dev/environment label.")
  String environment;

  @Option(names = "--retention", defaultValue = "20",
      description = "Revisions kept per application (default ${DEFAULT-VALUE}).")
  int retention;

  @Option(names = "--leader-election-namespace", paramLabel = "NS",
      description = "Run with leader election, holding a Lease named pave-operator in NS, so"
          + " that only one of several replicas reconciles at a time.")
  String leaseNamespace;

  @Option(names = "--workers", defaultValue = "10",
      description = "Applications reconciled at the same time (default ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--health-port", defaultValue = "8081",
      description = "Port of /healthz, /readyz and /metrics (default ${DEFAULT-VALUE}; 0 picks"
          + " a free one).")
  int healthPort;

  @Option(names = "--resync", defaultValue = "5m", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Look again at every Application at least this often, to find drift in"
          + " objects other than Deployments (default ${DEFAULT-VALUE}; Deployments are"
          + " watched).")
  java.time.Duration resync;

  @Mixin ClusterOptions cluster;

  @Override
  public Integer call() throws InterruptedException {
    KubernetesClient client = cluster.client();
    Releases releases = new Releases(client, Clock.systemUTC(), System::nanoTime, retention);
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withConcurrentReconciliationThreads(workers);
      if (leaseNamespace != null) {
        o.withLeaderElectionConfiguration(new io.javaoperatorsdk.operator.api.config
            .LeaderElectionConfiguration("pave-operator", leaseNamespace));
      }
    });
    dev.pave.control.OperatorMetrics metrics = new dev.pave.control.OperatorMetrics();
    operator.register(ApplicationReconciler.withBuiltIns(releases, environment,
        Clock.systemUTC(), resync).withMetrics(metrics));
    java.util.concurrent.atomic.AtomicBoolean started =
        new java.util.concurrent.atomic.AtomicBoolean();
    dev.pave.control.HealthServer health;
    try {
      health = new dev.pave.control.HealthServer("0.0.0.0", healthPort, () -> {
        if (!started.get()) {
          return false;
        }
        try {
          client.getKubernetesVersion();
          return true;
        } catch (RuntimeException e) {
          return false;
        }
      }, metrics);
    } catch (java.io.IOException e) {
      throw new UserError("cannot listen on port " + healthPort + " for health and metrics: "
          + e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.stop();
      health.close();
      stopped.countDown();
    }));
    operator.start();
    started.set(true);
    spec.commandLine().getErr().println("pave operator running for environment " + environment
        + " against " + client.getMasterUrl() + "; health and metrics on port " + health.port()
        + "; Ctrl-C stops it");
    spec.commandLine().getErr().flush();
    stopped.await();
    return ExitCode.OK;
  }
}
