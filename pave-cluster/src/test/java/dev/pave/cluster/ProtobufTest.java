package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The protobuf codec per kind family: JSON written as its message and read back unchanged. */
class ProtobufTest {
  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of("times and empty structs", """
            {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n",
            "creationTimestamp":"2026-01-02T03:04:05Z"},"spec":{"finalizers":["kubernetes"]},
            "status":{"phase":"Active"}}"""),
        Arguments.of("string maps", """
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n",
            "labels":{"a":"b"}},"data":{"k":"v","e":"x"}}"""),
        Arguments.of("byte maps (base64)", """
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"type":"Opaque",
            "data":{"password":"czNjcmV0"}}"""),
        Arguments.of("IntOrString, Quantity, nested lists", """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{
            "replicas":2,"selector":{"matchLabels":{"app":"w"}},"strategy":{"type":
            "RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},
            "template":{"metadata":{"labels":{"app":"w"}},"spec":{"containers":[{"name":"c",
            "image":"nginx:1.27","ports":[{"containerPort":80,"protocol":"TCP"}],
            "resources":{"limits":{"cpu":"500m","memory":"1Gi"}}}]}}}}"""),
        Arguments.of("rbac", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"r"},
            "rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]}]}"""),
        Arguments.of("reviews", """
            {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
            "metadata":{},"spec":{"resourceAttributes":{"namespace":"n","verb":"create",
            "group":"apps","resource":"deployments"}},"status":{"allowed":true}}"""),
        Arguments.of("Status", """
            {"apiVersion":"v1","kind":"Status","metadata":{},"status":"Failure","message":
            "configmaps \\"x\\" not found","reason":"NotFound","details":{"name":"x","kind":
            "configmaps"},"code":404}"""),
        Arguments.of("managedFields (FieldsV1) and MicroTime", """
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","managedFields":[{
            "manager":"kubectl-create","operation":"Update","apiVersion":"v1","time":
            "2026-01-02T03:04:05Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{}}}}]}}"""),
        Arguments.of("events (MicroTime)", """
            {"apiVersion":"v1","kind":"Event","metadata":{"name":"e"},"involvedObject":{
            "kind":"Pod","name":"p"},"reason":"Started","eventTime":
            "2026-01-02T03:04:05.123456Z"}"""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void roundTrips(String family, String json) throws Exception {
    JsonNode object = Json.parse(json.getBytes(StandardCharsets.UTF_8));
    byte[] wire = Protobuf.encode(object);
    assertThat(Protobuf.isEnvelope(wire)).isTrue();
    assertThat((JsonNode) Protobuf.decode(wire)).isEqualTo(object);
  }

  @Test
  void customResourcesHaveNoMessage() throws Exception {
    assertThat(Protobuf.encode(Json.parse(("{\"apiVersion\":\"tx.example.com/v1\",\"kind\":"
        + "\"Widget\"}").getBytes(StandardCharsets.UTF_8)))).isNull();
  }

  @Test
  void acceptIsNegotiatedByQualityThenOrder() {
    assertThat(ContentTypes.ordered("application/json;q=0.5, application/vnd.kubernetes"
        + ".protobuf, application/json;as=Table;v=v1;g=meta.k8s.io"))
        .containsExactly("application/vnd.kubernetes.protobuf", "application/json");
  }
}
