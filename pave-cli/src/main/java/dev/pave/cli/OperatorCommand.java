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
        + " Reconciles Team resources too: namespaces, member RoleBindings, quota and CI"
        + " ServiceAccount per environment (docs/teams.md)."
        + " The CRDs in deploy/crds/ must be installed.",
    footer = {"", "Examples:",
        "  pave operator --env prod",
        "  pave operator --env dev --context kind-pave",
        "  pave operator --env prod --leader-election-namespace pave-system --webhook-port 9443",
        "  pave operator --env prod --webhook-port 9443 --webhook-cert-dir /etc/pave/tls"})
final class OperatorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-e", "--env"}, required = true, paramLabel = "ENV",
      description = "Environment of Applications without a pave.dev/environment label.")
  String environment;

  @Option(names = "--retention", defaultValue = "20", paramLabel = "N",
      description = "Revisions kept per application (default ${DEFAULT-VALUE}).")
  int retention;

  @Option(names = "--leader-election-namespace", paramLabel = "NS",
      description = "Run with leader election, holding a Lease named pave-operator in NS, so"
          + " that only one of several replicas reconciles at a time.")
  String leaseNamespace;

  @Option(names = "--workers", defaultValue = "10", paramLabel = "N",
      description = "Applications reconciled at the same time (default ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--health-port", defaultValue = "8081", paramLabel = "PORT",
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

  @Option(names = "--webhook-port", paramLabel = "PORT",
      description = "Serve the admission webhook over HTTPS on PORT: policy for Pods and"
          + " workloads, validation of Applications and Environments, and the user who changed"
          + " an Application. Off when not given.")
  Integer webhookPort;

  @Option(names = "--webhook-namespace", defaultValue = "${env:POD_NAMESPACE:-pave-system}",
      paramLabel = "NS", description = "Namespace of the webhook's Service and certificate"
          + " Secret (default: $POD_NAMESPACE, else ${DEFAULT-VALUE}).")
  String webhookNamespace;

  @Option(names = "--webhook-service", defaultValue = "pave-webhook", paramLabel = "NAME",
      description = "The webhook's Service, named in its certificate (default ${DEFAULT-VALUE}).")
  String webhookService;

  @Option(names = "--webhook-configuration", defaultValue = "pave", paramLabel = "NAME",
      description = "Validating and mutating webhook configurations whose caBundle Pave keeps"
          + " (default ${DEFAULT-VALUE}).")
  String webhookConfiguration;

  @Option(names = "--webhook-cert-dir", paramLabel = "DIR",
      description = "Use tls.crt and tls.key from DIR (cert-manager or your CA), read again"
          + " when they change, instead of a generated CA kept in the Secret pave-webhook-tls.")
  java.nio.file.Path webhookCertDir;

  @Option(names = "--webhook-host", paramLabel = "NAME", split = ",",
      description = "Extra names or IP addresses for the generated certificate, for a webhook"
          + " registered by URL.")
  java.util.List<String> webhookHosts = new java.util.ArrayList<>();

  @Option(names = "--exclude-namespace", paramLabel = "NS", split = ",",
      description = "Namespaces the webhook always admits (default: kube-system and the"
          + " webhook's own).")
  java.util.List<String> excluded = new java.util.ArrayList<>();

  @Option(names = "--deny-at", defaultValue = "high", paramLabel = "SEVERITY",
      description = "Deny at this severity or above; lower findings are warnings (default"
          + " ${DEFAULT-VALUE}).")
  String denyAt;

  @Mixin PolicyOptions policies;

  @Option(names = "--log-format", defaultValue = "json", paramLabel = "FORMAT",
      description = "Logs on standard error: json (one object per line, with app, environment"
          + " and revision as fields) or text (default ${DEFAULT-VALUE}).")
  Logging.Format logFormat;

  @Option(names = "--log-level", defaultValue = "info", paramLabel = "LEVEL",
      description = "Level of Pave's own logs: debug, info, warn (default ${DEFAULT-VALUE}).")
  String logLevel;

  @Override
  public Integer call() {
    Logging.enable(logFormat, logLevel);
    KubernetesClient client = cluster.client();
    Releases releases = new Releases(client, Clock.systemUTC(), System::nanoTime, retention);
    dev.pave.control.OperatorMetrics metrics = new dev.pave.control.OperatorMetrics();
    Operator operator = dev.pave.control.Operators.create(client, workers, leaseNamespace,
        metrics);
    dev.pave.control.TeamDirectory teams;
    try {
      teams = dev.pave.control.Operators.registerWithTeams(operator, client,
          ApplicationReconciler.withBuiltIns(releases, environment, Clock.systemUTC(), resync)
              .withMetrics(metrics), environment, Clock.systemUTC(), resync);
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      throw new UserError(e.getCode() == 404 ? "the cluster does not serve Teams"
          + " (teams.pave.dev): install the CRDs in deploy/crds/ (kubectl apply -f deploy/crds/)"
          : "cannot read Teams, Environments and namespaces: " + e.getMessage());
    }
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
    Webhook webhook = webhookPort == null ? null : startWebhook(client, metrics, teams);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.stop();
      teams.close();
      health.close();
      if (webhook != null) {
        webhook.close();
      }
      stopped.countDown();
    }));
    operator.start();
    started.set(true);
    spec.commandLine().getErr().println("pave operator running for environment " + environment
        + " against " + client.getMasterUrl() + "; health and metrics on port " + health.port()
        + (webhook == null ? "" : "; admission webhook on port " + webhook.server.port())
        + "; Ctrl-C stops it");
    spec.commandLine().getErr().flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      // Stopped from within the process (a test, an embedding sandbox): clean up as Ctrl-C does.
      operator.stop();
      teams.close();
      health.close();
      if (webhook != null) {
        webhook.close();
      }
      Thread.currentThread().interrupt();
    }
    return ExitCode.OK;
  }

  /** The webhook server and what renews its certificate. */
  record Webhook(dev.pave.control.webhook.WebhookServer server,
      java.util.concurrent.ScheduledExecutorService renewals) implements AutoCloseable {
    @Override
    public void close() {
      server.close();
      if (renewals != null) {
        renewals.shutdownNow();
      }
    }
  }

  private Webhook startWebhook(KubernetesClient client,
      dev.pave.control.OperatorMetrics metrics, dev.pave.control.TeamDirectory teams) {
    PolicyOptions.Loaded loaded;
    try {
      loaded = policies.load();
    } catch (java.io.IOException e) {
      throw new UserError("cannot read the policies: " + e.getMessage());
    }
    if (!loaded.problems().isEmpty()) {
      throw new UserError(loaded.problems().get(0).toString());
    }
    dev.pave.policy.Severity threshold = CheckCommand.severity(denyAt);
    java.util.Set<String> skip = new java.util.HashSet<>(excluded.isEmpty()
        ? java.util.List.of("kube-system", webhookNamespace) : excluded);
    dev.pave.control.webhook.Reviews reviews = new dev.pave.control.webhook.Reviews(
        loaded.engine(), loaded.exceptions(), threshold, skip, Clock.systemUTC(),
        new dev.pave.control.webhook.AdmissionEvents(client, Clock.systemUTC(), metrics))
        .withTeams(teams);
    java.util.function.Supplier<dev.pave.control.webhook.Certificates.Issued> certificate;
    java.util.concurrent.ScheduledExecutorService renewals = null;
    if (webhookCertDir != null) {
      try {
        certificate = new dev.pave.control.webhook.CertificateFiles(webhookCertDir);
      } catch (RuntimeException e) {
        throw new UserError("--webhook-cert-dir: " + e.getMessage());
      }
    } else {
      dev.pave.control.webhook.CertificateKeeper keeper =
          new dev.pave.control.webhook.CertificateKeeper(client, webhookNamespace,
              "pave-webhook-tls", webhookService, webhookHosts,
              java.util.List.of(webhookConfiguration),
              dev.pave.control.webhook.Rotation.DEFAULT, Clock.systemUTC());
      keeper.refresh();
      certificate = keeper::current;
      renewals = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pave-webhook-certificates");
        t.setDaemon(true);
        return t;
      });
      renewals.scheduleWithFixedDelay(() -> {
        try {
          keeper.refresh();
        } catch (RuntimeException e) {
          metrics.error("CertificateRenewalFailed");
        }
      }, 1, 1, java.util.concurrent.TimeUnit.MINUTES);
    }
    try {
      return new Webhook(new dev.pave.control.webhook.WebhookServer("0.0.0.0", webhookPort,
          certificate, java.util.Map.of(
              "/validate/workloads", reviews::workload,
              "/validate/pave", reviews::paveResource,
              "/mutate/applications", reviews::stampUser), 8), renewals);
    } catch (java.io.IOException e) {
      throw new UserError("cannot serve the admission webhook on port " + webhookPort + ": "
          + e.getMessage());
    }
  }
}
