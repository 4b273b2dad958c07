package dev.pave.bench;

import dev.pave.render.Manifests;
import dev.pave.render.Renderer;
import dev.pave.spec.Application;
import dev.pave.spec.Environment;
import dev.pave.spec.Environments;
import dev.pave.spec.ReadResult;
import dev.pave.spec.SpecReader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.StringReader;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.yaml.snakeyaml.Yaml;

/**
 * Render throughput on one thread, for a public web API and for a worker with a cron job,
 * config and dependencies, in prod. The baseline is parsing the same spec's YAML text into a
 * node tree, the least any spec tool must do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class RenderBenchmark {
  static final String WEB = """
      apiVersion: pave.dev/v1alpha1
      kind: Application
      metadata:
        name: checkout
      spec:
        team: payments
        image: registry.example.com/payments/checkout:1.4.2
        port: 8080
        expose: public
        owner: ana@example.com
        runbook: https://runbooks.example.com/payments/checkout
        env:
          LOG_LEVEL: info
          DB_PASSWORD: {secret: checkout-db, key: password}
        dependsOn: [orders, api.stripe.com]
        overrides:
          prod: {replicas: 3, resources: medium}
      """;
  static final String WORKER = """
      apiVersion: pave.dev/v1alpha1
      kind: Application
      metadata:
        name: invoice-worker
      spec:
        team: finance
        image: registry.example.com/finance/invoice-worker:2.7.0
        health: {command: [/app/healthcheck]}
        resources: {requests: {cpu: 200m, memory: 384Mi}, limits: {cpu: "1", memory: 768Mi}}
        env:
          QUEUE_URL: {configMap: finance-queues, key: invoices}
        config: {files: {worker.properties: "batch.size=200"}}
        volumes: [{name: scratch, mountPath: /var/lib/invoices, size: 2Gi}]
        jobs: [{name: nightly-report, schedule: "30 2 * * *", command: [/app/report]}]
        dependsOn: [{app: ledger}, {host: smtp.example.net, port: 587}, "10.40.0.0/16:5432"]
      """;

  @Param({"web", "worker"})
  public String spec;

  String text;
  Application app;
  Environment prod;
  List<HasMetadata> rendered;

  @Setup
  public void setUp() {
    text = spec.equals("web") ? WEB : WORKER;
    ReadResult r = SpecReader.read("bench.yaml", text);
    if (!r.ok()) {
      throw new IllegalStateException(r.problems().toString());
    }
    app = r.applications().get(0).value();
    prod = Environments.builtIn().get("prod");
    rendered = Renderer.render(app, prod);
  }

  /** Objects only: the pure function the operator calls on every reconcile. */
  @Benchmark
  public List<HasMetadata> render() {
    return Renderer.render(app, prod);
  }

  /** What the CLI does per spec: read and check the text, render, write YAML. */
  @Benchmark
  public String readRenderWrite() {
    ReadResult r = SpecReader.read("bench.yaml", text);
    return Manifests.yaml(Renderer.render(r.applications().get(0).value(), prod));
  }

  /** Reading and checking the spec alone. */
  @Benchmark
  public ReadResult read() {
    return SpecReader.read("bench.yaml", text);
  }

  /** Baseline: SnakeYAML parsing the text into nodes, nothing more. */
  @Benchmark
  public Object baselineParseYaml() {
    return new Yaml().compose(new StringReader(text));
  }
}
