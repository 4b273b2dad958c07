package dev.pave.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.source.SourceObject;
import dev.pave.source.SourceReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * ValidatingAdmissionPolicy as the API server applies it, with the cases of recorded exchanges
 * with a real one: the policy and bindings below are those of the recording, and the messages
 * are the ones it answered with.
 */
class AdmissionPoliciesTest {
  static final String POLICY = """
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingAdmissionPolicy
      metadata: {name: tx-no-forbidden-key}
      spec:
        failurePolicy: Fail
        matchConstraints:
          resourceRules:
            - apiGroups: [""]
              apiVersions: [v1]
              operations: [CREATE, UPDATE]
              resources: [configmaps]
        validations:
          - expression: "!has(object.data) || !('forbidden' in object.data)"
            message: data must not contain the key 'forbidden'
            reason: Forbidden
          - expression: object.metadata.name.size() <= 20
            messageExpression: "'name ' + object.metadata.name + ' is longer than 20 characters'"
            reason: Invalid
      """;

  static String binding(String name, String action, String label) {
    return """
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata: {name: %s}
        spec:
          policyName: tx-no-forbidden-key
          validationActions: [%s]
          matchResources:
            namespaceSelector: {matchLabels: {tx-adm: "yes"}}
            objectSelector: {matchLabels: {vap: %s}}
        """.formatted(name, action, label);
  }

