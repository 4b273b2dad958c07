package dev.pave.bench;

import dev.pave.control.ApplicationReconciler;
import dev.pave.control.ApplicationResource;
import dev.pave.control.OperatorMetrics;
import dev.pave.control.Releases;
import dev.pave.schema.CustomResourceDefinitions;
import dev.pave.spec.Environments;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * N Applications reconciled by the operator against the embedded API running in a process of
 * its own (with its Deployment controller, scheduler and kubelet stand-in), so CPU and heap are
 * the operator's. Three phases:
 *
 * <ol>
 *   <li>cold convergence: the Applications exist, the operator starts, the clock runs until
 *       every one has recorded revision 1; the operator's requests per Application by verb;
 *   <li>steady state, once every Application is Available: one full resync of the idle
 *       Applications (every one reconciled again):
 *       its writes and reads that went to the API server rather than a cache, and CPU per
 *       reconcile;
 *   <li>the operator JVM's heap after a GC.
 * </ol>
 *
 * <p>Baseline, in the same run: a fresh API process receives the same rendered objects created
 * directly by as many threads as the operator has workers (no operator), which is the API
 * server's own cost for the same writes.
 *
 * <p>Usage: {@code java -Xmx512m -cp pave-bench/target/benchmarks.jar
 * dev.pave.bench.ReconcileScale [N] [WORKERS] [RESYNC_SECONDS] [--without-workloads]}
 * (default 1000 applications, 10 workers, a resync every 120 s; the last leaves out the API's
 * Deployment controller, scheduler and kubelet stand-in). Running with {@code -Xmx512m} is itself the heap check: the
 * run fails with OutOfMemoryError if the operator needs more.
 */
public final class ReconcileScale {
  private ReconcileScale() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int resync = args.length > 2 ? Integer.parseInt(args[2]) : 120;
    // At 10,000 the embedded API's simulated nodes (a scheduler and kubelet that scan every
    // pod) would cost more than the operator: run them only where asked.
    boolean workloads = args.length <= 3 || !args[3].equals("--without-workloads");
    System.out.printf("applications: %d, workers: %d, resync every %d s, operator heap limit"
        + " %d MB, %d cores%n", n, workers, resync,
        Runtime.getRuntime().maxMemory() / (1024 * 1024),
        Runtime.getRuntime().availableProcessors());
    try (ApiProcess api = ApiProcess.start("6g", workloads)) {
      KubernetesClient admin = client(api, "pave-bench", null);
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("apps")
          .endMetadata().build()).create();
      for (Map<String, Object> crd : List.of(CustomResourceDefinitions.application(),
          CustomResourceDefinitions.applicationRevision(),
          CustomResourceDefinitions.environment())) {
        define(admin, crd);
      }
      nodes(admin, n / 100 + 1);
      for (int i = 0; i < n; i++) {
        ApplicationResource a = new ApplicationResource();
        // As pave deploy creates them: with the operator's finalizer already set.
        a.setMetadata(new ObjectMetaBuilder().withName(String.format("svc-%05d", i))
            .withNamespace("apps").withFinalizers(ApplicationReconciler.FINALIZER).build());
        a.setSpec(Map.of("team", "team-" + (i % 37),
            "image", "registry.example.com/team/svc-" + i + ":1.0." + (i % 10),
            "port", 8080));
        admin.resource(a).create();
      }
      RequestLog log = new RequestLog();
      KubernetesClient client = client(api, "pave/bench", log);
      OperatorMetrics metrics = new OperatorMetrics();
      Operator operator = dev.pave.control.Operators.create(client, workers, null, metrics);
      operator.register(new ApplicationReconciler(new Releases(client, Clock.systemUTC(),
          System::nanoTime, 20), Environments.builtIn(), "dev", Clock.systemUTC(),
          Duration.ofSeconds(resync)).withMetrics(metrics));

