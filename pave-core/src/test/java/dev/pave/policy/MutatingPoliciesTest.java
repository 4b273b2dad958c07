package dev.pave.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.source.SourceObject;
import dev.pave.source.SourceReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MutatingAdmissionPolicy as the API server applies it. The policies are those of Kubernetes'
 * documentation (concepts/access-authn-authz/mutating-admission-policy): a sidecar added with
 * ApplyConfiguration, a label set with JSONPatch.
 */
class MutatingPoliciesTest {
  static final String SIDECAR = """
      apiVersion: admissionregistration.k8s.io/v1
      kind: MutatingAdmissionPolicy
      metadata: {name: sidecar-policy.example.com}
      spec:
        paramKind: {kind: Sidecar, apiVersion: mutations.example.com/v1}
        matchConstraints:
          resourceRules:
            - apiGroups: [apps]
              apiVersions: [v1]
              operations: [CREATE]
              resources: [deployments]
        matchConditions:
          - name: does-not-already-have-sidecar
            expression: "!object.spec.template.spec.initContainers.exists(ic, ic.name == params.name)"
        failurePolicy: Fail
        reinvocationPolicy: IfNeeded
        mutations:
          - patchType: ApplyConfiguration
            applyConfiguration:
              expression: >
                Object{
                  spec: Object.spec{
                    template: Object.spec.template{
                      spec: Object.spec.template.spec{
                        initContainers: [
                          Object.spec.template.spec.initContainers{
                            name: params.name,
                            image: params.image,
                            args: params.args,
                            restartPolicy: params.restartPolicy
                          }
                        ]
                      }
                    }
                  }
                }
      ---
      apiVersion: admissionregistration.k8s.io/v1
      kind: MutatingAdmissionPolicyBinding
      metadata: {name: sidecar-binding-test.example.com}
      spec:
        policyName: sidecar-policy.example.com
        paramRef: {name: mesh-proxy, namespace: default, parameterNotFoundAction: Deny}
      ---
      apiVersion: mutations.example.com/v1
      kind: Sidecar
      metadata: {name: mesh-proxy, namespace: default}
      name: mesh-proxy
      image: mesh/proxy:v1.0.0
      args: ["proxy", "--default-config"]
      restartPolicy: Always
      """;

  static final String LABEL = """
      apiVersion: admissionregistration.k8s.io/v1
      kind: MutatingAdmissionPolicy
      metadata: {name: environment-label}
      spec:
        matchConstraints:
          resourceRules:
            - apiGroups: [apps]
              apiVersions: [v1]
              operations: [CREATE]
              resources: [deployments]
        failurePolicy: Fail
        mutations:
          - patchType: JSONPatch
            jsonPatch:
              expression: >
                [
                  JSONPatch{op: "add", path: "/metadata/labels/" + jsonpatch.escapeKey("example.com/environment"), value: "prod"},
                  JSONPatch{op: "replace", path: "/spec/replicas", value: 3}
                ]
      ---
      apiVersion: admissionregistration.k8s.io/v1
      kind: MutatingAdmissionPolicyBinding
      metadata: {name: environment-label}
      spec:
        policyName: environment-label
      """;

