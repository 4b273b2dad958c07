package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP front: authentication, plain and streamed answers, as clients meet them. */
class HttpFrontTest {
  @Test
  void createsReadsAndStreamsOverHttp() throws Exception {
    try (Cluster c = Cluster.start()) {
      Map<String, String> admin = Map.of("Authorization", "Bearer " + c.adminToken(),
          "Content-Type", "application/json", "Accept", "application/json");
      RawHttp.Answer ns = RawHttp.send(c.port(), "POST", "/api/v1/namespaces", admin,
          "{\"metadata\":{\"name\":\"a\"}}".getBytes(StandardCharsets.UTF_8), 5000);
      assertThat(ns.status()).as(new String(ns.body(), StandardCharsets.UTF_8)).isEqualTo(201);
      RawHttp.Answer cm = RawHttp.send(c.port(), "POST", "/api/v1/namespaces/a/configmaps",
          admin, "{\"metadata\":{\"name\":\"x\"},\"data\":{\"k\":\"v\"}}"
              .getBytes(StandardCharsets.UTF_8), 5000);
      assertThat(cm.status()).isEqualTo(201);
      JsonNode created = Json.parse(cm.body());
      assertThat(created.path("kind").asText()).isEqualTo("ConfigMap");
      RawHttp.Answer watch = RawHttp.send(c.port(), "GET",
          "/api/v1/namespaces/a/configmaps?watch=true&timeoutSeconds=1", admin, null, 3000);
      assertThat(watch.status()).isEqualTo(200);
      assertThat(new String(watch.body(), StandardCharsets.UTF_8))
          .contains("\"type\":\"ADDED\"").contains("\"name\":\"x\"");
      RawHttp.Answer anonymous = RawHttp.send(c.port(), "GET", "/api/v1/namespaces/a/configmaps",
          Map.of(), null, 3000);
      assertThat(anonymous.status()).isEqualTo(403);
      RawHttp.Answer badToken = RawHttp.send(c.port(), "GET", "/api/v1/namespaces",
          Map.of("Authorization", "Bearer nope"), null, 3000);
      assertThat(badToken.status()).isEqualTo(401);
      assertThat(c.requests()).containsEntry("POST namespaces", 1L)
          .containsEntry("POST configmaps", 1L).containsEntry("WATCH configmaps", 1L)
          .containsEntry("LIST configmaps", 1L).containsEntry("LIST namespaces", 1L);
      c.resetRequests();
      assertThat(c.requests()).isEmpty();
    }
  }
}