      double apiCpu0 = api.cpuSeconds();
      long cpu0 = processCpu();
      long start = System.nanoTime();
      operator.start();
      while (converged(admin) < n) {
        Thread.sleep(1000);
      }
      long wall = System.nanoTime() - start;
      double cpu = (processCpu() - cpu0) / 1e9;
      Map<String, Long> cold = log.drain();
      long coldReconciles = reconciles(metrics);
      System.out.printf("%n== cold convergence%nconverged in %.1f s wall; operator CPU %.1f s"
          + " (%.1f ms per Application); API process CPU %.1f s%n", wall / 1e9, cpu,
          cpu * 1000 / n, api.cpuSeconds() - apiCpu0);
      System.out.printf("reconciles: %d (%.2f per Application); %s%n", coldReconciles,
          (double) coldReconciles / n, quantiles(metrics.scrape()));
      perApplication(cold, n);

      // Idle means rolled out: the API's controllers bring every Deployment up, and the
      // operator records each as Available. Without them every Deployment stays as created.
      long availableAfter = System.nanoTime();
      while (workloads && available(admin) < n) {
        Thread.sleep(1000);
      }
      System.out.printf(workloads ? "every Application Available %.1f s after converging%n"
          : "workload controllers off: Deployments are not rolled out%n",
          (System.nanoTime() - availableAfter) / 1e9);
      Thread.sleep(2000);
      log.drain();

      // Steady state: wait for one full resync of every Application.
      long r0 = reconciles(metrics);
      long steadyCpu0 = processCpu();
      long steadyStart = System.nanoTime();
      while (reconciles(metrics) - r0 < n
          && System.nanoTime() - steadyStart < TimeUnit.SECONDS.toNanos(resync * 3L)) {
        Thread.sleep(500);
      }
      long steadyReconciles = reconciles(metrics) - r0;
      double steadyCpu = (processCpu() - steadyCpu0) / 1e9;
      Map<String, Long> steady = log.drain();
      System.out.printf("%n== steady state: %d reconciles of idle Applications in %.1f s%n",
          steadyReconciles, (System.nanoTime() - steadyStart) / 1e9);
      System.out.printf("writes: %d; reads sent to the API server (GET and LIST): %d;"
          + " operator CPU %.2f ms per reconcile%n",
          RequestLog.sum(steady, RequestLog::isWrite),
          RequestLog.sum(steady, k -> k.startsWith("GET ") || k.startsWith("LIST ")),
          steadyReconciles == 0 ? Double.NaN : steadyCpu * 1000 / steadyReconciles);
      System.out.println("requests: " + steady);

