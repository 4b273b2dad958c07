package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ServiceAccount tokens: TokenRequest, what a token authenticates as, and when it stops. */
class TokensTest {
  private Cluster cluster;
  private AuthHttp http;

  @BeforeEach
  void start() {
    cluster = Cluster.start();
    http = new AuthHttp(cluster);
    http.namespace("tx-auth", null);
    http.admin("POST", "/api/v1/namespaces/tx-auth/serviceaccounts",
        "{\"metadata\":{\"name\":\"app-sa\"}}");
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private String token(String spec) {
    AuthHttp.Answer a = http.admin("POST",
        "/api/v1/namespaces/tx-auth/serviceaccounts/app-sa/token", "{\"apiVersion\":"
            + "\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":" + spec + "}");
    assertThat(a.status()).isEqualTo(201);
    return a.body().path("status").path("token").asText();
  }

  @Test
  void tokenRequestAnswersAsRecorded() {
    AuthHttp.Answer a = http.admin("POST",
        "/api/v1/namespaces/tx-auth/serviceaccounts/app-sa/token",
        "{\"kind\":\"TokenRequest\",\"spec\":{\"expirationSeconds\":3600}}");
    assertThat(a.status()).isEqualTo(201);
    assertThat(a.body().path("kind").asText()).isEqualTo("TokenRequest");
    assertThat(a.body().path("metadata").path("name").asText()).isEqualTo("app-sa");
    assertThat(a.body().path("spec").path("audiences").get(0).asText())
        .isEqualTo("https://kubernetes.default.svc.cluster.local");
    assertThat(a.body().path("spec").path("boundObjectRef").isNull()).isTrue();
    assertThat(a.body().path("status").path("token").asText().split("\\.")).hasSize(3);
    assertThat(a.body().path("status").path("expirationTimestamp").asText()).endsWith("Z");
  }

  @Test
  void tooShortAndMissingServiceAccountAreRefused() {
    AuthHttp.Answer shortOne = http.admin("POST",
        "/api/v1/namespaces/tx-auth/serviceaccounts/app-sa/token",
        "{\"spec\":{\"expirationSeconds\":60}}");
    assertThat(shortOne.status()).isEqualTo(422);
    assertThat(shortOne.message()).isEqualTo("TokenRequest.authentication.k8s.io \"\" is "
        + "invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less "
        + "than 10 minutes");
    AuthHttp.Answer missing = http.admin("POST",
        "/api/v1/namespaces/tx-auth/serviceaccounts/nope/token", "{\"spec\":{}}");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.message()).isEqualTo("serviceaccounts \"nope\" not found");
  }

  @Test
  void tokenAuthenticatesAsTheServiceAccountUntilItIsDeleted() {
    String token = token("{}");
    AuthHttp.Answer who = http.send("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        "{\"kind\":\"SelfSubjectReview\"}", "Authorization", "Bearer " + token);
    assertThat(who.status()).isEqualTo(201);
    assertThat(who.body().path("status").path("userInfo").path("username").asText())
        .isEqualTo("system:serviceaccount:tx-auth:app-sa");
    assertThat(who.body().path("status").path("userInfo").path("groups").toString())
        .isEqualTo("[\"system:serviceaccounts\",\"system:serviceaccounts:tx-auth\","
            + "\"system:authenticated\"]");
    assertThat(who.body().path("status").path("userInfo").path("extra")
        .path("authentication.kubernetes.io/credential-id").get(0).asText()).startsWith("JTI=");

    http.admin("DELETE", "/api/v1/namespaces/tx-auth/serviceaccounts/app-sa", null);
    AuthHttp.Answer after = http.send("GET", "/api/v1/namespaces/tx-auth/configmaps", null,
        "Authorization", "Bearer " + token);
    assertThat(after.status()).isEqualTo(401);
  }

  @Test
  void garbageAndOtherAudienceTokensAreUnauthorized() {
    String other = token("{\"audiences\":[\"https://other.example.com\"]}");
    for (String t : new String[] {"garbage", other}) {
      AuthHttp.Answer a = http.send("GET", "/api/v1/namespaces/tx-auth/configmaps", null,
          "Authorization", "Bearer " + t);
      assertThat(a.status()).isEqualTo(401);
      assertThat(a.body().toString()).isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
          + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"Unauthorized\","
          + "\"reason\":\"Unauthorized\",\"code\":401}");
    }
  }

  @Test
  void tokenReviewSaysWhoATokenIs() {
    String token = token("{}");
    AuthHttp.Answer good = http.admin("POST", "/apis/authentication.k8s.io/v1/tokenreviews",
        "{\"kind\":\"TokenReview\",\"spec\":{\"token\":\"" + token + "\"}}");
    assertThat(good.status()).isEqualTo(201);
    assertThat(good.body().path("status").path("authenticated").asBoolean()).isTrue();
    assertThat(good.body().path("status").path("user").path("username").asText())
        .isEqualTo("system:serviceaccount:tx-auth:app-sa");
    assertThat(good.body().path("status").path("audiences").get(0).asText())
        .isEqualTo("https://kubernetes.default.svc.cluster.local");
    AuthHttp.Answer bad = http.admin("POST", "/apis/authentication.k8s.io/v1/tokenreviews",
        "{\"kind\":\"TokenReview\",\"spec\":{\"token\":\"garbage\"}}");
    assertThat(bad.body().path("status").toString())
        .isEqualTo("{\"user\":{},\"error\":\"invalid bearer token\"}");
  }
}
