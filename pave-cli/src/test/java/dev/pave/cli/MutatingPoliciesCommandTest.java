package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pave render --policies} and {@code pave check --policies} with a
 * MutatingAdmissionPolicy: what is written and checked is what admission would store.
 */
class MutatingPoliciesCommandTest {
  static final String CHECKOUT = CommandsTest.CHECKOUT;

  static final String POLICY = """
      apiVersion: admissionregistration.k8s.io/v1
      kind: MutatingAdmissionPolicy
      metadata: {name: cost-center}
      spec:
        matchConstraints:
          resourceRules:
            - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
        failurePolicy: Fail
        mutations:
          - patchType: JSONPatch
            jsonPatch:
              expression: >
                [JSONPatch{op: "add", path: "/metadata/annotations/" + jsonpatch.escapeKey("example.com/cost-center"), value: "cc-" + object.metadata.name}]
          - patchType: ApplyConfiguration
            applyConfiguration:
              expression: >
                Object{spec: Object.spec{template: Object.spec.template{spec: Object.spec.template.spec{
                  containers: [Object.spec.template.spec.containers{name: "log-shipper", image: "registry.example.com/platform/log-shipper:2.1"}]}}}}
      ---
      apiVersion: admissionregistration.k8s.io/v1
      kind: MutatingAdmissionPolicyBinding
      metadata: {name: cost-center}
      spec:
        policyName: cost-center
      """;

  @Test
  void renderWritesWhatAdmissionWouldStore(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("mutating.yaml"), POLICY);
    Cli plain = Cli.run("render", CHECKOUT, "-e", "prod");
    Cli r = Cli.run("render", CHECKOUT, "-e", "prod", "--policies", dir.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(plain.out()).doesNotContain("log-shipper");
    assertThat(r.out()).contains("example.com/cost-center: cc-checkout")
        .contains("name: log-shipper")
        .contains("image: registry.example.com/platform/log-shipper:2.1");
    // The rendered container stays, beside the one added: containers merge by name.
    assertThat(r.out()).contains("name: checkout");
    // Kinds the policy does not select are written as rendered.
    assertThat(r.out().split("\n---\n")).filteredOn(d -> d.contains("kind: Service"))
        .allSatisfy(d -> assertThat(d).doesNotContain("cost-center"));
  }

  @Test
  void aDenyingPolicyRendersNothingAndSaysWhy(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("mutating.yaml"), POLICY.replace("value: \"cc-\" + "
        + "object.metadata.name", "value: object.metadata.missing"));
    Cli r = Cli.run("render", CHECKOUT, "-e", "prod", "--policies", dir.toString());
    assertThat(r.exit()).isEqualTo(ExitCode.INVALID);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("Deployment/checkout: MutatingAdmissionPolicy 'cost-center'"
        + " with binding 'cost-center' denied request:").contains("nothing was rendered");
  }

  @Test
  void aPolicyThatDoesNotCompileNamesItsFileAndField(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("mutating.yaml"), POLICY.replace("value: \"cc-\"",
        "value: cc-"));
    Cli r = Cli.run("render", CHECKOUT, "-e", "prod", "--policies", dir.toString());
    assertThat(r.exit()).isEqualTo(ExitCode.INVALID);
    assertThat(r.err()).contains("mutating.yaml:")
        .contains("spec.mutations[0].jsonPatch.expression").contains("does not compile");
  }

  @Test
  void checkChecksTheMutatedObject(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("mutating.yaml"), POLICY);
    Files.writeString(dir.resolve("require.yaml"), """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: cost-center-required}
        spec:
          matchConstraints:
            resourceRules:
              - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
          validations:
            - expression: "'example.com/cost-center' in object.metadata.?annotations.orValue({})"
              message: a cost center is required
        """);
    Path manifests = dir.resolve("manifests");
    Files.createDirectories(manifests);
    Files.writeString(manifests.resolve("d.yaml"), """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop, annotations: {owner: shop}}
        spec:
          template:
            spec:
              containers: [{name: web, image: registry.example.com/shop/web:1}]
        """);
    Path onlyRequire = dir.resolve("only");
    Files.createDirectories(onlyRequire);
    Files.copy(dir.resolve("require.yaml"), onlyRequire.resolve("require.yaml"));
    Cli without = Cli.run("check", manifests.toString(), "--policies", onlyRequire.toString(),
        "--pack", "cost-center-required", "-o", "json");
    assertThat(without.out()).contains("a cost center is required");
    Cli with = Cli.run("check", manifests.toString(), "--policies", dir.toString(),
        "--pack", "cost-center-required", "-o", "json");
    assertThat(with.exit()).as(with.err()).isZero();
    assertThat(with.out()).doesNotContain("a cost center is required");
  }
}
