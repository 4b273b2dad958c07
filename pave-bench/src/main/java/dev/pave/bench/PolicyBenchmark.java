package dev.pave.bench;

import dev.pave.policy.BuiltInPacks;
import dev.pave.policy.Finding;
import dev.pave.policy.Limits;
import dev.pave.policy.PolicyEngine;
import dev.pave.source.SourceObject;
import dev.pave.source.SourceReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

/**
 * Both Pod Security packs over a typical Deployment (two containers), on one thread: a
 * compliant one and one that breaks several controls. The baseline is reading the same
 * document's YAML into an object with positions, which every check does first.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class PolicyBenchmark {
  public static final String COMPLIANT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        namespace: shop
        labels: {app.kubernetes.io/name: web}
      spec:
        replicas: 3
        selector: {matchLabels: {app.kubernetes.io/name: web}}
        template:
          metadata:
            labels: {app.kubernetes.io/name: web}
          spec:
            securityContext:
              runAsNonRoot: true
              seccompProfile: {type: RuntimeDefault}
            containers:
              - name: app
                image: registry.example.com/shop/web:1.2.3
                ports: [{containerPort: 8080, name: http}]
                resources:
                  requests: {cpu: 100m, memory: 128Mi}
                  limits: {cpu: 500m, memory: 256Mi}
                securityContext:
                  allowPrivilegeEscalation: false
                  readOnlyRootFilesystem: true
                  capabilities: {drop: [ALL]}
              - name: proxy
                image: registry.example.com/shop/proxy:2.0.0
                securityContext:
                  allowPrivilegeEscalation: false
                  capabilities: {drop: [ALL]}
            volumes:
              - {name: tmp, emptyDir: {}}
      """;
  static final String VIOLATING = COMPLIANT
      .replace("allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true",
          "privileged: true\n            readOnlyRootFilesystem: true")
      .replace("runAsNonRoot: true", "runAsNonRoot: false")
      .replace("- {name: tmp, emptyDir: {}}", "- {name: host, hostPath: {path: /var}}");

  @Param({"compliant", "violating"})
  public String object;

  /**
   * shared: the engine as `pave check` builds it, which reuses a rule's result for objects
   * alike in the fields the rule reads, so evaluating one object over and over measures those
   * lookups; evaluated: every rule evaluated every time, as for a stream of objects that all
   * differ.
   */
  @Param({"shared", "evaluated"})
  public String results;

  PolicyEngine engine;
  SourceObject target;
  String text;

  @Setup
  public void setUp() {
    engine = PolicyEngine.build(BuiltInPacks.select(BuiltInPacks.all(),
        List.of("pod-security-restricted")), Map.of(), Limits.NONE, results.equals("shared"))
        .engine();
    text = object.equals("compliant") ? COMPLIANT : VIOLATING;
    target = SourceReader.read("bench.yaml", text).objects().get(0);
    int findings = engine.evaluate(target, List.of(), Instant.EPOCH).size();
    if ((findings == 0) != object.equals("compliant")) {
      throw new IllegalStateException(object + " gave " + findings + " findings");
    }
  }

  /** Every Pod Security rule (baseline and restricted) over one parsed Deployment. */
  @Benchmark
  public List<Finding> podSecurityPacks() {
    return engine.evaluate(target, List.of(), Instant.EPOCH);
  }

  /** Baseline: reading the YAML text into an object with positions. */
  @Benchmark
  public SourceReader.Result baselineRead() {
    return SourceReader.read("bench.yaml", text);
  }
}
