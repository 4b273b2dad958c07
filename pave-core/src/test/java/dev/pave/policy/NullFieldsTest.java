package dev.pave.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.source.SourceObject;
import dev.pave.source.SourceReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A field written without a value is absent, as the API server decodes it: Kubernetes admits
 * these objects at baseline, and so must every rule.
 */
class NullFieldsTest {
  static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  static PolicyEngine engine(String... packs) {
    return PolicyEngine.build(BuiltInPacks.select(BuiltInPacks.all(), List.of(packs)),
        Map.of()).engine();
  }

  static List<String> messages(PolicyEngine engine, String yaml) {
    List<SourceObject> objects = SourceReader.read("in.yaml", yaml).objects();
    return Checker.check(objects, List.of(), null, engine, List.of(), NOW, Severity.LOW,
        List.of(), 14).findings().stream().map(f -> f.ruleId() + ": " + f.message()).toList();
  }

  @Test
  void anEmptySecurityContextIsAdmittedAtBaseline() {
    assertThat(messages(engine("pod-security-baseline"), """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: shop}
        spec:
          securityContext:
          containers:
            - name: app
              image: nginx:1.27
              securityContext:
        """)).isEmpty();
  }

  @Test
  void aTemplateWithEmptyAnnotationsIsAdmittedAtBaseline() {
    assertThat(messages(engine("pod-security-baseline"), """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d, namespace: shop}
        spec:
          selector: {matchLabels: {app: d}}
          template:
            metadata:
              labels: {app: d}
              annotations:
            spec:
              containers:
                - name: app
                  image: nginx:1.27
                  securityContext:
                    capabilities:
                    seLinuxOptions:
                    seccompProfile:
                    appArmorProfile:
                    windowsOptions:
                    procMount:
        """)).isEmpty();
  }

  @Test
  void nullIsStillAbsentWhereRestrictedRequiresAValue() {
    List<String> found = messages(engine("pod-security-restricted"), """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: shop}
        spec:
          containers:
            - name: app
              image: nginx:1.27
              securityContext:
                capabilities:
                  add:
                  drop:
        """);
    assertThat(found).contains("pod-security-restricted/capabilities: unrestricted capabilities"
        + " (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"])");
    assertThat(String.join("\n", found)).doesNotContain("Cel", "Unknown", "{attributes");
  }

  @Test
  void decodingDropsNullFieldsKeepsNullStringEntriesAndLeavesCleanObjectsAlone() {
    Map<String, Object> clean = Map.of("a", Map.of("b", List.of("x")));
    assertThat(Decoded.of(clean)).isSameAs(clean);
    java.util.Map<String, Object> labels = new java.util.LinkedHashMap<>();
    labels.put("team", null);
    java.util.Map<String, Object> sc = new java.util.LinkedHashMap<>();
    sc.put("capabilities", null);
    java.util.List<Object> add = new java.util.ArrayList<>();
    add.add(null);
    java.util.Map<String, Object> o = new java.util.LinkedHashMap<>();
    o.put("labels", labels);
    o.put("securityContext", sc);
    o.put("add", add);
    o.put("keep", 1L);
    assertThat(Decoded.of(o)).isEqualTo(Map.of("labels", Map.of("team", ""),
        "securityContext", Map.of(), "add", List.of(""), "keep", 1L));
  }
}
