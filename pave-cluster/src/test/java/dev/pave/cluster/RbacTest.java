package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RBAC decisions, their 403 messages, the access reviews and impersonation. */
class RbacTest {
  private static final String SA = "system:serviceaccount:tx-auth:app-sa";
  private Cluster cluster;
  private AuthHttp http;
  private String token;

  @BeforeEach
  void start() {
    cluster = Cluster.start();
    http = new AuthHttp(cluster);
    http.namespace("tx-auth", null);
    http.namespace("tx-auth-other", null);
    http.admin("POST", "/api/v1/namespaces/tx-auth/serviceaccounts",
        "{\"metadata\":{\"name\":\"app-sa\"}}");
    http.admin("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/tx-auth/roles",
        "{\"metadata\":{\"name\":\"cm-reader\"},\"rules\":[{\"apiGroups\":[\"\"],"
            + "\"resources\":[\"configmaps\"],\"verbs\":[\"get\",\"list\",\"watch\"]}]}");
    http.admin("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/tx-auth/rolebindings",
        "{\"metadata\":{\"name\":\"app-sa-cm-reader\"},\"roleRef\":{\"apiGroup\":"
            + "\"rbac.authorization.k8s.io\",\"kind\":\"Role\",\"name\":\"cm-reader\"},"
            + "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"app-sa\","
            + "\"namespace\":\"tx-auth\"}]}");
    token = http.admin("POST", "/api/v1/namespaces/tx-auth/serviceaccounts/app-sa/token",
        "{\"spec\":{}}").body().path("status").path("token").asText();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private AuthHttp.Answer asSa(String method, String path, String body) {
    return http.send(method, path, body, "Authorization", "Bearer " + token);
  }

  @Test
  void roleGrantsWhatItSaysAndNothingElse() {
    assertThat(asSa("GET", "/api/v1/namespaces/tx-auth/configmaps", null).status())
        .isEqualTo(200);
    AuthHttp.Answer missing = asSa("GET", "/api/v1/namespaces/tx-auth/configmaps/nope", null);
    assertThat(missing.status()).isEqualTo(404);

    AuthHttp.Answer secrets = asSa("GET", "/api/v1/namespaces/tx-auth/secrets", null);
    assertThat(secrets.status()).isEqualTo(403);
    assertThat(secrets.message()).isEqualTo("secrets is forbidden: User \"" + SA + "\" cannot "
        + "list resource \"secrets\" in API group \"\" in the namespace \"tx-auth\"");
    assertThat(secrets.body().path("details").toString()).isEqualTo("{\"kind\":\"secrets\"}");

    AuthHttp.Answer named = asSa("GET", "/api/v1/namespaces/tx-auth/secrets/x", null);
    assertThat(named.message()).startsWith("secrets \"x\" is forbidden: User \"" + SA
        + "\" cannot get resource");
    assertThat(asSa("POST", "/api/v1/namespaces/tx-auth/configmaps",
        "{\"metadata\":{\"name\":\"nope\"}}").status()).isEqualTo(403);
    assertThat(asSa("GET", "/api/v1/namespaces/tx-auth-other/configmaps", null).status())
        .isEqualTo(403);
    assertThat(asSa("GET", "/api/v1/namespaces", null).message()).isEqualTo("namespaces is "
        + "forbidden: User \"" + SA + "\" cannot list resource \"namespaces\" in API group "
        + "\"\" at the cluster scope");
  }

  @Test
  void anonymousIsForbiddenNotUnauthorized() {
    AuthHttp.Answer a = http.send("GET", "/api/v1/namespaces/tx-auth/configmaps", null);
    assertThat(a.status()).isEqualTo(403);
    assertThat(a.message()).startsWith("configmaps is forbidden: User \"system:anonymous\"");
  }

  @Test
  void accessReviewsNameTheGrant() {
    AuthHttp.Answer allowed = asSa("POST",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "{\"spec\":{"
            + "\"resourceAttributes\":{\"namespace\":\"tx-auth\",\"verb\":\"list\","
            + "\"resource\":\"configmaps\"}}}");
    assertThat(allowed.status()).isEqualTo(201);
    assertThat(allowed.body().path("status").toString()).isEqualTo("{\"allowed\":true,"
        + "\"reason\":\"RBAC: allowed by RoleBinding \\\"app-sa-cm-reader/tx-auth\\\" of Role "
        + "\\\"cm-reader\\\" to ServiceAccount \\\"app-sa/tx-auth\\\"\"}");
    AuthHttp.Answer denied = asSa("POST",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "{\"spec\":{"
            + "\"resourceAttributes\":{\"namespace\":\"tx-auth\",\"verb\":\"delete\","
            + "\"resource\":\"secrets\"}}}");
    assertThat(denied.body().path("status").toString()).isEqualTo("{\"allowed\":false}");
    AuthHttp.Answer healthz = asSa("POST",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "{\"spec\":{"
            + "\"nonResourceAttributes\":{\"path\":\"/healthz\",\"verb\":\"get\"}}}");
    assertThat(healthz.body().path("status").path("reason").asText()).isEqualTo("RBAC: allowed "
        + "by ClusterRoleBinding \"system:public-info-viewer\" of ClusterRole "
        + "\"system:public-info-viewer\" to Group \"system:authenticated\"");
    AuthHttp.Answer sar = http.admin("POST", "/apis/authorization.k8s.io/v1/"
        + "subjectaccessreviews", "{\"spec\":{\"user\":\"" + SA + "\",\"groups\":["
        + "\"system:serviceaccounts\"],\"resourceAttributes\":{\"namespace\":\"tx-auth\","
        + "\"verb\":\"list\",\"resource\":\"configmaps\"}}}");
    assertThat(sar.body().path("status").path("allowed").asBoolean()).isTrue();
  }

  @Test
  void rulesReviewListsDefaultsThenOwnRules() {
    AuthHttp.Answer a = asSa("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
        "{\"spec\":{\"namespace\":\"tx-auth\"}}");
    assertThat(a.status()).isEqualTo(201);
    assertThat(a.body().path("status").path("resourceRules").get(2).path("resources")
        .toString()).isEqualTo("[\"configmaps\"]");
    assertThat(a.body().path("status").path("nonResourceRules")).hasSize(4);
    AuthHttp.Answer none = asSa("POST",
        "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", "{\"spec\":{}}");
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.message()).isEqualTo("no namespace on request");
  }

