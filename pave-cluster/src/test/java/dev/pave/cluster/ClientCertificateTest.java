package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The HTTPS front authenticates client certificates signed by the cluster's client CA as
 * kube-apiserver's x509 authenticator does, and still takes tokens and anonymous requests.
 */
class ClientCertificateTest {
  private static final String REVIEW = "{\"apiVersion\":\"authentication.k8s.io/v1\","
      + "\"kind\":\"SelfSubjectReview\"}";

  @Test
  void adminCertificateNamesUserGroupsAndCredentialId() throws Exception {
    try (Cluster c = Cluster.startTls(0, "t")) {
      RawHttp.Answer a = RawHttp.send(c.clientContext(true).getSocketFactory(), c.port(),
          "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
          Map.of("Content-Type", "application/json"), REVIEW.getBytes(StandardCharsets.UTF_8),
          5000);
      assertThat(a.status()).as(new String(a.body(), StandardCharsets.UTF_8)).isEqualTo(201);
      JsonNode user = Json.parse(a.body()).path("status").path("userInfo");
      assertThat(user.path("username").asText()).isEqualTo("admin");
      assertThat(user.path("groups").toString())
          .isEqualTo("[\"system:masters\",\"system:authenticated\"]");
      assertThat(user.path("extra").path(ClientCa.CREDENTIAL_ID).path(0).asText())
          .matches("X509SHA256=[0-9a-f]{64}");

      RawHttp.Answer anonymous = RawHttp.send(c.clientContext(false).getSocketFactory(),
          c.port(), "GET", "/api/v1/namespaces", Map.of(), null, 5000);
      assertThat(anonymous.status()).isEqualTo(403);
      RawHttp.Answer token = RawHttp.send(c.clientContext(false).getSocketFactory(), c.port(),
          "GET", "/api/v1/namespaces", Map.of("Authorization", "Bearer t"), null, 5000);
      assertThat(token.status()).isEqualTo(200);
      RawHttp.Answer badToken = RawHttp.send(c.clientContext(false).getSocketFactory(),
          c.port(), "GET", "/api/v1/namespaces", Map.of("Authorization", "Bearer nope"), null,
          5000);
      assertThat(badToken.status()).isEqualTo(401);
    }
  }
}
