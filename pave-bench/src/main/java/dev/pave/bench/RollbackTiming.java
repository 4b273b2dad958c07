package dev.pave.bench;

import dev.pave.control.Releases;
import dev.pave.render.Renderer;
import dev.pave.schema.CustomResourceDefinitions;
import dev.pave.spec.Application;
import dev.pave.spec.Environments;
import dev.pave.spec.SpecReader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * Time to roll back on the embedded API: from the call to the previous revision's objects
 * being applied (read history, pick the target, decompress, three-way merge and update every
 * object, prune), over N rollbacks that alternate between two releases of a service.
 *
 * <p>Usage: {@code java -cp pave-bench/target/benchmarks.jar dev.pave.bench.RollbackTiming
 * [N]} (default 100, after 20 unmeasured ones).
 */
public final class RollbackTiming {
  private RollbackTiming() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    try (BenchApi api = BenchApi.start()) {
      KubernetesClient client = api.client;
      api.define(CustomResourceDefinitions.applicationRevision());
      // The Prometheus Operator's kind, as a cluster that has it would list it.
      api.define(
          new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
              .withNewMetadata().withName("servicemonitors.monitoring.coreos.com").endMetadata()
              .withNewSpec().withGroup("monitoring.coreos.com").withScope("Namespaced")
              .withNewNames().withKind("ServiceMonitor").withPlural("servicemonitors")
              .withSingular("servicemonitor").endNames()
              .addNewVersion().withName("v1").withServed(true).withStorage(true)
              .withNewSchema().withNewOpenAPIV3Schema().withType("object")
              .withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
              .endVersion().endSpec().build());
      Releases releases = new Releases(client, Clock.systemUTC(), System::nanoTime, 20);
      Releases.Target t = new Releases.Target("checkout", "prod", "checkout-prod");
      releases.deploy(t, render("1.4.2"), "v1", "bench", null);
      releases.deploy(t, render("1.4.3"), "v2", "bench", null);
      long[] nanos = new long[n];
      for (int i = -20; i < n; i++) {
        Releases.Outcome o = releases.rollback(t, null, "bench");
        if (o.failed()) {
          throw new IllegalStateException("rollback failed: " + o.results());
        }
        if (i >= 0) {
          nanos[i] = o.took().toNanos();
        }
      }
      Arrays.sort(nanos);
      System.out.printf("rollbacks: %d, objects per rollback: %d%n", n, render("x").size());
      System.out.printf("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          nanos[n / 2] / 1e6, nanos[(int) (n * 0.9)] / 1e6,
          nanos[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e6, nanos[n - 1] / 1e6);
    }
  }

  static List<HasMetadata> render(String version) {
    Application app = SpecReader.read("bench.yaml", RenderBenchmark.WEB.replace("1.4.2",
        version)).applications().get(0).value();
    return Renderer.render(app, Environments.builtIn().get("prod"));
  }
}