  @Test
  void aggregatedClusterRoleGrantsThroughView() {
    http.admin("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        "{\"metadata\":{\"name\":\"secret-view\",\"labels\":{\"rbac.authorization.k8s.io/"
            + "aggregate-to-view\":\"true\"}},\"rules\":[{\"apiGroups\":[\"\"],\"resources\":"
            + "[\"secrets\"],\"verbs\":[\"list\"]}]}");
    http.admin("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/tx-auth/rolebindings",
        "{\"metadata\":{\"name\":\"jane-view\"},\"roleRef\":{\"apiGroup\":"
            + "\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"view\"},"
            + "\"subjects\":[{\"kind\":\"User\",\"name\":\"jane\"}]}");
    AuthHttp.Answer a = http.send("GET", "/api/v1/namespaces/tx-auth/secrets", null,
        "Authorization", "Bearer " + cluster.adminToken(), "Impersonate-User", "jane");
    assertThat(a.status()).isEqualTo(200);
    AuthHttp.Answer other = http.send("GET", "/api/v1/namespaces/tx-auth-other/secrets", null,
        "Authorization", "Bearer " + cluster.adminToken(), "Impersonate-User", "jane");
    assertThat(other.status()).isEqualTo(403);
  }

  @Test
  void impersonationActsAsTheNamedUserWhenAllowed() {
    String admin = "Bearer " + cluster.adminToken();
    assertThat(http.send("GET", "/api/v1/namespaces/tx-auth/configmaps", null,
        "Authorization", admin, "Impersonate-User", SA).status()).isEqualTo(200);
    assertThat(http.send("GET", "/api/v1/namespaces/tx-auth/secrets", null,
        "Authorization", admin, "Impersonate-User", SA).message()).contains("User \"" + SA);
    assertThat(http.send("GET", "/api/v1/namespaces/tx-auth/secrets", null,
        "Authorization", admin, "Impersonate-User", "jane", "Impersonate-Group",
        "system:masters").status()).isEqualTo(200);
    assertThat(http.send("GET", "/api/v1/namespaces/tx-auth/secrets", null,
        "Authorization", admin, "Impersonate-User", "jane").message())
        .startsWith("secrets is forbidden: User \"jane\" cannot list");
    AuthHttp.Answer noUser = http.send("GET", "/api/v1/namespaces/tx-auth/configmaps", null,
        "Authorization", admin, "Impersonate-Group", "system:masters");
    assertThat(noUser.status()).isEqualTo(400);
    assertThat(noUser.message()).isEqualTo("requested &user.DefaultInfo{Name:\"\", UID:\"\", "
        + "Groups:[]string{\"system:masters\"}, Extra:map[string][]string(nil)} without "
        + "impersonating a user name");
    AuthHttp.Answer bySa = http.send("GET", "/api/v1/namespaces/tx-auth/configmaps", null,
        "Authorization", "Bearer " + token, "Impersonate-User", "admin");
    assertThat(bySa.status()).isEqualTo(403);
    assertThat(bySa.message()).isEqualTo("configmaps is forbidden: User \"" + SA + "\" cannot "
        + "impersonate-on:user-info:list resource \"configmaps\" in API group \"\" in the "
        + "namespace \"tx-auth\"");
    AuthHttp.Answer whoami = http.send("POST",
        "/apis/authentication.k8s.io/v1/selfsubjectreviews", "{}", "Authorization", admin,
        "Impersonate-User", "jane", "Impersonate-Group", "g1");
    assertThat(whoami.body().path("status").path("userInfo").toString()).isEqualTo(
        "{\"username\":\"jane\",\"groups\":[\"g1\",\"system:authenticated\"]}");
  }
}
