package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ValidatingAdmissionPolicy with CEL validations under Deny, Warn and Audit bindings. */
class AdmissionPoliciesTest {
  private static final String VAP = "/apis/admissionregistration.k8s.io/v1/";
  private Cluster cluster;
  private AuthHttp http;

  @BeforeEach
  void start() {
    cluster = Cluster.start();
    http = new AuthHttp(cluster);
    http.namespace("tx-adm", "{\"tx-adm\":\"yes\"}");
    AuthHttp.Answer policy = http.admin("POST", VAP + "validatingadmissionpolicies",
        "{\"metadata\":{\"name\":\"tx-no-forbidden-key\"},\"spec\":{\"failurePolicy\":\"Fail\","
            + "\"matchConstraints\":{\"resourceRules\":[{\"apiGroups\":[\"\"],\"apiVersions\":"
            + "[\"v1\"],\"operations\":[\"CREATE\",\"UPDATE\"],\"resources\":[\"configmaps\"]}]},"
            + "\"validations\":[{\"expression\":\"!has(object.data) || !('forbidden' in "
            + "object.data)\",\"message\":\"data must not contain the key 'forbidden'\","
            + "\"reason\":\"Forbidden\"},{\"expression\":\"object.metadata.name.size() <= 20\","
            + "\"messageExpression\":\"'name ' + object.metadata.name + ' is longer than 20 "
            + "characters'\",\"reason\":\"Invalid\"}]}}");
    assertThat(policy.status()).isEqualTo(201);
    assertThat(policy.body().path("spec").path("matchConstraints").path("matchPolicy").asText())
        .isEqualTo("Equivalent");
    for (String action : new String[] {"Deny", "Warn", "Audit"}) {
      AuthHttp.Answer b = http.admin("POST", VAP + "validatingadmissionpolicybindings",
          "{\"metadata\":{\"name\":\"tx-vap-" + action.toLowerCase() + "\"},\"spec\":{"
              + "\"policyName\":\"tx-no-forbidden-key\",\"validationActions\":[\"" + action
              + "\"],\"matchResources\":{\"namespaceSelector\":{\"matchLabels\":{\"tx-adm\":"
              + "\"yes\"}},\"objectSelector\":{\"matchLabels\":{\"vap\":\""
              + action.toLowerCase() + "\"}}}}}");
      assertThat(b.status()).isEqualTo(201);
    }
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private AuthHttp.Answer configMap(String name, String vap, String data) {
    return http.admin("POST", "/api/v1/namespaces/tx-adm/configmaps", "{\"metadata\":{"
        + "\"name\":\"" + name + "\",\"labels\":{\"vap\":\"" + vap + "\"}},\"data\":" + data
        + "}");
  }

  @Test
  void denyAnswersWithTheValidationsReasonAndMessage() {
    AuthHttp.Answer a = configMap("v1", "deny", "{\"forbidden\":\"x\"}");
    assertThat(a.status()).isEqualTo(403);
    String text = "ValidatingAdmissionPolicy 'tx-no-forbidden-key' with binding 'tx-vap-deny' "
        + "denied request: data must not contain the key 'forbidden'";
    assertThat(a.message()).isEqualTo("configmaps \"v1\" is forbidden: " + text);
    assertThat(a.body().path("details").toString()).isEqualTo("{\"name\":\"v1\",\"kind\":"
        + "\"configmaps\",\"causes\":[{\"message\":\"" + text + "\"}]}");
    AuthHttp.Answer long422 = configMap("a-very-long-configmap-name", "deny", "{\"ok\":\"1\"}");
    assertThat(long422.status()).isEqualTo(422);
    assertThat(long422.body().path("reason").asText()).isEqualTo("Invalid");
    assertThat(long422.message()).endsWith("denied request: name a-very-long-configmap-name is "
        + "longer than 20 characters");
    assertThat(configMap("v5", "deny", "{\"fine\":\"1\"}").status()).isEqualTo(201);
  }

  @Test
  void warnAndAuditLetTheWriteThrough() {
    AuthHttp.Answer warn = configMap("v2", "warn", "{\"forbidden\":\"x\"}");
    assertThat(warn.status()).isEqualTo(201);
    assertThat(warn.warnings()).containsExactly("299 - \"Validation failed for "
        + "ValidatingAdmissionPolicy 'tx-no-forbidden-key' with binding 'tx-vap-warn': data "
        + "must not contain the key 'forbidden'\"");
    AuthHttp.Answer audit = configMap("v3", "audit", "{\"forbidden\":\"x\"}");
    assertThat(audit.status()).isEqualTo(201);
    assertThat(audit.warnings()).isEmpty();
  }

  @Test
  void typeCheckerRecordsTheGenerationItChecked() throws InterruptedException {
    String path = VAP + "validatingadmissionpolicies/tx-no-forbidden-key";
    AuthHttp.Answer a = http.admin("GET", path, null);
    for (int i = 0; i < 50 && !a.body().path("status").has("observedGeneration"); i++) {
      Thread.sleep(50);
      a = http.admin("GET", path, null);
    }
    assertThat(a.body().path("status").toString()).isEqualTo("{\"observedGeneration\":1,"
        + "\"typeChecking\":{}}");
  }

  @Test
  void denyAndWarnTogetherIsInvalid() {
    AuthHttp.Answer a = http.admin("POST", VAP + "validatingadmissionpolicybindings",
        "{\"metadata\":{\"name\":\"tx-vap-deny-warn\"},\"spec\":{\"policyName\":"
            + "\"tx-no-forbidden-key\",\"validationActions\":[\"Deny\",\"Warn\"]}}");
    assertThat(a.status()).isEqualTo(422);
    assertThat(a.message()).isEqualTo("ValidatingAdmissionPolicyBinding.admissionregistration."
        + "k8s.io \"tx-vap-deny-warn\" is invalid: spec.validationActions: Invalid value: "
        + "[\"Deny\",\"Warn\"]: must not contain both Deny and Warn (repeating the same "
        + "validation failure information in the API response and headers serves no purpose)");
  }
}
