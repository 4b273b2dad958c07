package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Built-in kinds' validation, worded as the recorded v1.36.2 server words it. */
class ValidationTest {
  private static final String DEPLOYMENT = """
      {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s"},
       "spec":{"replicas":%d,%s"template":{"metadata":{"labels":{"app":"%s"}},
        "spec":{"containers":[{"name":"%s","image":"nginx:1.27"}]}}%s}}""";
  private Cluster cluster;

  @BeforeEach
  void start() {
    cluster = Cluster.start();
    assertThat(call("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"v\"}}").status())
        .isEqualTo(201);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aSpecThatIsNotAnObjectIsRefusedAsTheDecoderRefusesIt() throws Exception {
    JsonNode s = refused(call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\","
        + "\"metadata\":{\"name\":\"texts.tx.example.com\"},\"spec\":\"a CRD\"}"), 400);
    assertThat(s.path("message").asText()).isEqualTo("CustomResourceDefinition in version "
        + "\"v1\" cannot be handled as a CustomResourceDefinition: json: cannot unmarshal string "
        + "into Go struct field CustomResourceDefinition.spec of type "
        + "v1.CustomResourceDefinitionSpec");
    assertThat(s.path("reason").asText()).isEqualTo("BadRequest");
    s = refused(call("POST", "/apis/apps/v1/namespaces/v/deployments",
        "{\"metadata\":{\"name\":\"d\"},\"spec\":[1]}"), 400);
    assertThat(s.path("message").asText()).endsWith("json: cannot unmarshal array into Go "
        + "struct field Deployment.spec of type v1.DeploymentSpec");
  }

