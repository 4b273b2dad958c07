package dev.pave.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.source.SourceObject;
import dev.pave.source.SourceReader;
import dev.pave.spec.Problem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {
  static final String LIST = """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: big, namespace: shop}
      data: {}
      items: [%s]
      """;

  static PolicyEngine engine(String rule, Limits limits) {
    String pack = """
        apiVersion: pave.dev/v1alpha1
        kind: Policy
        metadata: {name: test}
        spec:
          rules:
            - id: r
              title: Test rule
              severity: high
              match: {kinds: [ConfigMap]}
              validate: %s
        """.formatted(rule);
    PolicyReader.Result r = PolicyReader.read("test-pack.yaml", pack);
    assertThat(r.problems()).isEmpty();
    PolicyEngine.Built built = PolicyEngine.build(r.policies(), Map.of(), limits);
    assertThat(built.problems()).isEmpty();
    return built.engine();
  }

  static SourceObject bigList(int n) {
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < n; i++) {
      items.append(i).append(i + 1 < n ? ", " : "");
    }
    return SourceReader.read("big.yaml", LIST.formatted(items)).objects().get(0);
  }

  @Test
  void aRuleThatIteratesTooMuchIsStoppedAndFailsClosed() {
    PolicyEngine e = engine("'object.items.all(a, object.items.all(b, a + b >= 0))'",
        Limits.NONE);
    List<Finding> f = e.evaluate(bigList(1000), List.of(), Instant.EPOCH);
    assertThat(f).singleElement().satisfies(x -> {
      assertThat(x.status()).isEqualTo(Finding.Status.ERROR);
      assertThat(x.message()).startsWith("policy error: test/r could not be evaluated")
          .containsIgnoringCase("iteration budget");
    });
  }

  @Test
  void aRuleThatRunsPastItsDeadlineIsStoppedAndFailsClosed() {
    AtomicLong now = new AtomicLong();
    // Every read of the ticker moves time on by 10 ms, so the deadline passes after a few.
    Limits limits = new Limits(Duration.ofMillis(50), () -> now.addAndGet(10_000_000));
    PolicyEngine e = engine("'object.items.all(a, a >= 0)'", limits);
    List<Finding> f = e.evaluate(bigList(5000), List.of(), Instant.EPOCH);
    assertThat(f).singleElement().satisfies(x -> {
      assertThat(x.status()).isEqualTo(Finding.Status.ERROR);
      assertThat(x.message()).contains("evaluation took longer than its deadline of 50 ms");
    });
    assertThat(engine("'object.items.all(a, a >= 0)'", Limits.NONE)
        .evaluate(bigList(5000), List.of(), Instant.EPOCH)).isEmpty();
  }

  @Test
  void anExceptionStopsApplyingAtTheInstantItExpires() {
    PolicyEngine e = engine("'false'", Limits.NONE);
    PolicyException ex = PolicyReader.read("ex.yaml", """
        apiVersion: pave.dev/v1alpha1
        kind: PolicyException
        metadata: {name: until-noon}
        spec:
          rules: [test/*]
          resources: [{kind: ConfigMap, name: big*}]
          reason: Migration.
          owner: ana@example.com
          expiresAt: "2026-06-01T12:00:00Z"
        """).exceptions().get(0).value();
    SourceObject o = bigList(1);
    Instant expiry = Instant.parse("2026-06-01T12:00:00Z");
    assertThat(e.evaluate(o, List.of(ex), expiry.minusNanos(1)))
        .extracting(Finding::status).containsExactly(Finding.Status.EXCEPTED);
    assertThat(e.evaluate(o, List.of(ex), expiry))
        .extracting(Finding::status).containsExactly(Finding.Status.FAILED);
  }

  @Test
  void duplicatePacksAndRulesAreRejectedWhenTheEngineIsBuilt() {
    String pack = """
        apiVersion: pave.dev/v1alpha1
        kind: Policy
        metadata: {name: dup}
        spec:
          rules:
            - {id: a, title: A, severity: low, validate: 'true'}
            - {id: a, title: A again, severity: low, validate: 'true'}
        """;
    PolicyReader.Result r = PolicyReader.read("dup.yaml", pack);
    PolicyEngine.Built built = PolicyEngine.build(r.policies(), Map.of());
    assertThat(built.engine()).isNull();
    assertThat(built.problems()).extracting(Problem::format)
        .containsExactly("dup.yaml:7:12: spec.rules[1].id: rule \"a\" is defined twice in pack"
            + " dup");
  }

  @Test
  void initContainersNeedNoProbesButEveryLongRunningContainerDoes() {
    PolicyEngine engine = PolicyEngine.build(BuiltInPacks.select(BuiltInPacks.all(),
        List.of("platform")), Map.of()).engine();
    String deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: shop}
        spec:
          template:
            spec:
              initContainers:
                - {name: migrate, image: r.example.com/migrate:1}
              containers:
                - name: api
                  image: r.example.com/api:1
                  readinessProbe: {httpGet: {path: /, port: 80}}
                  livenessProbe: {httpGet: {path: /, port: 80}}
                - {name: %s, image: r.example.com/sidecar:1}
        """;
    List<Finding> unprobed = engine.evaluate(SourceReader.read("d.yaml",
        deployment.formatted("sidecar")).objects().get(0), List.of(), Instant.EPOCH);
    assertThat(unprobed).filteredOn(f -> f.ruleId().equals("platform/probes"))
        .singleElement().satisfies(f -> {
          assertThat(f.message()).contains("container \"sidecar\"");
          assertThat(f.violations()).extracting(Finding.Violation::element)
              .containsExactly("sidecar");
        });
    // An init container without a name needs no probes either, and a list of init containers
    // that holds something other than containers is no policy error.
    String nameless = deployment.replace("{name: migrate, image: r.example.com/migrate:1}",
        "{image: r.example.com/migrate:1}").formatted("sidecar");
    assertThat(engine.evaluate(SourceReader.read("d.yaml", nameless).objects().get(0),
        List.of(), Instant.EPOCH)).filteredOn(f -> f.ruleId().equals("platform/probes"))
        .singleElement().satisfies(f -> assertThat(f.violations())
            .extracting(Finding.Violation::element).containsExactly("sidecar"));
    for (String odd : List.of("oops", "{a: b}", "[x]")) {
      String broken = deployment.replace("- {name: migrate, image: r.example.com/migrate:1}",
          "- " + odd).formatted("sidecar");
      assertThat(engine.evaluate(SourceReader.read("d.yaml", broken).objects().get(0),
          List.of(), Instant.EPOCH)).as(odd)
          .filteredOn(f -> f.ruleId().equals("platform/probes")).singleElement()
          .satisfies(f -> assertThat(f.status()).isEqualTo(Finding.Status.FAILED));
    }
    // The init container is known by its name, which Kubernetes keeps unique in a pod.
    List<Finding> sameNameAsInit = engine.evaluate(SourceReader.read("d.yaml",
        deployment.formatted("migrate")).objects().get(0), List.of(), Instant.EPOCH);
    assertThat(sameNameAsInit).noneMatch(f -> f.ruleId().equals("platform/probes"));
  }
}