      System.gc();
      Thread.sleep(500);
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.printf("%n== heap%noperator JVM heap after GC: %d MB (limit %d MB)%n",
          heap / (1024 * 1024), Runtime.getRuntime().maxMemory() / (1024 * 1024));
      operator.stop();
      client.close();
      admin.close();
    }
    baseline(n, workers);
    System.exit(0); // The operator's and the client's threads are not all daemons.
  }

  static KubernetesClient client(ApiProcess api, String userAgent, RequestLog log) {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(api.url)
        .withOauthToken(api.token).withUserAgent(userAgent).withRequestTimeout(60_000)
        .withConnectionTimeout(10_000).build();
    KubernetesClientBuilder b = new KubernetesClientBuilder().withConfig(config);
    if (log != null) {
      b.withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("count", log));
    }
    return b.build();
  }

  static void define(KubernetesClient client, Map<String, Object> definition) {
    BenchApi.define(client, client.getKubernetesSerialization().convertValue(definition,
        CustomResourceDefinition.class));
  }

  static long converged(KubernetesClient client) {
    return count(client, a -> Integer.valueOf(1).equals(a.getStatus().get("revision")));
  }

  /** Counted page by page, so the benchmark's own reads add little to the heap it reports. */
  static long count(KubernetesClient client,
      java.util.function.Predicate<ApplicationResource> which) {
    long n = 0;
    String next = null;
    do {
      var page = client.resources(ApplicationResource.class).inNamespace("apps")
          .list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(500L)
              .withContinue(next).build());
      n += page.getItems().stream().filter(a -> a.getStatus() != null && which.test(a))
          .count();
      next = page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return n;
  }

  /**
   * Nodes enough for every pod (110 pods each, as a kubelet allows), run by the embedded API's
   * kubelet stand-in, as a cluster sized for the workload would have.
   */
  static void nodes(KubernetesClient client, int count) {
    for (int i = 0; i < count; i++) {
      io.fabric8.kubernetes.api.model.Node node = client.nodes().resource(
          new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata()
              .withName(String.format("bench-%03d", i))
              .addToAnnotations("pave.dev/kubelet", "stand-in").endMetadata().build()).create();
      Map<String, io.fabric8.kubernetes.api.model.Quantity> room = Map.of(
          "cpu", new io.fabric8.kubernetes.api.model.Quantity("64"),
          "memory", new io.fabric8.kubernetes.api.model.Quantity("256Gi"),
          "pods", new io.fabric8.kubernetes.api.model.Quantity("110"));
      node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
          .withCapacity(room).withAllocatable(room).addNewCondition().withType("Ready")
          .withStatus("True").withReason("KubeletReady").endCondition().build());
      client.nodes().resource(node).updateStatus();
    }
  }

  static long available(KubernetesClient client) {
    return count(client, a -> "Available".equals(a.getStatus().get("phase")));
  }

  static void perApplication(Map<String, Long> counts, int n) {
    long all = RequestLog.sum(counts, k -> !k.startsWith("WATCH "));
    long writes = RequestLog.sum(counts, RequestLog::isWrite);
    long gets = RequestLog.sum(counts, k -> k.startsWith("GET "));
    long lists = RequestLog.sum(counts, k -> k.startsWith("LIST "));
    System.out.printf("requests per Application: %.2f (writes %.2f, GET %.2f, LIST %.3f);"
        + " watches opened: %d%n", (double) all / n, (double) writes / n, (double) gets / n,
        (double) lists / n, RequestLog.sum(counts, k -> k.startsWith("WATCH ")));
    System.out.println("requests: " + counts);
  }

  static long reconciles(OperatorMetrics metrics) {
    Matcher m = Pattern.compile("(?m)^pave_reconcile_seconds_count\\S* ([0-9.E]+)")
        .matcher(metrics.scrape());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** p50 and p99 from the histogram buckets (upper bounds). */
  private static String quantiles(String scrape) {
    List<double[]> buckets = new java.util.ArrayList<>();
    double count = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith("pave_reconcile_seconds_bucket{le=\"")) {
        String le = line.substring(line.indexOf("le=\"") + 4, line.indexOf("\"}"));
        double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        buckets.add(new double[] {le.equals("+Inf") ? Double.MAX_VALUE : Double.parseDouble(le),
            v});
        count = Math.max(count, v);
      }
    }
    double p50 = Double.NaN;
    double p99 = Double.NaN;
    for (double[] b : buckets) {
      if (Double.isNaN(p50) && b[1] >= count * 0.5) {
        p50 = b[0];
      }
      if (Double.isNaN(p99) && b[1] >= count * 0.99) {
        p99 = b[0];
      }
    }
    return String.format("reconcile latency (histogram bucket bounds): p50 <= %.3f s, p99 <="
        + " %.3f s", p50, p99);
  }

  /** The same objects created straight into a fresh API process, {@code workers} at once. */
  static void baseline(int n, int workers) throws Exception {
    try (ApiProcess api = ApiProcess.start("6g", false)) {
      KubernetesClient client = client(api, "pave-bench", null);
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(workers);
      double apiCpu0 = api.cpuSeconds();
      long start = System.nanoTime();
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      long[] objects = new long[1];
      for (int i = 0; i < n; i++) {
        String name = String.format("svc-%05d", i);
        String spec = "apiVersion: pave.dev/v1alpha1\nkind: Application\nmetadata: {name: "
            + name + "}\nspec: {team: team-" + (i % 37) + ", image: registry.example.com/team/"
            + name + ":1.0." + (i % 10) + ", port: 8080}\n";
        done.add(pool.submit(() -> {
          var app = dev.pave.spec.SpecReader.read(name, spec).applications().get(0).value();
          for (io.fabric8.kubernetes.api.model.HasMetadata o : dev.pave.render.Renderer.render(
              app, Environments.builtIn().get("dev"))) {
            client.resource(o).create();
            synchronized (objects) {
              objects[0]++;
            }
          }
          return null;
        }));
      }
      for (var f : done) {
        f.get();
      }
      long wall = System.nanoTime() - start;
      System.out.printf("%n== baseline: the same %d rendered objects created directly"
          + " (%d threads, no operator)%n%.1f s wall; API process CPU %.1f s%n", objects[0],
          workers, wall / 1e9, api.cpuSeconds() - apiCpu0);
      pool.shutdownNow();
      client.close();
    }
  }
}
