package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pave.render.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
  static final Path CONFORMANCE = Golden.root().resolve("policy/conformance");

  @TempDir Path tmp;

  @Test
  void aPrivilegedPodFailsWithTheFieldItsPositionAndTheFix() {
    Path pod = CONFORMANCE.resolve("pod-fail-privileged.yaml");
    Cli r = Cli.run("check", pod.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("Pod/shop/web  (" + pod + ")")
        .contains("FAIL critical pod-security-baseline/privileged")
        .contains("privileged (container \"app\" must not set securityContext.privileged=true)")
        .containsPattern("at .*pod-fail-privileged.yaml:\\d+:\\d+ spec.containers\\[name=app\\]"
            + ".securityContext.privileged")
        .contains("controls: PSS baseline: Privileged Containers")
        .contains("privileged: false")
        .contains("1 resource checked, 1 with findings: 1 failed (1 critical)");
  }

  @Test
  void aHardenedPodIsClean() {
    Cli r = Cli.run("check", CONFORMANCE.resolve("pod-pass-hardened-pod.yaml").toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("0 failed");
  }

  @Test
  void theThresholdDecidesTheExitCode() {
    String pod = CONFORMANCE.resolve("pod-fail-no-limits.yaml").toString();
    assertThat(Cli.run("check", pod).exit()).isEqualTo(1);
    Cli high = Cli.run("check", pod, "--fail-on", "high");
    assertThat(high.exit()).isZero();
    assertThat(high.out()).contains("WARN medium platform/resources");
  }

  @Test
  void packsAreSelectedByNameAndRestrictedBringsBaseline() {
    String pod = CONFORMANCE.resolve("deployment-fail-privileged.yaml").toString();
    Cli r = Cli.run("check", pod, "--pack", "pod-security-restricted");
    assertThat(r.out()).contains("pod-security-baseline/privileged")
        .doesNotContain("platform/probes");
    Cli typo = Cli.run("check", pod, "--pack", "pod-security-restriced");
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.err()).contains("did you mean \"pod-security-restricted\"?");
  }

  @Test
  void everyOutputFormatCarriesTheRuleIdAndPosition() throws Exception {
    String pod = CONFORMANCE.resolve("pod-fail-privileged.yaml").toString();
    JsonNode json = new ObjectMapper().readTree(Cli.run("check", pod, "--format", "json").out());
    assertThat(json.get("findings").get(0).get("rule").asText())
        .isEqualTo("pod-security-baseline/privileged");
    assertThat(json.get("findings").get(0).get("violations").get(0).get("line").asInt())
        .isPositive();
    JsonNode sarif = new ObjectMapper().readTree(Cli.run("check", pod, "--format", "sarif")
        .out());
    assertThat(sarif.get("version").asText()).isEqualTo("2.1.0");
    JsonNode result = sarif.get("runs").get(0).get("results").get(0);
    assertThat(result.get("ruleId").asText()).isEqualTo("pod-security-baseline/privileged");
    assertThat(result.get("level").asText()).isEqualTo("error");
    assertThat(result.at("/locations/0/physicalLocation/region/startLine").asInt()).isPositive();
    String junit = Cli.run("check", pod, "--format", "junit").out();
    assertThat(junit).contains("<testcase classname=\"Pod/shop/web\""
        + " name=\"pod-security-baseline/privileged\"")
        .contains("<failure type=\"critical\"");
  }

  @Test
  void specsAreRenderedAndFindingsPointIntoTheSpec() throws Exception {
    Path spec = tmp.resolve("pave.yaml");
    Files.writeString(spec, """
        apiVersion: pave.dev/v1alpha1
        kind: Application
        metadata: {name: api}
        spec:
          team: shop
          image: registry.example.com/shop/api:latest
          port: 8080
        """);
    Cli r = Cli.run("check", spec.toString(), "-e", "dev");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("platform/image-tag").contains(spec + ":6:3 ")
        .doesNotContain("pod-security");
  }

  @Test
  void standardInputAndBrokenDocumentsAreHandled() throws Exception {
    Path f = tmp.resolve("mixed.yaml");
    Files.writeString(f, Files.readString(CONFORMANCE.resolve("pod-pass-hardened-pod.yaml"))
        + "---\nkind: [broken\n");
    Cli r = Cli.run("check", f.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).contains("error: " + f + ":").contains("not valid YAML")
        .contains("1 resource checked");
  }

  @Test
  void exceptionsAreReportedWithOwnerAndExpiryAndWarnedBeforeTheyExpire() throws Exception {
    Path ex = tmp.resolve("exceptions");
    Files.createDirectories(ex);
    String until = java.time.Instant.now().plus(java.time.Duration.ofDays(3)).toString();
    Files.writeString(ex.resolve("legacy.yaml"), """
        apiVersion: pave.dev/v1alpha1
        kind: PolicyException
        metadata: {name: web-privileged}
        spec:
          rules: [pod-security-baseline/privileged]
          resources: [{kind: Pod, namespace: shop, name: web}]
          reason: Needs the GPU device until the driver plugin lands.
          owner: ana@example.com
          ticket: OPS-42
          expiresAt: "%s"
        """.formatted(until));
    Cli r = Cli.run("check", CONFORMANCE.resolve("pod-fail-privileged.yaml").toString(),
        "--exceptions", ex.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("EXCEPTED critical pod-security-baseline/privileged")
        .contains("excepted by web-privileged (owner ana@example.com, until " + until
            + ", OPS-42)");
    assertThat(r.err()).contains("warning: exception web-privileged (owner ana@example.com)"
        + " expires in 2 days");
  }

  @Test
  void validatingAdmissionPoliciesRunWithTheirVariablesConditionsAndBindings() throws Exception {
    Path vap = Path.of(getClass().getResource("/vap/vap.yaml").toURI()).getParent();
    String deployment = Path.of(getClass().getResource("/deployment-nine-replicas.yaml")
        .toURI()).toString();
    Cli r = Cli.run("check", deployment, "--policies", vap.toString(), "--pack",
        "replica-limit");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("FAIL medium replica-limit/validation-1")
        .contains("Validation failed for ValidatingAdmissionPolicy 'replica-limit' with binding"
            + " 'replica-limit-binding': replicas must be no greater than 5, got 9")
        .doesNotContain("validation-2");
  }

  @Test
  void aRuleThatDoesNotCompileIsReportedWithFileLineAndColumn() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("policies"));
    Files.writeString(dir.resolve("acme.yaml"), """
        apiVersion: pave.dev/v1alpha1
        kind: Policy
        metadata: {name: acme}
        spec:
          rules:
            - id: broken
              title: Broken on purpose
              severity: low
              validate: object.metadata.name ==
        """);
    Cli r = Cli.run("check", CONFORMANCE.resolve("pod-pass-hardened-pod.yaml").toString(),
        "--policies", dir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(dir.resolve("acme.yaml") + ":9:")
        .contains("spec.rules[0].validate: does not compile:")
        .contains("nothing was checked.");
  }

  @Test
  void sarifFixesReplaceTheLinesPaveFixWouldChange() throws Exception {
    Path f = tmp.resolve("web.yaml");
    Files.writeString(f, FixCommandTest.DEPLOYMENT);
    JsonNode sarif = new ObjectMapper().readTree(Cli.run("check", f.toString(), "--pack",
        "pod-security-baseline", "--format", "sarif").out());
    JsonNode result = sarif.at("/runs/0/results/0");
    assertThat(result.get("ruleId").asText()).isEqualTo("pod-security-baseline/privileged");
    JsonNode replacement = result.at("/fixes/0/artifactChanges/0/replacements/0");
    assertThat(replacement.at("/deletedRegion/startLine").asInt()).isEqualTo(19);
    assertThat(replacement.at("/deletedRegion/endLine").asInt()).isEqualTo(20);
    assertThat(replacement.at("/insertedContent/text").asText())
        .isEqualTo("            privileged: false\n");
    assertThat(Files.readAllLines(f).get(18)).isEqualTo("            privileged: true");
  }

  @Test
  void admissionPolicyParametersComeFromTheObjectTheBindingNames() throws Exception {
    Path dir = Path.of(getClass().getResource("/vap-params/policy.yaml").toURI()).getParent();
    String deployment = Path.of(getClass().getResource("/deployment-nine-replicas.yaml")
        .toURI()).toString();
    Cli r = Cli.run("check", deployment, "--policies", dir.toString(), "--pack",
        "max-replicas");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("FAIL high max-replicas/validation-1")
        .contains("denied request: at most 5 replicas, got 9");
  }

  @Test
  void theTraceSaysWhichElementMadeAnAllFail() throws Exception {
    Path dir = Path.of(getClass().getResource("/vap-trace/policy.yaml").toURI()).getParent();
    String deployment = Path.of(getClass().getResource("/deployment-latest-sidecar.yaml")
        .toURI()).toString();
    Cli r = Cli.run("check", deployment, "--policies", dir.toString(), "--pack", "no-latest");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("at " + deployment + ":10:11"
        + " spec.template.spec.containers[name=sidecar]\n")
        .doesNotContain("containers[name=app]");
  }

  /** A workload as generated output often reads: flow-style mappings next to block ones. */
  static final String FLOW_STYLE_DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: svc, namespace: team, labels: {app.kubernetes.io/name: svc}}
      spec:
        replicas: 3
        selector: {matchLabels: {app.kubernetes.io/name: svc}}
        template:
          metadata: {labels: {app.kubernetes.io/name: svc}}
          spec:
            securityContext:
              runAsNonRoot: false
              seccompProfile: {type: RuntimeDefault}
            containers:
              - name: app
                image: registry.example.com/team/svc:1.0.0
                resources:
                  requests: {cpu: 100m, memory: 128Mi}
                securityContext:
                  allowPrivilegeEscalation: true
                  privileged: true
            volumes:
              - {name: tmp, emptyDir: {}}
      """;

  @Test
  void everyFormatWritesTheSameBytesOnEveryRun() throws Exception {
    Path f = tmp.resolve("svc.yaml");
    Files.writeString(f, FLOW_STYLE_DEPLOYMENT);
    for (String format : java.util.List.of("text", "json", "sarif", "junit")) {
      Cli first = Cli.run("check", f.toString(), "--format", format);
      assertThat(first.exit()).as(format).isEqualTo(1);
      assertThat(Cli.run("check", f.toString(), "--format", format).out()).as(format)
          .isEqualTo(first.out());
    }
    // Written in the order kubectl names a resource, not in a hash order that changes between
    // JVMs (which two runs in one JVM would not show).
    assertThat(Cli.run("check", f.toString(), "--format", "json").out())
        .contains("\"kind\" : \"Deployment\",\n      \"namespace\" : \"team\",\n"
            + "      \"name\" : \"svc\"");
    String sarif = Cli.run("check", f.toString(), "--format", "sarif").out();
    assertThat(sarif).containsPattern("\"fullyQualifiedName\" : \"[^\"]+\",\\s+\"kind\" : "
        + "\"resource\"").doesNotContainPattern("\"kind\" : \"resource\",\\s+"
        + "\"fullyQualifiedName\"");
  }

  @Test
  void sarifKeepsFindingsWhosePatchCannotBeAppliedAsLineEdits() throws Exception {
    Path f = tmp.resolve("svc.yaml");
    Files.writeString(f, FLOW_STYLE_DEPLOYMENT);
    Cli r = Cli.run("check", f.toString(), "--format", "sarif");
    assertThat(r.exit()).isEqualTo(1);
    JsonNode results = new ObjectMapper().readTree(r.out()).at("/runs/0/results");
    assertThat(results.size()).isGreaterThan(3);
    java.util.List<String> rules = new java.util.ArrayList<>();
    results.forEach(x -> rules.add(x.get("ruleId").asText()));
    assertThat(rules).contains("pod-security-baseline/privileged",
        "pod-security-restricted/allow-privilege-escalation");
  }

  @Test
  void aDocumentWithoutAKindIsSkippedNotAnInternalError() throws Exception {
    Path f = tmp.resolve("odd.yaml");
    Files.writeString(f, "metadata: {name: x}\n---\n" + FLOW_STYLE_DEPLOYMENT);
    Cli r = Cli.run("check", f.toString(), "--format", "json");
    assertThat(r.err()).doesNotContain("internal error");
    assertThat(r.exit()).isEqualTo(1);
    JsonNode report = new ObjectMapper().readTree(r.out());
    assertThat(report.get("checked").asInt()).isEqualTo(1);
    assertThat(report.get("skipped").toString()).contains("/x");
  }

  @Test
  void labelsWrittenAsAListGetFindingsWithoutAFixedFormNotAnInternalError() throws Exception {
    Path f = tmp.resolve("labels.yaml");
    Files.writeString(f, """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: x
          namespace: y
          labels: [a, b]
        spec:
          selector: {matchLabels: {a: b}}
          template:
            metadata: {labels: {a: b}}
            spec:
              containers: [{name: c, image: nginx}]
        """);
    for (String format : java.util.List.of("text", "json", "sarif", "junit")) {
      Cli r = Cli.run("check", f.toString(), "--format", format);
      assertThat(r.err()).as(format).doesNotContain("internal error");
      assertThat(r.exit()).as(format).isEqualTo(1);
      assertThat(r.out()).as(format).contains("platform/owning-team");
    }
    Cli fix = Cli.run("fix", f.toString(), "--dry-run");
    assertThat(fix.err()).doesNotContain("internal error");
  }

  @Test
  void asAndAsGroupGiveTheUserAdmissionPoliciesSeeInRequest() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("vap-user"));
    Files.writeString(dir.resolve("policy.yaml"), """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: only-deployers}
        spec:
          matchConstraints:
            resourceRules:
              - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
          validations:
            - expression: "'deployers' in request.userInfo.groups"
              messageExpression: "request.userInfo.username + ' may not create deployments'"
        """);
    String deployment = Path.of(getClass().getResource("/deployment-nine-replicas.yaml")
        .toURI()).toString();
    Cli denied = Cli.run("check", deployment, "--policies", dir.toString(), "--pack",
        "only-deployers", "--as", "mallory");
    assertThat(denied.exit()).isEqualTo(1);
    assertThat(denied.out()).contains("ValidatingAdmissionPolicy 'only-deployers' denied"
        + " request: mallory may not create deployments");
    Cli allowed = Cli.run("check", deployment, "--policies", dir.toString(), "--pack",
        "only-deployers", "--as", "ana", "--as-group", "deployers");
    assertThat(allowed.exit()).isZero();
  }
}
