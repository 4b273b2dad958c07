package dev.pave.console;

import dev.pave.control.ApplicationReconciler;
import dev.pave.control.ApplicationResource;
import dev.pave.identity.Identity;
import dev.pave.release.Revision;
import dev.pave.release.RevisionSpec;
import dev.pave.release.Revisions;
import dev.pave.schema.CustomResourceDefinitions;
import dev.pave.signals.Ids;
import dev.pave.signals.Origin;
import dev.pave.signals.Postgres;
import dev.pave.signals.Severity;
import dev.pave.signals.Signal;
import dev.pave.signals.SignalType;
import dev.pave.signals.Status;
import dev.pave.signals.TestApi;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Database;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Every page and API read of the console with N services (default 10,000): Applications with
 * status across 40 teams and 3 environments, two ApplicationRevisions each, three timeline
 * entries each in pave-signals (real PostgreSQL) and an open alert for one in fifty. The
 * console reads the cluster through a client whose requests are counted, so the run also says
 * how many requests pages sent to the API server (none, when they read the caches). Requests go
 * one after another over loopback HTTP; service pages rotate over all services. The heap the
 * console adds is measured after full GCs, before it starts and once its caches are filled.
 *
 * <p>Run by bench/console-pages.sh; prints one line per scenario.
 */
public final class PagesLoad {
  private static final ResourceDefinitionContext REVISIONS =
      new ResourceDefinitionContext.Builder().withGroup("pave.dev").withVersion("v1alpha1")
          .withKind("ApplicationRevision").withPlural("applicationrevisions")
          .withNamespaced(true).build();
  private static final String[] ENVS = {"dev", "staging", "prod"};

