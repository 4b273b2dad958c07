package dev.pave.bench;

import dev.pave.control.ApplicationReconciler;
import dev.pave.control.ApplicationResource;
import dev.pave.control.OperatorMetrics;
import dev.pave.control.Releases;
import dev.pave.schema.CustomResourceDefinitions;
import dev.pave.spec.Environments;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * N Applications reconciled from a cold start on the embedded API: the Applications are
 * created first, then the operator starts, and the clock runs until every one has recorded its
 * first revision. Reports wall time, CPU time and heap after a GC. Then, as the baseline, a
 * fresh embedded API receives the same rendered objects created directly by as many threads
 * (no operator): the cost of the API server's own work for the same writes, measured in the
 * same run, so the ratio says what the operator adds.
 *
 * <p>Usage: {@code java -cp pave-bench/target/benchmarks.jar dev.pave.bench.ReconcileScale
 * [N] [WORKERS]} (default 1000 applications, 10 workers).
 */
public final class ReconcileScale {
  private ReconcileScale() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    try (BenchApi api = BenchApi.start().namespaces("apps")) {
      for (Map<String, Object> crd : List.of(CustomResourceDefinitions.application(),
          CustomResourceDefinitions.applicationRevision(),
          CustomResourceDefinitions.environment())) {
        api.define(crd);
      }
      KubernetesClient client = api.client;
      for (int i = 0; i < n; i++) {
        ApplicationResource a = new ApplicationResource();
        a.setMetadata(new ObjectMetaBuilder().withName(String.format("svc-%05d", i))
            .withNamespace("apps").build());
        a.setSpec(Map.of("team", "team-" + (i % 37),
            "image", "registry.example.com/team/svc-" + i + ":1.0." + (i % 10),
            "port", 8080));
        client.resource(a).create();
      }
      OperatorMetrics metrics = new OperatorMetrics();
      Operator operator = dev.pave.control.Operators.create(client, workers, null, metrics);
      operator.register(new ApplicationReconciler(new Releases(client, Clock.systemUTC(),
          System::nanoTime, 20), Environments.builtIn(), "dev", Clock.systemUTC(),
          Duration.ofMinutes(30)).withMetrics(metrics));
      long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      long cpuProcess0 = processCpu();
      long start = System.nanoTime();
      operator.start();
      while (true) {
        long done = client.resources(ApplicationResource.class).inNamespace("apps").list()
            .getItems().stream().filter(a -> a.getStatus() != null
                && Integer.valueOf(1).equals(a.getStatus().get("revision"))).count();
        if (done == n) {
          break;
        }
        Thread.sleep(1000);
      }
      long wall = System.nanoTime() - start;
      long cpu = processCpu() - cpuProcess0;
      operator.stop();
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      String scrape = metrics.scrape();
      System.out.printf("applications: %d, workers: %d%n", n, workers);
      System.out.printf("converged in %.1f s wall, %.1f s CPU (process, incl. the embedded API"
          + " server), heap after GC %d MB%n", wall / 1e9, cpu / 1e9, heap / (1024 * 1024));
      for (String line : scrape.split("\n")) {
        if (line.startsWith("pave_reconcile_seconds_count") || line.startsWith(
            "pave_reconcile_seconds_sum") || line.startsWith("pave_reconcile_seconds_max")) {
          System.out.println(line);
        }
      }
      System.out.println(quantiles(scrape));
      if (cpu0 < 0) {
        System.out.println();
      }
    }
    baseline(n, workers);
    System.exit(0); // The operator's and the client's threads are not all daemons.
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

  /** The same objects created straight into a fresh embedded API, {@code workers} at once. */
  static void baseline(int n, int workers) throws Exception {
    try (BenchApi api = BenchApi.start()) {
      KubernetesClient client = api.client;
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(workers);
      long cpu0 = processCpu();
      long start = System.nanoTime();
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
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
          }
          return null;
        }));
      }
      for (var f : done) {
        f.get();
      }
      long wall = System.nanoTime() - start;
      System.out.printf("baseline, the same rendered objects created directly (%d threads):"
          + " %.1f s wall, %.1f s CPU; ratio operator/baseline printed above divided by this%n",
          workers, wall / 1e9, (processCpu() - cpu0) / 1e9);
      pool.shutdownNow();
    }
  }
}
