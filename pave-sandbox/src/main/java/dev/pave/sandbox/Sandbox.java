package dev.pave.sandbox;

import dev.pave.control.ApplicationReconciler;
import dev.pave.control.OperatorMetrics;
import dev.pave.control.Operators;
import dev.pave.control.Releases;
import dev.pave.control.TeamDirectory;
import dev.pave.control.webhook.AdmissionEvents;
import dev.pave.console.Auth;
import dev.pave.console.Console;
import dev.pave.control.webhook.Reviews;
import dev.pave.policy.PolicyEngine;
import dev.pave.policy.PolicyException;
import dev.pave.policy.PolicyReader;
import dev.pave.policy.Severity;
import dev.pave.schema.CustomResourceDefinitions;
import dev.pave.signals.cluster.ClusterWatch;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.config.SignalsConfig;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Database;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The whole platform in one process: the embedded Kubernetes API (or a real cluster), the
 * operator, the policy engine at admission, the signal pipeline on embedded PostgreSQL, and
 * the demo. The parts are the ones a cluster runs; only the wiring is the sandbox's.
 */
public final class Sandbox implements AutoCloseable {
  /** Where the allowed-registries rule points in the sandbox, so the demo can break it. */
  static final Map<String, Map<String, Object>> POLICY_PARAMETERS = Map.of("platform",
      Map.of("allowedRegistries", List.of("registry.example.com")));
  /** One policy configuration for admission and the console, so both give one verdict. */
  static final dev.pave.policy.PolicySettings POLICIES = dev.pave.policy.PolicySettings.builtIn(
      POLICY_PARAMETERS, Severity.HIGH);
  /** The operator's and the API's own namespaces are not checked, as in a cluster install. */
  static final Set<String> UNCHECKED = Set.of("kube-system", "pave-system");

  /** How to start it. A null {@code external} client means the embedded API. */
  public record Settings(Path data, boolean fresh, int apiPort, int signalsPort, int consolePort,
      KubernetesClient external, Clock clock, Consumer<String> progress) {
    public Settings {
      if (progress == null) {
        progress = s -> {};
      }
      if (clock == null) {
        clock = Clock.systemUTC();
      }
    }

    public static Settings embedded(Path data) {
      return new Settings(data, false, 0, 0, 8080, null, Clock.systemUTC(), null);
    }

    public Settings fresh(boolean f) {
      return new Settings(data, f, apiPort, signalsPort, consolePort, external, clock,
          progress);
    }

    public Settings ports(int api, int signals, int console) {
      return new Settings(data, fresh, api, signals, console, external, clock, progress);
    }

    public Settings against(KubernetesClient client) {
      return new Settings(data, fresh, apiPort, signalsPort, consolePort, client, clock,
          progress);
    }

    public Settings progress(Consumer<String> p) {
      return new Settings(data, fresh, apiPort, signalsPort, consolePort, external, clock, p);
    }
  }

  private final Settings settings;
  private final List<AutoCloseable> parts = new ArrayList<>();
  private final ScheduledExecutorService snapshots = Executors.newSingleThreadScheduledExecutor(
      r -> {
        Thread t = new Thread(r, "pave-sandbox-snapshots");
        t.setDaemon(true);
        return t;
      });
  private EmbeddedApi api;
  private KubernetesClient client;
  private Pipeline pipeline;
  private Database database;
  private Demo demo;
  private Console console;
  private boolean seeded;
  private volatile boolean restoredWhole;
  private final OperatorMetrics metrics = new OperatorMetrics();
  private DataLock lock;

  private Sandbox(Settings settings) {
    this.settings = settings;
  }

  /** Starts every part; on failure, what was started is stopped again. */
  public static Sandbox start(Settings settings) throws IOException {
    Sandbox s = new Sandbox(settings);
    // Before anything in the directory is read, removed or rewritten: a second start on a
    // directory in use would otherwise point the running sandbox's kubeconfig at itself.
    s.lock = DataLock.acquire(settings.data());
    List<String> before = List.of();
    try {
      if (settings.fresh()) {
        deleteTree(settings.data());
      }
      before = KEPT.stream().filter(n -> Files.exists(settings.data().resolve(n))).toList();
      s.startParts();
      return s;
    } catch (IOException | RuntimeException e) {
      // What a failed start wrote would outlive it: a signals.yaml with a port the next
      // --signals-port could not change, a cluster.jsonl that made the next start skip the
      // demo. The directory is left as this start found it.
      s.restoredWhole = false;
      s.close();
      for (String name : KEPT) {
        if (!before.contains(name)) {
          try {
            deleteTree(settings.data(), name);
          } catch (IOException ignored) {
            // the start's own failure is the one to report
          }
        }
      }
      throw e;
    }
  }

