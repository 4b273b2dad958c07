package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** fieldValidation=Strict|Warn|Ignore on built-in kinds, as writes.json records it. */
class FieldValidationTest {
  private static final String UNKNOWN = """
      {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s","bogusMeta":1},
       "data":{"a":"b"},"bogusTop":true}""";
  private Cluster cluster;

  @BeforeEach
  void start() {
    cluster = Cluster.start();
    assertThat(call("/api/v1/namespaces", "", "{\"metadata\":{\"name\":\"fv\"}}").status())
        .isEqualTo(201);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void strictRefusesEveryUnknownField() throws Exception {
    Response r = call("/api/v1/namespaces/fv/configmaps", "fieldValidation=Strict",
        UNKNOWN.formatted("strict"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(Json.parse(r.body()).path("message").asText()).isEqualTo("ConfigMap in version "
        + "\"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field "
        + "\"metadata.bogusMeta\", unknown field \"bogusTop\"");
  }

  @Test
  void warnIsTheDefaultAndDropsTheFields() throws Exception {
    Response r = call("/api/v1/namespaces/fv/configmaps", "", UNKNOWN.formatted("warned"));
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.warnings()).containsExactly("unknown field \"metadata.bogusMeta\"",
        "unknown field \"bogusTop\"");
    JsonNode o = Json.parse(r.body());
    assertThat(o.has("bogusTop")).isFalse();
    assertThat(o.path("metadata").has("bogusMeta")).isFalse();
  }

  @Test
  void ignoreDropsSilently() throws Exception {
    Response r = call("/api/v1/namespaces/fv/configmaps", "fieldValidation=Ignore",
        UNKNOWN.formatted("ignored"));
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.warnings()).isEmpty();
    assertThat(Json.parse(r.body()).has("bogusTop")).isFalse();
  }

  @Test
  void duplicateKeysAreNamedByPath() throws Exception {
    String body = "{\"metadata\":{\"name\":\"dupfield\"},\"data\":{\"a\":\"1\",\"a\":\"2\"}}";
    Response strict = call("/api/v1/namespaces/fv/configmaps", "fieldValidation=Strict", body);
    assertThat(strict.status()).isEqualTo(400);
    assertThat(Json.parse(strict.body()).path("message").asText()).isEqualTo("ConfigMap in "
        + "version \"v1\" cannot be handled as a ConfigMap: strict decoding error: duplicate "
        + "field \"data.a\"");
    Response warn = call("/api/v1/namespaces/fv/configmaps", "", body);
    assertThat(warn.status()).isEqualTo(201);
    assertThat(warn.warnings()).containsExactly("duplicate field \"data.a\"");
    assertThat(Json.parse(warn.body()).path("data").path("a").asText()).isEqualTo("2");
  }

  @Test
  void nestedTyposNameTheFullPath() throws Exception {
    Response r = call("/apis/apps/v1/namespaces/fv/deployments", "", """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web-fv"},
         "spec":{"selector":{"matchLabels":{"app":"w"}},"template":{"metadata":{"labels":
          {"app":"w"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27",
           "ports":[{"containerPort":8080}],"imagePullPolicyy":"Always"}]}}}}""");
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.warnings()).containsExactly(
        "unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"");
    assertThat(Json.parse(r.body()).path("spec").path("template").path("spec")
        .path("containers").get(0).path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
  }

  @Test
  void duplicatesInsideListsCarryTheIndex() {
    assertThat(FieldValidation.duplicates(
        "{\"a\":[{\"x\":1},{\"y\":1,\"y\":2}],\"b\":{\"c\":[1,2],\"d\":1,\"d\":2}}".getBytes()))
        .containsExactly("a[1].y", "b.d");
  }

  @Test
  void anUnknownModeIsRefused() throws Exception {
    Response r = call("/api/v1/namespaces/fv/configmaps", "fieldValidation=Loud",
        "{\"metadata\":{\"name\":\"loud\"}}");
    assertThat(r.status()).isEqualTo(422);
    assertThat(Json.parse(r.body()).path("message").asText()).isEqualTo("CreateOptions.meta.k8s.io "
        + "\"\" is invalid: fieldValidation: Unsupported value: \"Loud\": supported values: "
        + "\"Ignore\", \"Warn\", \"Strict\"");
  }

  private Response call(String path, String query, String body) {
    return cluster.handle(new Request("POST", path, Cluster.query(query),
        Map.of("content-type", "application/json"), body.getBytes(), User.ADMIN));
  }
}