  static String configMap(String name, String label, String key) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: %s
          namespace: tx-adm
          labels: {vap: %s}
        data: {%s: x}
        """.formatted(name, label, key);
  }

  static List<Finding> check(String policies, String object) {
    PolicyReader.Result r = PolicyReader.read("vap.yaml", policies);
    assertThat(r.problems()).isEmpty();
    List<dev.pave.spec.Document<Policy>> packs = AdmissionPolicies.toPacks(
        r.admissionPolicies(), r.bindings(), r.others());
    PolicyEngine.Built built = PolicyEngine.build(packs, Map.of());
    assertThat(built.problems()).isEmpty();
    SourceObject o = SourceReader.read("cm.yaml", object).objects().get(0);
    return built.engine().evaluate(o, List.of(), Instant.now());
  }

  static List<Finding> checkAs(String policies, String object, String user,
      List<String> groups) {
    PolicyReader.Result r = PolicyReader.read("vap.yaml", policies);
    PolicyEngine.Built built = PolicyEngine.build(AdmissionPolicies.toPacks(
        r.admissionPolicies(), r.bindings(), r.others()), Map.of());
    assertThat(built.problems()).isEmpty();
    SourceObject o = SourceReader.read("cm.yaml", object).objects().get(0);
    return built.engine().asCreatedBy(user, groups).evaluate(o, List.of(), Instant.now());
  }

  static List<String> messages(List<Finding> findings) {
    return findings.stream().map(Finding::message).toList();
  }

  static final String ALL = POLICY + binding("tx-vap-deny", "Deny", "deny")
      + binding("tx-vap-warn", "Warn", "warn") + binding("tx-vap-audit", "Audit", "audit");

  @Test
  void aDenyBindingDeniesWithTheApiServersMessage() {
    assertThat(messages(check(ALL, configMap("v1", "deny", "forbidden")))).containsExactly(
        "ValidatingAdmissionPolicy 'tx-no-forbidden-key' with binding 'tx-vap-deny' denied"
            + " request: data must not contain the key 'forbidden'");
  }

  @Test
  void messageExpressionGivesTheMessage() {
    List<Finding> f = check(ALL, configMap("a-very-long-configmap-name", "deny", "ok"));
    assertThat(messages(f)).containsExactly("ValidatingAdmissionPolicy 'tx-no-forbidden-key'"
        + " with binding 'tx-vap-deny' denied request: name a-very-long-configmap-name is"
        + " longer than 20 characters");
    assertThat(f.get(0).severity()).isEqualTo(Severity.HIGH);
  }

  @Test
  void aWarnBindingWarnsInTheWarningHeadersWords() {
    List<Finding> f = check(ALL, configMap("v2", "warn", "forbidden"));
    assertThat(messages(f)).containsExactly("Validation failed for ValidatingAdmissionPolicy"
        + " 'tx-no-forbidden-key' with binding 'tx-vap-warn': data must not contain the key"
        + " 'forbidden'");
    assertThat(f.get(0).severity()).isEqualTo(Severity.MEDIUM);
  }

  @Test
  void anAuditBindingReportsTheAuditAnnotation() {
    List<Finding> f = check(ALL, configMap("v3", "audit", "forbidden"));
    assertThat(messages(f)).singleElement().asString()
        .startsWith("validation.policy.admission.k8s.io/validation_failure: ");
    assertThat(f.get(0).severity()).isEqualTo(Severity.LOW);
  }

  @Test
  void objectsTheBindingsSelectorsLeaveOutAreNotChecked() {
    assertThat(check(ALL, configMap("v4", "other", "forbidden"))).isEmpty();
    assertThat(check(ALL, configMap("v5", "deny", "fine"))).isEmpty();
  }

  @Test
  void matchExpressionsAndExcludeResourceRulesNarrowWhatIsChecked() {
    String policy = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: labelled}
        spec:
          matchConstraints:
            resourceRules:
              - {apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"]}
            excludeResourceRules:
              - {apiGroups: [""], apiVersions: [v1], operations: ["*"], resources: [secrets]}
            objectSelector:
              matchExpressions:
                - {key: tier, operator: NotIn, values: [test]}
                - {key: team, operator: Exists}
          validations:
            - expression: "false"
        """;
    String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {team: a}}\n";
    assertThat(messages(check(policy, cm))).containsExactly(
        "ValidatingAdmissionPolicy 'labelled' denied request: failed expression: false");
    assertThat(check(policy, cm.replace("ConfigMap", "Secret"))).isEmpty();
    assertThat(check(policy, cm.replace("{team: a}", "{team: a, tier: test}"))).isEmpty();
    assertThat(check(policy, cm.replace("{team: a}", "{tier: prod}"))).isEmpty();
  }

  @Test
  void anExpressionErrorIsReportedAsTheApiServerReportsIt() {
    String policy = POLICY.replace("object.metadata.name.size() <= 20",
        "object.spec.replicas > 1");
    List<Finding> f = check(policy + binding("b", "Deny", "deny"), configMap("v", "deny", "ok"));
    assertThat(f).singleElement().satisfies(x -> {
      assertThat(x.status()).isEqualTo(Finding.Status.ERROR);
      assertThat(x.message()).startsWith("ValidatingAdmissionPolicy 'tx-no-forbidden-key' with"
          + " binding 'b' denied request: expression 'object.spec.replicas > 1' resulted in"
          + " error: ");
    });
  }

  @Test
  void paramRefSelectorChecksOncePerSelectedParameterObject() {
    String policies = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: max-replicas}
        spec:
          paramKind: {apiVersion: v1, kind: ConfigMap}
          matchConstraints:
            resourceRules:
              - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
          validations:
            - expression: object.spec.replicas <= int(params.data.max)
              messageExpression: "'at most ' + params.data.max"
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata: {name: limits}
        spec:
          policyName: max-replicas
          validationActions: [Deny]
          paramRef:
            selector: {matchLabels: {limits: replicas}}
            parameterNotFoundAction: Deny
        ---
        {apiVersion: v1, kind: ConfigMap, metadata: {name: low, labels: {limits: replicas}},
         data: {max: "3"}}
        ---
        {apiVersion: v1, kind: ConfigMap, metadata: {name: high, labels: {limits: replicas}},
         data: {max: "10"}}
        ---
        {apiVersion: v1, kind: ConfigMap, metadata: {name: other}, data: {max: "1"}}
        """;
    String deployment = "{apiVersion: apps/v1, kind: Deployment, metadata: {name: d},"
        + " spec: {replicas: 5}}";
    assertThat(messages(check(policies, deployment))).containsExactly(
        "ValidatingAdmissionPolicy 'max-replicas' with binding 'limits' denied request:"
            + " at most 3");
    assertThat(messages(check(policies.replace("limits: replicas}}\n", "limits: none}}\n"),
        deployment))).singleElement().asString().contains("no params found for policy binding");
  }

  @Test
  void filesAreCheckedAsTheirCreationByTheGivenUser() {
    String policy = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: who}
        spec:
          matchConstraints:
            resourceRules:
              - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
          matchConditions:
            - {name: not-admins, expression: "!('admins' in request.userInfo.groups)"}
          validations:
            - expression: "false"
              messageExpression: "request.operation + ' ' + request.resource.resource + ' '
                + request.namespace + '/' + request.name + ' by ' + request.userInfo.username
                + ' ' + request.userInfo.groups.join(',')"
        """;
    String cm = configMap("c", "x", "k");
    assertThat(messages(checkAs(policy, cm, "ana", List.of("devs")))).containsExactly(
        "ValidatingAdmissionPolicy 'who' denied request: CREATE configmaps tx-adm/c by ana"
            + " devs,system:authenticated");
    assertThat(checkAs(policy, cm, "root", List.of("admins"))).isEmpty();
    assertThat(checkAs(policy.replace("[CREATE]", "[UPDATE]"), cm, "ana", List.of()))
        .isEmpty();
  }
}