  private void startParts() throws IOException {
    Path data = settings.data();
    boolean firstStart;
    if (settings.external() == null) {
      settings.progress().accept("starting the embedded Kubernetes API");
      api = new EmbeddedApi(settings.apiPort());
      parts.add(api);
      client = api.client();
      int restored = api.restore(cluster());
      installDefinitions();
      Demo.installTeamRoles(client);
      // Only a sandbox that read its saved objects whole may write them back.
      restoredWhole = true;
      firstStart = restored == 0;
      if (restored > 0) {
        settings.progress().accept("restored " + restored + " objects from " + cluster());
      }
      api.writeKubeconfig(kubeconfig());
    } else {
      client = settings.external();
      firstStart = false;
    }
    // The operator's Team directory is registered first, so admission reads the same Teams.
    Releases releases = new Releases(client, settings.clock(), System::nanoTime, 20);
    Operator operator = Operators.create(client, 4, null, metrics);
    TeamDirectory teams = Operators.registerWithTeams(operator, client,
        ApplicationReconciler.withBuiltIns(releases, "dev", settings.clock(),
            Duration.ofMinutes(5)).withMetrics(metrics), "dev", settings.clock(),
        Duration.ofMinutes(5));
    parts.add(teams);
    settings.progress().accept("starting the policy engine at admission");
    startAdmission(teams);
    settings.progress().accept("starting the operator");
    operator.start();
    parts.add(operator::stop);
    settings.progress().accept("starting signals (embedded PostgreSQL in "
        + data.resolve("signals-db") + ")");
    startSignals();
    settings.progress().accept("starting the console");
    try {
      console = Console.start(Console.Settings.builder().kubernetes(client)
          .dataSource(database.dataSource()).signals(pipeline).auth(Auth.sandbox())
          .host("127.0.0.1").port(settings.consolePort()).clock(settings.clock())
          .defaultEnvironment("dev").policies(POLICIES).log(line -> {}).build());
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot start the console on 127.0.0.1:"
          + settings.consolePort() + " (" + e.getMessage() + "); choose another port with"
          + " --port", e);
    }
    parts.add(console);
    if (api != null) {
      snapshots.scheduleWithFixedDelay(this::snapshot, 5, 5, TimeUnit.SECONDS);
    }
    demo = new Demo(client, pipeline, settings.clock(), settings.progress());
    if (firstStart) {
      seeded = true;
      demo.seed();
    }
  }

  /**
   * Pave's definitions as this version ships them (replacing older ones a restart restored),
   * each established before anything uses its kinds.
   */
  private void installDefinitions() {
    List<Map<String, Object>> crds = new ArrayList<>(List.of(
        CustomResourceDefinitions.application(), CustomResourceDefinitions.applicationRevision(),
        CustomResourceDefinitions.environment(), CustomResourceDefinitions.team(),
        Demo.policyExceptionDefinition(),
        dev.pave.signals.cluster.SignalSinkResources.definition()));
    for (Map<String, Object> crd : crds) {
      CustomResourceDefinition d = client.getKubernetesSerialization().convertValue(crd,
          CustomResourceDefinition.class);
      var definitions = client.apiextensions().v1().customResourceDefinitions();
      CustomResourceDefinition existing = definitions.withName(d.getMetadata().getName()).get();
      if (existing == null) {
        definitions.resource(d).create();
      } else if (!existing.getSpec().equals(d.getSpec())) {
        d.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        definitions.resource(d).update();
      }
      definitions.withName(d.getMetadata().getName()).waitUntilCondition(c ->
          c != null && c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream()
              .anyMatch(k -> k.getType().equals("Established")
                  && k.getStatus().equals("True")), 30, TimeUnit.SECONDS);
    }
  }

  /**
   * The admission handlers of the webhook, called in-process by the embedded API as an
   * admission step (no webhook server to run or certificate to make), with the cluster's PolicyExceptions as they change. Against a real
   * cluster the installed webhook does this, so nothing is added here.
   */
  private void startAdmission(TeamDirectory teams) {
    if (api == null) {
      return;
    }
    PolicyEngine.Built built = POLICIES.build();
    if (!built.problems().isEmpty()) {
      throw new IllegalStateException("the built-in packs do not compile: "
          + built.problems().get(0));
    }
    AdmissionEvents recorder = new AdmissionEvents(client, settings.clock(), metrics);
    AtomicReference<Reviews> reviews = new AtomicReference<>(new Reviews(built.engine(),
        List.of(), POLICIES.denyAt(), UNCHECKED, settings.clock(), recorder)
        .withTeams(teams));
    SharedIndexInformer<GenericKubernetesResource> exceptions = client
        .genericKubernetesResources(Demo.POLICY_EXCEPTIONS).inAnyNamespace().inform();
    Runnable rebuild = () -> reviews.set(new Reviews(built.engine(),
        exceptionsOf(exceptions.getStore().list()), POLICIES.denyAt(), UNCHECKED,
        settings.clock(), recorder).withTeams(teams));
    exceptions.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource r) {
        rebuild.run();
      }

      @Override
      public void onUpdate(GenericKubernetesResource a, GenericKubernetesResource b) {
        rebuild.run();
      }

      @Override
      public void onDelete(GenericKubernetesResource r, boolean unknown) {
        rebuild.run();
      }
    });
    parts.add(exceptions::close);
    rebuild.run();
    api.cluster().admit(new PolicyAdmission(new PolicyAdmission.Handlers(
        r -> reviews.get().workload(r), r -> reviews.get().paveResource(r))));
  }

  /** The cluster's PolicyException objects, read with the same reader as exception files. */
  private List<PolicyException> exceptionsOf(List<GenericKubernetesResource> objects) {
    List<PolicyException> out = new ArrayList<>();
    for (GenericKubernetesResource r : objects) {
      Map<String, Object> doc = client.getKubernetesSerialization().convertValue(r, Map.class);
      PolicyReader.Result read = PolicyReader.read("PolicyException "
          + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(),
          dev.pave.render.Manifests.yamlOf(doc));
      read.exceptions().forEach(e -> out.add(e.value()));
      read.problems().forEach(p -> settings.progress().accept("ignoring " + p.format()));
    }
    return out;
  }

  private void startSignals() throws IOException {
    Path file = settings.data().resolve("signals.yaml");
    if (!Files.exists(file)) {
      Files.writeString(file, Demo.signalsConfig(settings.signalsPort()));
    }
    ConfigReader.Result read = ConfigReader.read(file);
    if (!read.problems().isEmpty()) {
      throw new IllegalArgumentException(read.problems().get(0).format());
    }
    SignalsConfig cfg = read.config();
    database = Database.open(cfg.database());
    parts.add(database);
    try {
      pipeline = Pipeline.start(cfg, database, settings.clock(), line -> {});
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot start signals: " + e.getMessage(), e);
    }
    parts.add(pipeline);
    SignalsConfig.Kubernetes k = cfg.catalog().kubernetes() != null ? cfg.catalog().kubernetes()
        : new SignalsConfig.Kubernetes(null, null, "sandbox", List.of(), true,
            Duration.ofMinutes(5), "pave-system");
    pipeline.attach(new ClusterWatch(client, k, cfg.catalog().applications(),
        pipeline::catalog, pipeline.ingest()::submit, settings.clock(), line -> {}).start());
    if (api != null && !k.sinkNamespace().isEmpty()) {
      // Sinks may also be SignalSink resources, as in a cluster: kubectl create works here.
      pipeline.attach(new dev.pave.signals.cluster.SignalSinkResources(client,
          k.sinkNamespace(), cfg.sinks().stream().map(s -> s.name())
              .collect(java.util.stream.Collectors.toSet()), pipeline::resourceSinks,
          settings.clock(), settings.progress()).start());
    }
  }

  private void snapshot() {
    try {
      if (restoredWhole && api.changedSinceSave()) {
        api.save(cluster());
      }
    } catch (Exception e) {
      settings.progress().accept("could not save the sandbox's objects: " + e.getMessage());
    }
  }

  /** Waits until the demo's story has played out (its releases, rollback and alerts). */
  public boolean awaitDemo(Duration timeout) throws InterruptedException {
    return demo.await(timeout);
  }

  public boolean seeded() {
    return seeded;
  }

  public Console console() {
    return console;
  }

  public KubernetesClient client() {
    return client;
  }

  public Pipeline signals() {
    return pipeline;
  }

  public Database database() {
    return database;
  }

  public OperatorMetrics metrics() {
    return metrics;
  }

  /** The embedded API's URL, or the cluster's. */
  public String apiUrl() {
    return api != null ? api.url() : client.getMasterUrl().toString();
  }

  public Path kubeconfig() {
    return settings.data().resolve("kubeconfig");
  }

  public Path data() {
    return settings.data();
  }

  private Path cluster() {
    return settings.data().resolve("cluster.jsonl");
  }

  /**
   * Stops everything in the reverse order of starting; the embedded API last, after its
   * objects were saved for the next start.
   */
  @Override
  public void close() {
    snapshots.shutdownNow();
    if (demo != null) {
      demo.close();
    }
    for (int i = parts.size() - 1; i >= 0; i--) {
      if (parts.get(i) == api) {
        continue;
      }
      try {
        parts.get(i).close();
      } catch (Exception ignored) {
        // stopping anyway; the next part still gets its turn
      }
    }
    if (api != null) {
      if (restoredWhole) {
        try {
          api.save(cluster());
        } catch (Exception e) {
          settings.progress().accept("could not save the sandbox's objects: " + e.getMessage());
        }
      }
      api.close();
    }
    parts.clear();
    if (lock != null) {
      lock.close();
      lock = null;
    }
  }

  /** What the sandbox keeps in its data directory; --fresh removes these and nothing else. */
  static final List<String> KEPT = List.of("cluster.jsonl", "cluster.jsonl.tmp", "signals-db",
      "signals.yaml", "kubeconfig", "kubeconfig.tmp", "console");

  private static void deleteTree(Path dir) throws IOException {
    for (String name : KEPT) {
      deleteTree(dir, name);
    }
  }

  private static void deleteTree(Path dir, String name) throws IOException {
    Path p = dir.resolve(name);
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
