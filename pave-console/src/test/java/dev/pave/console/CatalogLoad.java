package dev.pave.console;

import dev.pave.control.ApplicationReconciler;
import dev.pave.control.ApplicationResource;
import dev.pave.schema.CustomResourceDefinitions;
import dev.pave.signals.TestApi;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Catalog page latency with N services (default 10,000): the console on the embedded API
 * with that many Applications (with status, across 40 teams and 3 environments), every policy
 * verdict worked out, then catalog pages requested one after another over loopback HTTP. The
 * same-run baseline is /healthz, the cost of an HTTP round trip to this server.
 *
 * <p>Run by bench/console-catalog.sh; prints one line per scenario.
 */
public final class CatalogLoad {
  public static void main(String[] args) throws Exception {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    TestApi api = TestApi.start().namespaces("apps-dev", "apps-staging", "apps-prod")
        .define(CustomResourceDefinitions.application(),
            CustomResourceDefinitions.applicationRevision(),
            CustomResourceDefinitions.environment());
    KubernetesClient client = api.client;
    long t0 = System.nanoTime();
    String[] envs = {"dev", "staging", "prod"};
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      int n = i;
      done.add(pool.submit(() -> create(client, "svc-" + (n / 3), envs[n % 3],
          "team-" + String.format("%02d", (n / 3) % 40), n)));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    System.out.printf("seeded %d Applications in %.1f s%n", services,
        (System.nanoTime() - t0) / 1e9);
    EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
    t0 = System.nanoTime();
    try (Console console = Console.start(Console.Settings.builder().kubernetes(client)
        .dataSource(pg.getPostgresDatabase()).auth(Auth.sandbox()).port(0).build())) {
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
      Map<String, String> scenarios = new LinkedHashMap<>();
      scenarios.put("baseline /healthz", "/healthz");
      scenarios.put("catalog page 1 (HTML)", "/catalog");
      scenarios.put("catalog page 100 (HTML)", "/catalog?page=100");
      scenarios.put("catalog search \"svc-12\" (HTML)", "/catalog?q=svc-12");
      scenarios.put("catalog team+env+policy filter (HTML)",
          "/catalog?team=team-07&env=prod&policy=Fail");
      scenarios.put("catalog API page 1 (JSON)", "/api/v1/services");
      for (int w = 0; w < 300; w++) {
        for (String path : scenarios.values()) {
          get(http, base + path, token);
        }
      }
      for (Map.Entry<String, String> s : scenarios.entrySet()) {
        long[] ns = new long[requests];
        int bytes = 0;
        for (int i = 0; i < requests; i++) {
          long a = System.nanoTime();
          HttpResponse<String> r = get(http, base + s.getValue(), token);
          ns[i] = System.nanoTime() - a;
          if (r.statusCode() != 200) {
            throw new IllegalStateException(s.getValue() + ": " + r.statusCode());
          }
          bytes = r.body().length();
        }
        Arrays.sort(ns);
        System.out.printf("%-40s n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms (%d bytes)%n",
            s.getKey(), requests, ns[requests / 2] / 1e6, ns[(int) (requests * 0.99)] / 1e6,
            ns[requests - 1] / 1e6, bytes);
      }
    } finally {
      pg.close();
      api.close();
    }
  }

  static HttpResponse<String> get(HttpClient http, String url, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization",
        "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }

  static void create(KubernetesClient client, String app, String env, String team, int n) {
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
    status.put("revision", 1 + n % 5);
    status.put("phase", n % 11 == 0 ? "Progressing" : "Available");
    status.put("objects", List.of(Map.of("kind", "Deployment", "namespace", app + "-" + env,
        "name", app, "action", "created")));
    status.put("conditions", List.of(Map.of("type", "Ready", "status", n % 13 == 0 ? "False"
        : "True", "reason", "RolloutAvailable", "message", "ok")));
    r.setStatus(status);
    client.resource(r).updateStatus();
  }
}
