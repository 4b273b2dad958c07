package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The recorded Widget CRD's schema: pruning, defaults, validation and CEL rules. */
class CustomSchemaTest {
  private static final String WIDGETS = "/apis/tx.example.com/v1/namespaces/cs/widgets";
  private Cluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = Cluster.start();
    assertThat(call("POST", "/api/v1/namespaces", "", "{\"metadata\":{\"name\":\"cs\"}}")
        .status()).isEqualTo(201);
    JsonNode crd = Recordings.load("subresources.json").get(0).json().path("request")
        .path("body");
    assertThat(call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "",
        crd.toString()).status()).isEqualTo(201);
    long until = System.currentTimeMillis() + 5000;
    while (call("GET", WIDGETS, "", "").status() != 200) {
      assertThat(System.currentTimeMillis()).isLessThan(until);
      Thread.sleep(20);
    }
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void defaultsAreFilledAndAnExplicitNullGivesWayToTheDefault() throws Exception {
    JsonNode w = ok(call("POST", WIDGETS, "", widget("w-def",
        "{\"size\":\"medium\",\"color\":null,\"ports\":[{\"name\":\"http\",\"port\":80}]}")));
    assertThat(w.path("spec").toString()).isEqualTo("{\"size\":\"medium\",\"color\":\"blue\","
        + "\"ports\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"TCP\"}],\"replicas\":1,"
        + "\"minReplicas\":0}");
    assertThat(ok(call("GET", WIDGETS + "/w-def", "", "")).path("spec").path("replicas")
        .asInt()).isEqualTo(1);
  }

  @Test
  void schemaViolationsAreCausesAndHoldBackTheRules() throws Exception {
    JsonNode s = refused(call("POST", WIDGETS, "", widget("w-bad",
        "{\"replicas\":\"three\",\"color\":5}")), 422);
    assertThat(s.path("message").asText()).isEqualTo("Widget.tx.example.com \"w-bad\" is "
        + "invalid: [spec.color: Invalid value: \"integer\": spec.color in body must be of type "
        + "string: \"integer\", spec.replicas: Invalid value: \"string\": spec.replicas in body "
        + "must be of type integer: \"string\", spec.size: Required value, <nil>: Invalid value: "
        + "null: some validation rules were not checked because the object was invalid; "
        + "correct the existing errors to complete validation]");
    JsonNode s2 = refused(call("POST", WIDGETS, "", widget("w-bad2",
        "{\"size\":\"huge\",\"replicas\":42}")), 422);
    assertThat(s2.path("message").asText()).isEqualTo("Widget.tx.example.com \"w-bad2\" is "
        + "invalid: [spec.size: Unsupported value: \"huge\": supported values: \"small\", "
        + "\"medium\", \"large\", spec.replicas: Invalid value: 42: spec.replicas in body should "
        + "be less than or equal to 10, <nil>: Invalid value: null: some validation rules were "
        + "not checked because the object was invalid; correct the existing errors to complete "
        + "validation]");
    assertThat(s2.path("details").path("causes").get(0).path("reason").asText())
        .isEqualTo("FieldValueNotSupported");
  }

  @Test
  void celRulesAnswerWithTheirMessagesReasonsAndPaths() throws Exception {
    assertThat(refused(call("POST", WIDGETS, "", widget("w-cel",
        "{\"size\":\"small\",\"replicas\":1,\"minReplicas\":3}")), 422).path("message").asText())
        .isEqualTo("Widget.tx.example.com \"w-cel\" is invalid: spec: Invalid value: "
            + "minReplicas must not exceed replicas");
    JsonNode s = refused(call("POST", WIDGETS, "", widget("w-cel2",
        "{\"size\":\"small\",\"tags\":[\"a\",\"b\",\"c\",\"d\"]}")), 422);
    JsonNode cause = s.path("details").path("causes").get(0);
    assertThat(cause.path("reason").asText()).isEqualTo("FieldValueForbidden");
    assertThat(cause.path("field").asText()).isEqualTo("spec.tags");
    assertThat(cause.path("message").asText())
        .isEqualTo("Forbidden: size small allows at most 3 tags");
  }

  @Test
  void transitionRulesHoldOnlyOnUpdate() throws Exception {
    assertThat(call("POST", WIDGETS, "", widget("w-immut",
        "{\"size\":\"small\",\"selector\":{\"app\":\"a\"}}")).status()).isEqualTo(201);
    JsonNode s = refused(cluster.handle(new Request("PATCH", WIDGETS + "/w-immut", Map.of(),
        Map.of("content-type", "application/merge-patch+json"),
        "{\"spec\":{\"selector\":{\"app\":\"b\"}}}".getBytes(), User.ADMIN)), 422);
    assertThat(s.path("message").asText()).isEqualTo("Widget.tx.example.com \"w-immut\" is "
        + "invalid: spec.selector: Invalid value: selector is immutable");
    assertThat(cluster.handle(new Request("PATCH", WIDGETS + "/w-immut", Map.of(),
        Map.of("content-type", "application/merge-patch+json"),
        "{\"spec\":{\"color\":\"red\"}}".getBytes(), User.ADMIN)).status()).isEqualTo(200);
  }

  @Test
  void listTypesRefuseDuplicates() throws Exception {
    assertThat(refused(call("POST", WIDGETS, "", widget("w-set",
        "{\"size\":\"small\",\"tags\":[\"a\",\"a\"]}")), 422).path("message").asText())
        .isEqualTo("Widget.tx.example.com \"w-set\" is invalid: spec.tags[1]: Duplicate value: "
            + "\"a\"");
    assertThat(refused(call("POST", WIDGETS, "", widget("w-map",
        "{\"size\":\"small\",\"ports\":[{\"name\":\"http\",\"port\":80},"
            + "{\"name\":\"http\",\"port\":81}]}")), 422).path("message").asText())
        .isEqualTo("Widget.tx.example.com \"w-map\" is invalid: spec.ports[1]: Duplicate value: "
            + "{\"name\":\"http\"}");
  }

  @Test
  void statusIsValidatedAgainstItsOwnSchemaAndScalePaths() throws Exception {
    assertThat(call("POST", WIDGETS, "", widget("w1", "{\"size\":\"small\",\"replicas\":2}"))
        .status()).isEqualTo(201);
    JsonNode s = refused(cluster.handle(new Request("PATCH", WIDGETS + "/w1/status", Map.of(),
        Map.of("content-type", "application/merge-patch+json"),
        "{\"status\":{\"replicas\":\"many\"}}".getBytes(), User.ADMIN)), 422);
    assertThat(s.path("message").asText()).isEqualTo("Widget.tx.example.com \"w1\" is invalid: "
        + "[status.replicas: Invalid value: \"string\": replicas in body must be of type "
        + "integer: \"string\", .status.replicas: Invalid value: 0: .status.replicas accessor "
        + "error: many is of the type string, expected int64, <nil>: Invalid value: null: some "
        + "validation rules were not checked because the object was invalid; correct the "
        + "existing errors to complete validation]");
  }

  @Test
  void unknownFieldsArePrunedWithAWarning() throws Exception {
    Response r = call("POST", WIDGETS, "", widget("w-unknown",
        "{\"size\":\"small\",\"colour\":\"red\"}"));
    assertThat(ok(r).path("spec").has("colour")).isFalse();
    assertThat(r.warnings()).containsExactly("unknown field \"spec.colour\"");
    JsonNode s = refused(call("POST", WIDGETS, "fieldValidation=Strict", widget("w-unknown2",
        "{\"size\":\"small\",\"colour\":\"red\"}")), 400);
    assertThat(s.path("message").asText()).isEqualTo("Widget in version \"v1\" cannot be "
        + "handled as a Widget: strict decoding error: unknown field \"spec.colour\"");
  }

  @Test
  void anUpdateIsNotRefusedForAValueItLeavesAsItWas() throws Exception {
    assertThat(call("POST", WIDGETS, "", widget("w-old", "{\"size\":\"small\"}")).status())
        .isEqualTo(201);
    // An object stored before its schema said otherwise: written past validation.
    String key = "tx.example.com/widgets/cs/w-old";
    com.fasterxml.jackson.databind.node.ObjectNode stored = cluster.store().get(key);
    ((com.fasterxml.jackson.databind.node.ObjectNode) stored.get("spec")).put("color", 5);
    cluster.store().put(key, stored);
    Response labelled = cluster.handle(new Request("PATCH", WIDGETS + "/w-old", Map.of(),
        Map.of("content-type", "application/merge-patch+json"),
        "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}".getBytes(), User.ADMIN));
    assertThat(labelled.status()).as(new String(labelled.body())).isEqualTo(200);
    JsonNode s = refused(cluster.handle(new Request("PATCH", WIDGETS + "/w-old", Map.of(),
        Map.of("content-type", "application/merge-patch+json"),
        "{\"spec\":{\"color\":6}}".getBytes(), User.ADMIN)), 422);
    assertThat(s.path("details").path("causes").get(0).path("field").asText())
        .isEqualTo("spec.color");
  }

  @Test
  void causeFieldsLeadBackToTheirValues() {
    JsonNode o = Json.MAPPER.createObjectNode().set("spec", Json.MAPPER.createObjectNode()
        .set("ports", Json.array().add(Json.object().put("name", "a"))
            .add(Json.object().put("name", "b"))));
    assertThat(CustomSchema.at(o, "spec.ports[1].name").asText()).isEqualTo("b");
    assertThat(CustomSchema.at(o, "spec.size").isMissingNode()).isTrue();
  }

  private static String widget(String name, String spec) {
    return "{\"apiVersion\":\"tx.example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\""
        + name + "\"},\"spec\":" + spec + "}";
  }

  private Response call(String method, String path, String query, String body) {
    return cluster.handle(new Request(method, path, Cluster.query(query),
        Map.of("content-type", "application/json"), body.getBytes(), User.ADMIN));
  }

  private static JsonNode ok(Response r) throws Exception {
    JsonNode n = Json.parse(r.body());
    assertThat(r.status()).as(n.toString()).isLessThan(300);
    return n;
  }

  private static JsonNode refused(Response r, int status) throws Exception {
    JsonNode n = Json.parse(r.body());
    assertThat(r.status()).as(n.toString()).isEqualTo(status);
    return n;
  }
}