  public static void main(String[] args) throws Exception {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    List<String> namespaces = new ArrayList<>(List.of("apps-dev", "apps-staging", "apps-prod"));
    for (int t = 0; t < 40; t++) {
      for (String env : ENVS) {
        namespaces.add(team(t) + "-" + env);
      }
    }
    TestApi api = TestApi.start().namespaces(namespaces.toArray(String[]::new))
        .define(CustomResourceDefinitions.application(),
            CustomResourceDefinitions.applicationRevision(),
            CustomResourceDefinitions.environment(), ConsoleFixture.policyExceptionCrd());
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      int n = i;
      done.add(pool.submit(() -> seed(api.client, n)));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    System.out.printf("seeded %d Applications and %d ApplicationRevisions in %.1f s%n",
        services, 2 * services, (System.nanoTime() - t0) / 1e9);

    Database db = Postgres.fresh();
    var read = ConfigReader.read("signals.yaml", """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake:
          port: 0
        sinks:
          - name: soc
            type: webhook
            url: http://127.0.0.1:9/unreachable
            retry: {initialBackoff: 10ms, maxBackoff: 20ms, maxAttempts: 1}
        routes:
          - sinks: [soc]
        """, Files.createTempDirectory("pave-pages"));
    Pipeline pipeline = Pipeline.start(read.config(), db, Clock.systemUTC(), s -> { });
    t0 = System.nanoTime();
    seedSignals(pipeline, services);
    System.out.printf("seeded %d timeline signals in %.1f s%n", 3 * services + services / 50,
        (System.nanoTime() - t0) / 1e9);

    ApiRequests counted = new ApiRequests();
    KubernetesClient consoleClient = counted.client(api.cluster);
    long before = usedHeapAfterGc();
    t0 = System.nanoTime();
    try (Console console = Console.start(Console.Settings.builder().kubernetes(consoleClient)
        .dataSource(db.dataSource()).signals(pipeline).auth(Auth.sandbox()).port(0).build())) {
      String token = console.adminToken().orElseThrow();
      HttpClient http = HttpClient.newHttpClient();
      String base = console.url().toString();
      while (!get(http, base + "/healthz", token).body().contains("\"services\":" + services)) {
        Thread.sleep(200);
      }
      System.out.printf("index filled in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      while (!get(http, base + "/api/v1/services?policy=Unchecked&size=1", token).body()
          .contains("\"total\":0")) {
        Thread.sleep(500);
      }
      System.out.printf("policy verdicts of all %d services in %.1f s%n", services,
          (System.nanoTime() - t0) / 1e9);
      long after = usedHeapAfterGc();
      System.out.printf("console heap (caches of %d services, %d revisions): %.0f MiB%n",
          services, 2 * services, (after - before) / 1048576.0);

      Map<String, String> scenarios = new LinkedHashMap<>();
      scenarios.put("baseline /healthz", "/healthz");
      scenarios.put("catalog page 1 (HTML)", "/catalog");
      scenarios.put("catalog search \"svc-12\" (HTML)", "/catalog?q=svc-12");
      scenarios.put("catalog findings: policy=Fail (HTML)", "/catalog?policy=Fail");
      scenarios.put("catalog API page 1", "/api/v1/services");
      scenarios.put("service page (HTML)", "/services/{app}/{env}");
      scenarios.put("service API", "/api/v1/services/{app}/{env}");
      scenarios.put("service rendered API", "/api/v1/services/{app}/{env}/rendered");
      scenarios.put("history: revisions API", "/api/v1/services/{app}/{env}/revisions");
      scenarios.put("diff page (HTML)", "/services/{app}/{env}/diff");
      scenarios.put("diff API", "/api/v1/services/{app}/{env}/diff?from=1&to=2");
      scenarios.put("timeline API", "/api/v1/services/{app}/{env}/timeline");
      scenarios.put("policies page (HTML)", "/policies");
      scenarios.put("policies API", "/api/v1/policies");
      scenarios.put("exceptions API", "/api/v1/exceptions");
      scenarios.put("incidents page /signals (HTML)", "/signals");
      scenarios.put("incidents API", "/api/v1/incidents");
      scenarios.put("deliveries API", "/api/v1/deliveries");
      scenarios.put("adoption page (HTML)", "/adoption");
      scenarios.put("adoption API", "/api/v1/adoption");
      scenarios.put("tokens page (HTML)", "/tokens");
      scenarios.put("tokens API", "/api/v1/tokens");
      scenarios.put("audit page (HTML)", "/audit");
      scenarios.put("audit API", "/api/v1/audit");
      scenarios.put("me API", "/api/v1/me");
      for (int w = 0; w < 100; w++) {
        for (String path : scenarios.values()) {
          get(http, base + path(path, w * 7919, services), token);
        }
      }
      counted.drain();
      for (Map.Entry<String, String> s : scenarios.entrySet()) {
        long[] ns = new long[requests];
        int bytes = 0;
        for (int i = 0; i < requests; i++) {
          String path = path(s.getValue(), i * 7919 + 13, services);
          long a = System.nanoTime();
          HttpResponse<String> r = get(http, base + path, token);
          ns[i] = System.nanoTime() - a;
          if (r.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
          }
          bytes = r.body().length();
        }
        Arrays.sort(ns);
        System.out.printf("%-40s n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms (%d bytes)%n",
            s.getKey(), requests, ns[requests / 2] / 1e6, ns[(int) (requests * 0.99)] / 1e6,
            ns[requests - 1] / 1e6, bytes);
      }
      System.out.println("API server reads (GET/LIST) by the console while measuring: "
          + ApiRequests.reads(counted.drain()));
    } finally {
      pipeline.close();
      consoleClient.close();
      api.close();
    }
  }

  private static String team(int t) {
    return "team-" + String.format("%02d", t);
  }

