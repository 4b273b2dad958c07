package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a real server fills in on built-in kinds, as writes.json and subresources.json show. */
class DefaultsTest {
  private Cluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = Cluster.start();
    assertThat(call("POST", "/api/v1/namespaces", "",
        "{\"metadata\":{\"name\":\"d\"}}").status()).isEqualTo(201);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void namespaceGetsItsFinalizerPhaseAndNameLabel() throws Exception {
    JsonNode ns = body(call("POST", "/api/v1/namespaces", "",
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"tx-term\"}}"));
    assertThat(ns.path("spec").path("finalizers").toString()).isEqualTo("[\"kubernetes\"]");
    assertThat(ns.path("status").path("phase").asText()).isEqualTo("Active");
    assertThat(ns.path("metadata").path("labels").path("kubernetes.io/metadata.name").asText())
        .isEqualTo("tx-term");
  }

  @Test
  void deploymentGetsStrategyLimitsAndPodTemplateDefaults() throws Exception {
    JsonNode d = body(call("POST", "/apis/apps/v1/namespaces/d/deployments", "", """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
           {"name":"web","image":"registry.example/web:1.0",
            "ports":[{"containerPort":8080,"name":"http"}]},
           {"name":"side","image":"busybox"}]}}},
         "status":{"replicas":7}}"""));
    JsonNode spec = d.path("spec");
    assertThat(spec.path("replicas").asInt()).isEqualTo(1);
    assertThat(spec.path("strategy").toString()).isEqualTo(
        "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\","
            + "\"maxSurge\":\"25%\"}}");
    assertThat(spec.path("revisionHistoryLimit").asInt()).isEqualTo(10);
    assertThat(spec.path("progressDeadlineSeconds").asInt()).isEqualTo(600);
    JsonNode pod = spec.path("template").path("spec");
    assertThat(pod.path("restartPolicy").asText()).isEqualTo("Always");
    assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isEqualTo(30);
    assertThat(pod.path("dnsPolicy").asText()).isEqualTo("ClusterFirst");
    assertThat(pod.path("securityContext").toString()).isEqualTo("{}");
    assertThat(pod.path("schedulerName").asText()).isEqualTo("default-scheduler");
    JsonNode web = pod.path("containers").get(0);
    assertThat(web.path("terminationMessagePath").asText()).isEqualTo("/dev/termination-log");
    assertThat(web.path("terminationMessagePolicy").asText()).isEqualTo("File");
    assertThat(web.path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
    assertThat(web.path("resources").toString()).isEqualTo("{}");
    assertThat(web.path("ports").get(0).path("protocol").asText()).isEqualTo("TCP");
    assertThat(pod.path("containers").get(1).path("imagePullPolicy").asText())
        .isEqualTo("Always");
    assertThat(d.path("status").toString()).isIn("{}", "");
  }

  @Test
  void imagePullPolicyFollowsTheTag() {
    assertThat(BuiltInStrategy.pullPolicy("nginx")).isEqualTo("Always");
    assertThat(BuiltInStrategy.pullPolicy("nginx:latest")).isEqualTo("Always");
    assertThat(BuiltInStrategy.pullPolicy("localhost:5000/nginx")).isEqualTo("Always");
    assertThat(BuiltInStrategy.pullPolicy("localhost:5000/nginx:1.27")).isEqualTo("IfNotPresent");
    assertThat(BuiltInStrategy.pullPolicy("nginx@sha256:abc")).isEqualTo("IfNotPresent");
  }

  @Test
  void serviceGetsAClusterIpThatAnUpdateWithoutItKeeps() throws Exception {
    JsonNode s = body(call("POST", "/api/v1/namespaces/d/services", "", """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},
         "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080},
          {"name":"b","port":90}]}}"""));
    JsonNode spec = s.path("spec");
    String ip = spec.path("clusterIP").asText();
    assertThat(ip).startsWith("10.");
    int second = Integer.parseInt(ip.split("\\.")[1]);
    assertThat(second).isBetween(96, 111);
    assertThat(spec.path("clusterIPs").toString()).isEqualTo("[\"" + ip + "\"]");
    assertThat(spec.path("type").asText()).isEqualTo("ClusterIP");
    assertThat(spec.path("sessionAffinity").asText()).isEqualTo("None");
    assertThat(spec.path("ipFamilies").toString()).isEqualTo("[\"IPv4\"]");
    assertThat(spec.path("ipFamilyPolicy").asText()).isEqualTo("SingleStack");
    assertThat(spec.path("internalTrafficPolicy").asText()).isEqualTo("Cluster");
    assertThat(spec.path("ports").get(0).path("protocol").asText()).isEqualTo("TCP");
    assertThat(spec.path("ports").get(1).path("targetPort").asInt()).isEqualTo(90);
    assertThat(s.path("status").toString()).isEqualTo("{\"loadBalancer\":{}}");

    JsonNode updated = body(call("PUT", "/api/v1/namespaces/d/services/svc", "", """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},
         "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":81}]}}"""));
    assertThat(updated.path("spec").path("clusterIP").asText()).isEqualTo(ip);
    assertThat(updated.path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(81);
  }

  @Test
  void podGetsWhatAdmissionAndDefaultingAdd() throws Exception {
    JsonNode p = body(call("POST", "/api/v1/namespaces/d/pods", "", """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
         "spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}"""));
    JsonNode spec = p.path("spec");
    assertThat(spec.path("serviceAccountName").asText()).isEqualTo("default");
    assertThat(spec.path("enableServiceLinks").asBoolean()).isTrue();
    assertThat(spec.path("priority").asInt()).isZero();
    assertThat(spec.path("tolerations").size()).isEqualTo(2);
    assertThat(spec.path("volumes").get(0).path("name").asText()).startsWith("kube-api-access-");
    assertThat(spec.path("containers").get(0).path("volumeMounts").get(0).path("mountPath")
        .asText()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount");
    assertThat(p.path("status").path("qosClass").asText()).isEqualTo("BestEffort");
  }

  @Test
  void jobSelectsItsPodsByUid() throws Exception {
    JsonNode j = body(call("POST", "/apis/batch/v1/namespaces/d/jobs", "", """
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"once"},
         "spec":{"template":{"spec":{"restartPolicy":"Never",
          "containers":[{"name":"c","image":"busybox:1"}]}}}}"""));
    String uid = j.path("metadata").path("uid").asText();
    assertThat(j.path("spec").path("selector").path("matchLabels")
        .path("batch.kubernetes.io/controller-uid").asText()).isEqualTo(uid);
    assertThat(j.path("spec").path("template").path("metadata").path("labels")
        .path("job-name").asText()).isEqualTo("once");
    assertThat(j.path("spec").path("backoffLimit").asInt()).isEqualTo(6);
    assertThat(j.path("spec").path("completions").asInt()).isEqualTo(1);
  }

  @Test
  void secretStringDataLandsInDataEncoded() throws Exception {
    JsonNode s = body(call("POST", "/api/v1/namespaces/d/secrets", "", """
        {"metadata":{"name":"s"},"data":{"a":"eA=="},"stringData":{"b":"hello","a":"y"}}"""));
    assertThat(s.has("stringData")).isFalse();
    assertThat(s.path("type").asText()).isEqualTo("Opaque");
    assertThat(s.path("data").toString()).isEqualTo("{\"a\":\"eQ==\",\"b\":\"aGVsbG8=\"}");
  }

  private Response call(String method, String path, String query, String body) {
    return cluster.handle(new Request(method, path, Cluster.query(query),
        Map.of("content-type", "application/json"), body.getBytes(), User.ADMIN));
  }

  private static JsonNode body(Response r) throws Exception {
    JsonNode n = Json.parse(r.body());
    assertThat(r.status()).as(n.toString()).isLessThan(300);
    return n;
  }

  static List<String> fields(JsonNode status) {
    List<String> out = new java.util.ArrayList<>();
    status.path("details").path("causes").forEach(c -> out.add(c.path("field").asText()));
    return out;
  }
}