  @Test
  void namespaceNameMustBeAnRfc1123Label() throws Exception {
    JsonNode s = refused(call("POST", "/api/v1/namespaces",
        "{\"metadata\":{\"name\":\"TX_Bad.Name\"}}"), 422);
    assertThat(s.path("message").asText()).isEqualTo("Namespace \"TX_Bad.Name\" is invalid: "
        + "metadata.name: Invalid value: \"TX_Bad.Name\": a lowercase RFC 1123 label must "
        + "consist of lower case alphanumeric characters or '-', and must start and end with an "
        + "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    assertThat(s.path("details").path("causes").get(0).path("reason").asText())
        .isEqualTo("FieldValueInvalid");
  }

  @Test
  void configMapNameMustBeASubdomain() throws Exception {
    JsonNode s = refused(call("POST", "/api/v1/namespaces/v/configmaps",
        "{\"metadata\":{\"name\":\"Bad_Name\"}}"), 422);
    assertThat(s.path("message").asText()).contains("a lowercase RFC 1123 subdomain");
    assertThat(call("POST", "/api/v1/namespaces/v/configmaps",
        "{\"metadata\":{\"name\":\"a.b-c\"}}").status()).isEqualTo(201);
  }

  @Test
  void deploymentWithoutSelectorNamesBothProblems() throws Exception {
    JsonNode s = refused(call("POST", "/apis/apps/v1/namespaces/v/deployments",
        DEPLOYMENT.formatted("v-nosel", 1, "", "v-nosel", "web", "")), 422);
    assertThat(s.path("message").asText()).isEqualTo("Deployment.apps \"v-nosel\" is invalid: "
        + "[spec.selector: Required value, spec.template.metadata.labels: Invalid value: "
        + "{\"app\":\"v-nosel\"}: `selector` does not match template `labels`]");
  }

  @Test
  void deploymentChecksReplicasContainersAndStrategy() throws Exception {
    String selector = "\"selector\":{\"matchLabels\":{\"app\":\"x\"}},";
    assertThat(refused(call("POST", "/apis/apps/v1/namespaces/v/deployments",
        DEPLOYMENT.formatted("v-neg", -1, selector, "x", "web", "")), 422)
        .path("message").asText()).isEqualTo("Deployment.apps \"v-neg\" is invalid: "
        + "spec.replicas: Invalid value: -1: must be greater than or equal to 0");
    assertThat(refused(call("POST", "/apis/apps/v1/namespaces/v/deployments",
        DEPLOYMENT.formatted("v-badname", 1, selector, "x", "Web_1", "")), 422)
        .path("details").path("causes").get(0).path("field").asText())
        .isEqualTo("spec.template.spec.containers[0].name");
    assertThat(refused(call("POST", "/apis/apps/v1/namespaces/v/deployments",
        DEPLOYMENT.formatted("v-strategy", 1, selector, "x", "web",
            ",\"strategy\":{\"type\":\"Recreate\",\"rollingUpdate\":{\"maxSurge\":1}}")), 422)
        .path("message").asText()).endsWith("spec.strategy.rollingUpdate: Forbidden: may not be "
        + "specified when strategy `type` is 'Recreate'");
    assertThat(refused(call("POST", "/apis/apps/v1/namespaces/v/deployments",
        DEPLOYMENT.formatted("v-surge0", 1, selector, "x", "web",
            ",\"strategy\":{\"rollingUpdate\":{\"maxSurge\":0,\"maxUnavailable\":0}}")), 422)
        .path("message").asText()).endsWith("spec.strategy.rollingUpdate.maxUnavailable: "
        + "Invalid value: 0: may not be 0 when `maxSurge` is 0");
  }

  @Test
  void deploymentSelectorIsImmutable() throws Exception {
    String selector = "\"selector\":{\"matchLabels\":{\"app\":\"x\"}},";
    assertThat(call("POST", "/apis/apps/v1/namespaces/v/deployments",
        DEPLOYMENT.formatted("imm", 1, selector, "x", "web", "")).status()).isEqualTo(201);
    JsonNode s = refused(call("PUT", "/apis/apps/v1/namespaces/v/deployments/imm",
        DEPLOYMENT.formatted("imm", 1, "\"selector\":{\"matchLabels\":{\"app\":\"y\"}},", "y",
            "web", "")), 422);
    assertThat(s.path("message").asText()).isEqualTo("Deployment.apps \"imm\" is invalid: "
        + "spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"y\"}}: field is immutable");
  }

  @Test
  void serviceClusterIpMayNotChange() throws Exception {
    assertThat(call("POST", "/api/v1/namespaces/v/services", """
        {"metadata":{"name":"svc"},"spec":{"ports":[{"port":80}]}}""").status()).isEqualTo(201);
    JsonNode s = refused(call("PUT", "/api/v1/namespaces/v/services/svc", """
        {"metadata":{"name":"svc"},"spec":{"ports":[{"port":80}],
         "clusterIP":"10.96.33.243","clusterIPs":["10.96.33.243"]}}"""), 422);
    assertThat(s.path("message").asText()).isEqualTo("Service \"svc\" is invalid: "
        + "spec.clusterIPs[0]: Invalid value: [\"10.96.33.243\"]: may not change once set");
  }

  @Test
  void immutableConfigMapRefusesDataChanges() throws Exception {
    assertThat(call("POST", "/api/v1/namespaces/v/configmaps",
        "{\"metadata\":{\"name\":\"frozen\"},\"data\":{\"a\":\"1\"},\"immutable\":true}")
        .status()).isEqualTo(201);
    JsonNode s = refused(cluster.handle(new Request("PATCH",
        "/api/v1/namespaces/v/configmaps/frozen", Map.of(),
        Map.of("content-type", "application/merge-patch+json"),
        "{\"data\":{\"a\":\"2\"}}".getBytes(), User.ADMIN)), 422);
    assertThat(s.path("message").asText()).isEqualTo("ConfigMap \"frozen\" is invalid: data: "
        + "Forbidden: field is immutable when `immutable` is set");
    assertThat(s.path("details").path("causes").get(0).path("reason").asText())
        .isEqualTo("FieldValueForbidden");
  }

  @Test
  void onlyOneOwnerReferenceMayBeTheController() throws Exception {
    JsonNode s = refused(call("POST", "/api/v1/namespaces/v/configmaps", """
        {"metadata":{"name":"two-ctl","ownerReferences":[
         {"uid":"u1","apiVersion":"tx.example.com/v1","kind":"Widget","name":"wown",
          "controller":true,"blockOwnerDeletion":true},
         {"apiVersion":"tx.example.com/v1","kind":"Widget","name":"other","uid":"u2",
          "controller":true}]}}"""), 422);
    assertThat(s.path("message").asText()).isEqualTo("ConfigMap \"two-ctl\" is invalid: "
        + "metadata.ownerReferences: Invalid value: [{\"apiVersion\":\"tx.example.com/v1\","
        + "\"kind\":\"Widget\",\"name\":\"wown\",\"uid\":\"u1\",\"controller\":true,"
        + "\"blockOwnerDeletion\":true},{\"apiVersion\":\"tx.example.com/v1\",\"kind\":"
        + "\"Widget\",\"name\":\"other\",\"uid\":\"u2\",\"controller\":true}]: Only one "
        + "reference can have Controller set to true. Found \"true\" in references for "
        + "Widget/wown and Widget/other");
  }

  @Test
  void noFinalizerMayBeAddedWhileDeletingAndTheErrorComesTwice() throws Exception {
    assertThat(call("POST", "/api/v1/namespaces/v/configmaps",
        "{\"metadata\":{\"name\":\"held\",\"finalizers\":[\"tx.example.com/hold\"]}}")
        .status()).isEqualTo(201);
    assertThat(call("DELETE", "/api/v1/namespaces/v/configmaps/held", "").status())
        .isEqualTo(200);
    JsonNode s = refused(cluster.handle(new Request("PATCH",
        "/api/v1/namespaces/v/configmaps/held", Map.of(),
        Map.of("content-type", "application/merge-patch+json"),
        "{\"metadata\":{\"finalizers\":[\"tx.example.com/hold\",\"tx.example.com/more\"]}}"
            .getBytes(), User.ADMIN)), 422);
    String one = "Forbidden: no new finalizers can be added if the object is being deleted, "
        + "found new finalizers []string{\"tx.example.com/more\"}";
    assertThat(s.path("message").asText())
        .isEqualTo("ConfigMap \"held\" is invalid: metadata.finalizers: " + one);
    assertThat(s.path("details").path("causes").size()).isEqualTo(2);
    assertThat(s.path("details").path("causes").get(1).path("message").asText()).isEqualTo(one);
  }

  @Test
  void aBindingKeepsItsRole() throws Exception {
    assertThat(call("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/v/rolebindings", """
        {"metadata":{"name":"rb"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io",
         "kind":"Role","name":"reader"},"subjects":[{"kind":"User","name":"u"}]}""").status())
        .isEqualTo(201);
    JsonNode s = refused(cluster.handle(new Request("PATCH",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/v/rolebindings/rb", Map.of(),
        Map.of("content-type", "application/merge-patch+json"),
        "{\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Role\",\"name\":\"other\"}}"
            .getBytes(), User.ADMIN)), 422);
    assertThat(s.path("message").asText()).isEqualTo("RoleBinding.rbac.authorization.k8s.io "
        + "\"rb\" is invalid: roleRef: Invalid value: {\"APIGroup\":\"rbac.authorization.k8s.io\","
        + "\"Kind\":\"Role\",\"Name\":\"other\"}: cannot change roleRef");
  }

  @Test
  void labelValuesAreChecked() throws Exception {
    JsonNode s = refused(call("POST", "/api/v1/namespaces/v/configmaps",
        "{\"metadata\":{\"name\":\"lbl\",\"labels\":{\"app\":\"bad value\"}}}"), 422);
    assertThat(s.path("details").path("causes").get(0).path("field").asText())
        .isEqualTo("metadata.labels");
    assertThat(s.path("details").path("causes").get(0).path("message").asText())
        .startsWith("Invalid value: \"bad value\": a valid label must be an empty string");
  }

  @Test
  void configKeysMustBeFileNames() throws Exception {
    JsonNode s = refused(call("POST", "/api/v1/namespaces/v/configmaps",
        "{\"metadata\":{\"name\":\"keys\"},\"data\":{\"bad key\":\"x\"}}"), 422);
    assertThat(s.path("message").asText()).isEqualTo("ConfigMap \"keys\" is invalid: "
        + "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of "
        + "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or "
        + "'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
  }

  @Test
  void servicePortsAreRequiredNamedAndInRange() throws Exception {
    assertThat(refused(call("POST", "/api/v1/namespaces/v/services",
        "{\"metadata\":{\"name\":\"noports\"},\"spec\":{}}"), 422).path("message").asText())
        .isEqualTo("Service \"noports\" is invalid: spec.ports: Required value");
    JsonNode s = refused(call("POST", "/api/v1/namespaces/v/services", """
        {"metadata":{"name":"ports"},"spec":{"ports":[{"port":80},{"name":"b","port":70000}]}}
        """), 422);
    assertThat(s.path("message").asText()).isEqualTo("Service \"ports\" is invalid: "
        + "[spec.ports[0].name: Required value, spec.ports[1].port: Invalid value: 70000: must "
        + "be between 1 and 65535, inclusive]");
    assertThat(call("POST", "/api/v1/namespaces/v/services",
        "{\"metadata\":{\"name\":\"headless\"},\"spec\":{\"clusterIP\":\"None\"}}")
        .status()).isEqualTo(201);
  }

  private Response call(String method, String path, String body) {
    return cluster.handle(new Request(method, path, Map.of(),
        Map.of("content-type", "application/json"), body.getBytes(), User.ADMIN));
  }

  private static JsonNode refused(Response r, int status) throws Exception {
    JsonNode n = Json.parse(r.body());
    assertThat(r.status()).as(n.toString()).isEqualTo(status);
    return n;
  }
}