  private static String path(String template, int i, int services) {
    int n = Math.floorMod(i, services);
    return template.replace("{app}", "svc-" + (n / 3)).replace("{env}", ENVS[n % 3]);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(300);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static HttpResponse<String> get(HttpClient http, String url, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization",
        "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Service n: an Application at revision 2, its objects in its team's namespace. */
  static void seed(KubernetesClient client, int n) {
    String app = "svc-" + (n / 3);
    String env = ENVS[n % 3];
    String team = team((n / 3) % 40);
    String namespace = team + "-" + env;
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("team", team);
    spec.put("image", "registry.example.com/" + team + "/" + app + (n % 7 == 0 ? ":latest"
        : ":1." + (n % 10) + ".0"));
    spec.put("port", 8080);
    spec.put("owner", app + "@example.com");
    ApplicationResource r = new ApplicationResource();
    r.setMetadata(new ObjectMetaBuilder().withName(app).withNamespace("apps-" + env)
        .addToLabels(ApplicationReconciler.ENVIRONMENT_LABEL, env).build());
    r.setSpec(spec);
    r = client.resource(r).create();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("revision", 2);
    status.put("phase", n % 11 == 0 ? "Progressing" : "Available");
    status.put("objects", List.of(Map.of("kind", "Deployment", "namespace", namespace,
        "name", app, "action", "created")));
    status.put("conditions", List.of(Map.of("type", "Ready", "status", n % 13 == 0 ? "False"
        : "True", "reason", "RolloutAvailable", "message", "ok")));
    r.setStatus(status);
    client.resource(r).updateStatus();
    List<Revision> history = new ArrayList<>();
    for (String version : List.of("1.0.0", "1.1.0")) {
      Revision rev = Revisions.next(history, objects(app, namespace, team, version),
          "image: " + version + "\n", "ci", Instant.now(), null).orElseThrow();
      history.add(rev);
      GenericKubernetesResource g = new GenericKubernetesResource();
      g.setApiVersion("pave.dev/v1alpha1");
      g.setKind("ApplicationRevision");
      g.setMetadata(new ObjectMetaBuilder().withName(app + "-" + env + "-" + rev.number())
          .withNamespace(namespace).addToLabels(Identity.NAME, app)
          .addToLabels(Identity.INSTANCE, app + "-" + env)
          .addToLabels(Identity.ENVIRONMENT, env)
          .addToLabels(Identity.MANAGED_BY, Identity.MANAGER)
          .addToLabels("pave.dev/revision", String.valueOf(rev.number())).build());
      g.setAdditionalProperty("spec", client.getKubernetesSerialization().convertValue(
          RevisionSpec.of(app, env, rev), Map.class));
      client.genericKubernetesResources(REVISIONS).inNamespace(namespace).resource(g).create();
    }
  }

  private static List<Map<String, Object>> objects(String app, String namespace, String team,
      String version) {
    Map<String, Object> labels = Map.of(Identity.NAME, app, Identity.TEAM, team);
    Map<String, Object> deployment = new LinkedHashMap<>();
    deployment.put("apiVersion", "apps/v1");
    deployment.put("kind", "Deployment");
    deployment.put("metadata", Map.of("name", app, "namespace", namespace, "labels", labels));
    deployment.put("spec", Map.of("replicas", 2, "selector", Map.of("matchLabels",
        Map.of(Identity.NAME, app)), "template", Map.of("metadata", Map.of("labels", labels),
            "spec", Map.of("containers", List.of(Map.of("name", app, "image",
                "registry.example.com/" + team + "/" + app + ":" + version, "ports",
                List.of(Map.of("containerPort", 8080))))))));
    Map<String, Object> service = new LinkedHashMap<>();
    service.put("apiVersion", "v1");
    service.put("kind", "Service");
    service.put("metadata", Map.of("name", app, "namespace", namespace, "labels", labels));
    service.put("spec", Map.of("selector", Map.of(Identity.NAME, app), "ports",
        List.of(Map.of("port", 80, "targetPort", 8080))));
    return List.of(deployment, service);
  }

  /** Three deploys per service in the timeline; a firing alert for one in fifty. */
  private static void seedSignals(Pipeline pipeline, int services) throws Exception {
    Instant now = Instant.now();
    List<Signal> batch = new ArrayList<>();
    for (int n = 0; n < services; n++) {
      Map<String, String> labels = Map.of(Identity.NAME, "svc-" + (n / 3),
          Identity.ENVIRONMENT, ENVS[n % 3], Identity.TEAM, team((n / 3) % 40));
      for (int k = 0; k < 3; k++) {
        String dedup = "bench-deploy/" + n + "/" + k;
        batch.add(new Signal(Ids.signalId(dedup), SignalType.DEPLOY, Status.INFO,
            Severity.INFO, now.minus(Duration.ofHours(k + 1)), "deploy " + k, "bench deploy",
            labels, Map.of(), null, new Origin.Platform("Deploy", k + 1, "ci"), dedup, null));
      }
      if (n % 50 == 0) {
        String dedup = "bench-alert/" + n;
        batch.add(new Signal(Ids.signalId(dedup), SignalType.ALERT, Status.FIRING,
            Severity.HIGH, now.minus(Duration.ofMinutes(5)), "HighErrorRate",
            "error rate above 5%", labels, Map.of(), null,
            new Origin.External("bench", "alert", dedup), dedup, "HighErrorRate"));
      }
      if (batch.size() >= 500) {
        submit(pipeline, batch);
      }
    }
    submit(pipeline, batch);
    while (pipeline.ingest().queued() > 0) {
      Thread.sleep(100);
    }
  }

  private static void submit(Pipeline pipeline, List<Signal> batch) throws Exception {
    while (true) {
      try {
        pipeline.ingest().submit(List.copyOf(batch));
        batch.clear();
        return;
      } catch (RuntimeException overloaded) {
        Thread.sleep(50);
      }
    }
  }
}
