package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pod Security admission: enforce, warn, templates and namespace labels. */
class PodSecurityTest {
  private static final String PRIVILEGED = "{\"containers\":[{\"name\":\"c\",\"image\":"
      + "\"nginx:1.27\",\"securityContext\":{\"privileged\":true}}]}";
  private static final String RESTRICTED_FAILURES = "privileged (container \"c\" must not set "
      + "securityContext.privileged=true), allowPrivilegeEscalation != false (container \"c\" "
      + "must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities "
      + "(container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot "
      + "!= true (pod or container \"c\" must set securityContext.runAsNonRoot=true), "
      + "seccompProfile (pod or container \"c\" must set securityContext.seccompProfile.type "
      + "to \"RuntimeDefault\" or \"Localhost\")";
  private Cluster cluster;
  private AuthHttp http;

  @BeforeEach
  void start() {
    cluster = Cluster.start();
    http = new AuthHttp(cluster);
    http.namespace("tx-psa-enforce", "{\"pod-security.kubernetes.io/enforce\":\"restricted\","
        + "\"pod-security.kubernetes.io/warn\":\"restricted\"}");
    http.namespace("tx-psa-warn", "{\"pod-security.kubernetes.io/warn\":\"baseline\"}");
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private AuthHttp.Answer pod(String ns, String name, String spec) {
    return http.admin("POST", "/api/v1/namespaces/" + ns + "/pods", "{\"metadata\":{\"name\":\""
        + name + "\"},\"spec\":" + spec + "}");
  }

  private AuthHttp.Answer deployment(String ns) {
    return http.admin("POST", "/apis/apps/v1/namespaces/" + ns + "/deployments",
        "{\"metadata\":{\"name\":\"priv\"},\"spec\":{\"replicas\":1,\"selector\":{"
            + "\"matchLabels\":{\"app\":\"priv\"}},\"template\":{\"metadata\":{\"labels\":{"
            + "\"app\":\"priv\"}},\"spec\":" + PRIVILEGED + "}}}");
  }

  @Test
  void enforceRefusesPodsWithEveryFailedCheck() {
    AuthHttp.Answer a = pod("tx-psa-enforce", "p1", PRIVILEGED);
    assertThat(a.status()).isEqualTo(403);
    assertThat(a.message()).isEqualTo("pods \"p1\" is forbidden: violates PodSecurity "
        + "\"restricted:latest\": " + RESTRICTED_FAILURES);
    assertThat(a.body().path("details").toString()).isEqualTo("{\"name\":\"p1\",\"kind\":"
        + "\"pods\"}");
  }

  @Test
  void restrictedPodPasses() {
    AuthHttp.Answer a = pod("tx-psa-enforce", "ok", "{\"securityContext\":{\"runAsNonRoot\":"
        + "true,\"seccompProfile\":{\"type\":\"RuntimeDefault\"}},\"containers\":[{\"name\":"
        + "\"c\",\"image\":\"nginx\",\"securityContext\":{\"allowPrivilegeEscalation\":false,"
        + "\"capabilities\":{\"drop\":[\"ALL\"]}}}]}");
    assertThat(a.status()).isEqualTo(201);
    assertThat(a.warnings()).isEmpty();
  }

  @Test
  void workloadsOnlyWarn() {
    AuthHttp.Answer a = deployment("tx-psa-enforce");
    assertThat(a.status()).isEqualTo(201);
    assertThat(a.warnings()).containsExactly("299 - \"would violate PodSecurity "
        + "\\\"restricted:latest\\\": " + RESTRICTED_FAILURES.replace("\"", "\\\"") + "\"");
  }

  @Test
  void warnLevelWarnsAndCreates() {
    AuthHttp.Answer a = pod("tx-psa-warn", "p2", PRIVILEGED);
    assertThat(a.status()).isEqualTo(201);
    assertThat(a.warnings()).containsExactly("299 - \"would violate PodSecurity "
        + "\\\"baseline:latest\\\": privileged (container \\\"c\\\" must not set "
        + "securityContext.privileged=true)\"");
    assertThat(deployment("tx-psa-warn").warnings()).hasSize(1);
  }

  @Test
  void namespaceLabelsAreCheckedAndNewEnforceLevelsNameViolatingPods() {
    pod("tx-psa-warn", "p2", PRIVILEGED);
    pod("tx-psa-warn", "p3", PRIVILEGED);
    AuthHttp.Answer a = http.admin("PATCH", "/api/v1/namespaces/tx-psa-warn",
        "{\"metadata\":{\"labels\":{\"pod-security.kubernetes.io/enforce\":\"restricted\"}}}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.warnings()).containsExactly("299 - \"existing pods in namespace "
        + "\\\"tx-psa-warn\\\" violate the new PodSecurity enforce level "
        + "\\\"restricted:latest\\\"\"", "299 - \"p2 (and 1 other pod): privileged, "
        + "allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, "
        + "seccompProfile\"");
    AuthHttp.Answer bad = http.admin("PATCH", "/api/v1/namespaces/tx-psa-warn",
        "{\"metadata\":{\"labels\":{\"pod-security.kubernetes.io/enforce\":\"super-strict\"}}}");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.message()).isEqualTo("Namespace \"tx-psa-warn\" is invalid: metadata.labels"
        + "[pod-security.kubernetes.io/enforce]: Invalid value: \"super-strict\": must be one "
        + "of privileged, baseline, restricted");
  }
}