  static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        namespace: default
        labels: {app: web}
      spec:
        replicas: 1
        template:
          metadata: {labels: {app: web}}
          spec:
            initContainers:
              - {name: migrate, image: web:1}
            containers:
              - name: web
                image: web:1
                ports: [{containerPort: 8080}]
      """;

  static List<SourceObject> read(String text) {
    return SourceReader.read("policies.yaml", text).objects();
  }

  static MutatingPolicies compile(String text) {
    MutatingPolicies.Built b = MutatingPolicies.compile(read(text));
    assertThat(b.problems()).isEmpty();
    return b.policies();
  }

  static Map<String, Object> deployment() {
    return read(DEPLOYMENT).get(0).object();
  }

  @SuppressWarnings("unchecked")
  static <T> T at(Object o, String... path) {
    for (String p : path) {
      o = o instanceof List<?> l ? l.get(Integer.parseInt(p)) : ((Map<String, Object>) o).get(p);
    }
    return (T) o;
  }

  @Test
  void applyConfigurationAddsTheSidecarKeyedByNameBesideTheInitContainersThere() {
    MutatingPolicies.Result r = compile(SIDECAR).mutate(deployment(), null);
    assertThat(r.errors()).isEmpty();
    List<Map<String, Object>> init = at(r.object(), "spec", "template", "spec",
        "initContainers");
    assertThat(init).extracting(c -> c.get("name")).containsExactly("migrate", "mesh-proxy");
    assertThat(init.get(1)).containsEntry("image", "mesh/proxy:v1.0.0")
        .containsEntry("restartPolicy", "Always")
        .containsEntry("args", List.of("proxy", "--default-config"));
    assertThat(r.applied()).containsExactly(
        "sidecar-policy.example.com/sidecar-binding-test.example.com");
    // The match condition keeps a second pass from adding it again.
    MutatingPolicies.Result again = compile(SIDECAR).mutate(r.object(), null);
    assertThat(again.applied()).isEmpty();
    assertThat(again.object()).isEqualTo(r.object());
  }

  @Test
  void applyConfigurationMergesKeyedListsAndReplacesAtomicOnes() {
    Map<String, Object> object = deployment();
    Map<String, Object> merged = ApplyMerge.merge(Decoded.of(object), Map.of("spec", Map.of(
        "template", Map.of("spec", Map.of("containers", List.of(Map.of("name", "web",
            "ports", List.of(Map.of("containerPort", 8080L, "name", "http")),
            "args", List.of("--serve")))))), "metadata", Map.of("finalizers", List.of("a"))));
    List<Map<String, Object>> containers = at(merged, "spec", "template", "spec", "containers");
    assertThat(containers).hasSize(1);
    assertThat(containers.get(0)).containsEntry("image", "web:1")
        .containsEntry("args", List.of("--serve"));
    // containerPort 8080 with the default protocol TCP is the same port: merged, not added.
    assertThat((Object) at(containers.get(0), "ports")).isEqualTo(
        List.of(Map.of("containerPort", 8080L, "name", "http")));
  }

  @Test
  void jsonPatchSetsAnEscapedLabelAndReplacesAField() {
    MutatingPolicies.Result r = compile(LABEL).mutate(deployment(), null);
    assertThat(r.errors()).isEmpty();
    assertThat((Object) at(r.object(), "metadata", "labels")).isEqualTo(
        Map.of("app", "web", "example.com/environment", "prod"));
    assertThat((Object) at(r.object(), "spec", "replicas")).isEqualTo(3L);
  }

  @Test
  void jsonPatchOperationsFollowRfc6902() throws Exception {
    Map<String, Object> doc = Map.of("a", List.of(1L, 2L), "b", Map.of("c", "x"));
    Map<String, Object> out = JsonPatches.apply(doc, List.of(
        Map.of("op", "add", "path", "/a/0", "value", 0L),
        Map.of("op", "move", "from", "/b/c", "path", "/d"),
        Map.of("op", "copy", "from", "/d", "path", "/e"),
        Map.of("op", "remove", "path", "/a/2"),
        Map.of("op", "test", "path", "/e", "value", "x")));
    assertThat(out).isEqualTo(Map.of("a", List.of(0L, 1L), "b", Map.of(), "d", "x", "e", "x"));
    assertThat(doc).isEqualTo(Map.of("a", List.of(1L, 2L), "b", Map.of("c", "x")));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> JsonPatches.apply(doc,
        List.of(Map.of("op", "replace", "path", "/missing", "value", 1L))))
        .hasMessageContaining("/missing does not exist");
  }

  @Test
  void aPolicyMatchesOnlyTheKindsAndLabelsItSelects() {
    String selective = LABEL.replace("policyName: environment-label", """
        policyName: environment-label
          matchResources:
            objectSelector: {matchLabels: {tier: frontend}}""");
    MutatingPolicies p = compile(selective);
    assertThat(p.mutate(deployment(), null).applied()).isEmpty();
    Map<String, Object> labelled = read(DEPLOYMENT.replace("labels: {app: web}\nspec",
        "labels: {app: web, tier: frontend}\nspec")).get(0).object();
    assertThat(p.mutate(labelled, null).applied()).hasSize(1);
    Map<String, Object> configMap = read("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
        .get(0).object();
    assertThat(p.mutate(configMap, null).applied()).isEmpty();
  }

  @Test
  void aMissingParamObjectDeniesUnlessAllowed() {
    String noParam = SIDECAR.substring(0, SIDECAR.indexOf("---\napiVersion: mutations"));
    MutatingPolicies.Result r = compile(noParam).mutate(deployment(), null);
    assertThat(r.errors()).containsExactly("MutatingAdmissionPolicy 'sidecar-policy.example.com'"
        + " with binding 'sidecar-binding-test.example.com' denied request: no params found"
        + " for policy binding sidecar-binding-test.example.com (Sidecar mesh-proxy)");
    assertThat(compile(noParam.replace("Deny}", "Allow}")).mutate(deployment(), null).errors())
        .isEmpty();
  }

  @Test
  void anUnboundPolicyMutatesNothing() {
    String unbound = LABEL.substring(0, LABEL.indexOf("---"));
    assertThat(compile(unbound).mutate(deployment(), null).applied()).isEmpty();
  }

  @Test
  void anExpressionErrorDeniesUnderFailAndIsSkippedUnderIgnore() {
    String failing = LABEL.replace("value: 3}", "value: object.spec.missing}");
    MutatingPolicies.Result r = compile(failing).mutate(deployment(), null);
    assertThat(r.errors()).singleElement().asString().startsWith(
        "MutatingAdmissionPolicy 'environment-label' with binding 'environment-label' denied"
        + " request:").contains("missing");
    assertThat(r.object()).isEqualTo(Decoded.of(deployment()));
    assertThat(compile(failing.replace("failurePolicy: Fail", "failurePolicy: Ignore"))
        .mutate(deployment(), null).errors()).isEmpty();
  }

  @Test
  void aPolicyThatDoesNotCompileIsAProblemAtItsField() {
    MutatingPolicies.Built b = MutatingPolicies.compile(read(LABEL.replace(
        "JSONPatch{op: \"replace\"", "JSONPatch{op: nope")));
    assertThat(b.policies()).isNull();
    assertThat(b.problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("spec.mutations[0].jsonPatch.expression");
      assertThat(p.message()).startsWith("does not compile:").contains("nope");
    });
  }

  @Test
  void anIfNeededPolicyRunsAgainWhenALaterPolicyChangedTheObject() {
    // "a-" runs first and copies the label "b-" sets later; only its reinvocation sees it.
    String policies = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingAdmissionPolicy
        metadata: {name: a-copy-team}
        spec:
          matchConstraints: {resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]}
          reinvocationPolicy: %s
          mutations:
            - patchType: ApplyConfiguration
              applyConfiguration:
                expression: >
                  Object{metadata: Object.metadata{annotations: {"copied-team": object.metadata.?labels.team.orValue("none")}}}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingAdmissionPolicyBinding
        metadata: {name: a}
        spec: {policyName: a-copy-team}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingAdmissionPolicy
        metadata: {name: b-set-team}
        spec:
          matchConstraints: {resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]}
          mutations:
            - patchType: ApplyConfiguration
              applyConfiguration:
                expression: 'Object{metadata: Object.metadata{labels: {"team": "payments"}}}'
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingAdmissionPolicyBinding
        metadata: {name: b}
        spec: {policyName: b-set-team}
        """;
    MutatingPolicies.Result ifNeeded = compile(policies.formatted("IfNeeded"))
        .mutate(deployment(), null);
    assertThat((Object) at(ifNeeded.object(), "metadata", "annotations"))
        .isEqualTo(Map.of("copied-team", "payments"));
    assertThat(ifNeeded.applied()).containsExactly("a-copy-team/a", "b-set-team/b",
        "a-copy-team/a (reinvoked)");
    MutatingPolicies.Result never = compile(policies.formatted("Never"))
        .mutate(deployment(), null);
    assertThat((Object) at(never.object(), "metadata", "annotations"))
        .isEqualTo(Map.of("copied-team", "none"));
  }
}
