package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Server-side apply and managedFields against what patches.json, writes.json and
 * subresources.json recorded from a real API server.
 */
class ServerSideApplyTest {
  static final String CMS = "/api/v1/namespaces/tx-ssa/configmaps";
  static final String APPLY = "application/apply-patch+yaml";
  static Cluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = Cluster.start();
    send("POST", "/api/v1/namespaces", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"tx-ssa\"}}");
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  static Answer send(String method, String path, String contentType, String body)
      throws Exception {
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    Map<String, List<String>> query = Cluster.query(path.contains("?")
        ? path.substring(path.indexOf('?') + 1) : null);
    Map<String, String> headers = new LinkedHashMap<>();
    if (contentType != null) {
      headers.put("content-type", contentType);
    }
    Response r = cluster.handle(new Request(method, bare, query, headers,
        body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), User.ADMIN));
    return new Answer(r.status(), Json.parse(r.body()));
  }

  record Answer(int status, JsonNode body) {
    JsonNode managed() {
      return body.path("metadata").path("managedFields");
    }

    String rv() {
      return body.path("metadata").path("resourceVersion").asText();
    }
  }

  static JsonNode json(String s) throws Exception {
    return Json.parse(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  static List<String> managers(JsonNode managedFields) {
    List<String> names = new ArrayList<>();
    managedFields.forEach(e -> names.add(e.path("manager").asText() + "/"
        + e.path("operation").asText()));
    return names;
  }

  @Test
  void createRecordsAnUpdateEntryOwningWhatWasSent() throws Exception {
    Answer a = send("POST", CMS, "application/json",
        "{\"metadata\":{\"name\":\"dup\",\"labels\":{\"hook\":\"allow\"}},\"data\":{\"k\":\"v\"}}");
    assertThat(a.status()).isEqualTo(201);
    JsonNode e = a.managed().get(0);
    assertThat(a.managed()).hasSize(1);
    assertThat(e.path("manager").asText()).isEqualTo("unknown");
    assertThat(e.path("operation").asText()).isEqualTo("Update");
    assertThat(e.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(e.path("fieldsType").asText()).isEqualTo("FieldsV1");
    assertThat(e.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(e.path("fieldsV1")).isEqualTo(json(
        "{'f:data':{'.':{},'f:k':{}},'f:metadata':{'f:labels':{'.':{},'f:hook':{}}}}"));
  }

  @Test
  void managerComesFromTheUserAgentWithoutFieldManager() throws Exception {
    Response r = cluster.handle(new Request("POST", CMS, Map.of(), Map.of("content-type",
        "application/json", "user-agent", "kubectl/v1.36.2 (linux/amd64) kubernetes/98b3519"),
        "{\"metadata\":{\"name\":\"ua\"},\"data\":{\"k\":\"v\"}}".getBytes(StandardCharsets.UTF_8),
        User.ADMIN));
    assertThat(Json.parse(r.body()).path("metadata").path("managedFields").get(0)
        .path("manager").asText()).isEqualTo("kubectl");
  }

  @Test
  void jsonPatchAddsOwnershipToTheSameEntry() throws Exception {
    send("POST", CMS, "application/json", "{\"metadata\":{\"name\":\"jp\"},\"data\":{\"a\":\"1\"}}");
    Answer a = send("PATCH", CMS + "/jp", "application/json-patch+json",
        "[{\"op\":\"replace\",\"path\":\"/data/missing\",\"value\":\"x\"}]");
    assertThat(a.managed()).hasSize(1);
    assertThat(a.managed().get(0).path("fieldsV1")).isEqualTo(json(
        "{'f:data':{'.':{},'f:a':{},'f:missing':{}}}"));
    a = send("PATCH", CMS + "/jp", "application/json-patch+json",
        "[{\"op\":\"remove\",\"path\":\"/data/missing\"}]");
    assertThat(a.managed().get(0).path("fieldsV1")).isEqualTo(json(
        "{'f:data':{'.':{},'f:a':{}}}"));
  }

  @Test
  void applyConflictsCoOwnershipForceAndRemoval() throws Exception {
    String config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  labels:\n"
        + "    app: web\ndata:\n  a: \"1\"\n  b: \"2\"\n";
    Answer created = send("PATCH", CMS + "/ssa?fieldManager=pave", APPLY, config);
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.managed()).hasSize(1);
    assertThat(created.managed().get(0).path("operation").asText()).isEqualTo("Apply");
    assertThat(created.managed().get(0).path("fieldsV1")).isEqualTo(json(
        "{'f:data':{'f:a':{},'f:b':{}},'f:metadata':{'f:labels':{'f:app':{}}}}"));

    Answer noManager = send("PATCH", CMS + "/ssa-noman", APPLY,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-noman\n");
    assertThat(noManager.status()).isEqualTo(422);
    assertThat(noManager.body().path("message").asText()).isEqualTo("PatchOptions.meta.k8s.io "
        + "\"\" is invalid: fieldManager: Required value: is required for apply patch");

    Answer again = send("PATCH", CMS + "/ssa?fieldManager=pave", APPLY, config);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.rv()).isEqualTo(created.rv());
    assertThat(again.managed()).isEqualTo(created.managed());

    Answer conflict = send("PATCH", CMS + "/ssa?fieldManager=other", APPLY,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ssa\"},"
            + "\"data\":{\"a\":\"other\",\"b\":\"other\"}}");
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.body()).isEqualTo(json("{'kind':'Status','apiVersion':'v1',"
        + "'metadata':{},'status':'Failure','message':'Apply failed with 2 conflicts: "
        + "conflicts with \\'pave\\':\\n- .data.a\\n- .data.b','reason':'Conflict',"
        + "'details':{'causes':[{'reason':'FieldManagerConflict','message':"
        + "'conflict with \\'pave\\'','field':'.data.a'},{'reason':'FieldManagerConflict',"
        + "'message':'conflict with \\'pave\\'','field':'.data.b'}]},'code':409}"));

    Answer shared = send("PATCH", CMS + "/ssa?fieldManager=viewer", APPLY,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ssa\"},"
            + "\"data\":{\"a\":\"1\"}}");
    assertThat(shared.status()).isEqualTo(200);
    assertThat(managers(shared.managed())).containsExactly("viewer/Apply", "pave/Apply");
    assertThat(shared.managed().get(0).has("time")).isFalse();
    assertThat(shared.managed().get(0).path("fieldsV1")).isEqualTo(json("{'f:data':{'f:a':{}}}"));

    Answer forced = send("PATCH", CMS + "/ssa?fieldManager=other&force=true", APPLY,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ssa\"},"
            + "\"data\":{\"b\":\"other\"}}");
    assertThat(forced.status()).isEqualTo(200);
    assertThat(forced.body().path("data")).isEqualTo(json("{'a':'1','b':'other'}"));
    assertThat(managers(forced.managed())).containsExactly("viewer/Apply", "other/Apply",
        "pave/Apply");
    assertThat(forced.managed().get(1).path("fieldsV1")).isEqualTo(json("{'f:data':{'f:b':{}}}"));
    assertThat(forced.managed().get(2).path("fieldsV1")).isEqualTo(json(
        "{'f:data':{'f:a':{}},'f:metadata':{'f:labels':{'f:app':{}}}}"));

    Answer removed = send("PATCH", CMS + "/ssa?fieldManager=pave", APPLY,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ssa\"},"
            + "\"data\":{\"d\":\"4\"}}");
    assertThat(removed.status()).isEqualTo(200);
    assertThat(removed.body().path("metadata").has("labels")).isFalse();
    assertThat(removed.body().path("data")).isEqualTo(json("{'a':'1','b':'other','d':'4'}"));
    assertThat(removed.managed().get(2).path("fieldsV1")).isEqualTo(json("{'f:data':{'f:d':{}}}"));

    Answer intruder = send("PATCH", CMS + "/ssa?fieldManager=intruder",
        "application/merge-patch+json", "{\"data\":{\"d\":\"drift\"}}");
    assertThat(intruder.status()).isEqualTo(200);
    assertThat(managers(intruder.managed())).containsExactly("viewer/Apply", "other/Apply",
        "intruder/Update");
    assertThat(intruder.managed().get(2).path("fieldsV1")).isEqualTo(json(
        "{'f:data':{'f:d':{}}}"));

    Answer againstUpdate = send("PATCH", CMS + "/ssa?fieldManager=pave", APPLY,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ssa\"},"
            + "\"data\":{\"d\":\"4\"}}");
    assertThat(againstUpdate.status()).isEqualTo(409);
    assertThat(againstUpdate.body().path("message").asText()).isEqualTo(
        "Apply failed with 1 conflict: conflict with \"intruder\" using v1: .data.d");
    assertThat(againstUpdate.body().path("details")).isEqualTo(json("{'causes':[{'reason':"
        + "'FieldManagerConflict','message':'conflict with \\'intruder\\' using v1',"
        + "'field':'.data.d'}]}"));

    Answer dry = send("PATCH", CMS + "/ssa?fieldManager=pave&dryRun=All&force=true", APPLY,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ssa\"},"
            + "\"data\":{\"d\":\"4\",\"e\":\"5\"}}");
    assertThat(dry.body().path("data")).isEqualTo(json("{'a':'1','b':'other','d':'4','e':'5'}"));
    assertThat(send("GET", CMS + "/ssa", null, null).body().path("data").has("e")).isFalse();

    Answer reclaimed = send("PATCH", CMS + "/ssa?fieldManager=pave&force=true", APPLY,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ssa\"},"
            + "\"data\":{\"d\":\"4\"}}");
    assertThat(reclaimed.body().path("data").path("d").asText()).isEqualTo("4");
    assertThat(managers(reclaimed.managed())).containsExactly("viewer/Apply", "other/Apply",
        "pave/Apply");
  }

  static final String DEPLOYMENT = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
      + "\"metadata\":{\"name\":\"web-ssa\",\"labels\":{\"app\":\"web-ssa\"}},\"spec\":{"
      + "%s\"selector\":{\"matchLabels\":{\"app\":\"web-ssa\"}},\"template\":{\"metadata\":"
      + "{\"labels\":{\"app\":\"web-ssa\"}},\"spec\":{\"containers\":[{\"name\":\"web\","
      + "\"image\":\"registry.example/web:1.0\",\"ports\":[{\"containerPort\":8080,"
      + "\"name\":\"http\"}]}],\"nodeSelector\":{\"kubernetes.io/hostname\":\"e2e-node\"}}}}}";

  @Test
  void applyOfADeploymentOwnsWhatWasSentAndScaleWritesCount() throws Exception {
    String deps = "/apis/apps/v1/namespaces/tx-ssa/deployments";
    Answer created = send("PATCH", deps + "/web-ssa?fieldManager=pave", APPLY,
        DEPLOYMENT.formatted("\"replicas\":1,"));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.managed()).hasSize(1);
    assertThat(created.managed().get(0).path("fieldsV1")).isEqualTo(json("{'f:metadata':"
        + "{'f:labels':{'f:app':{}}},'f:spec':{'f:replicas':{},'f:selector':{},'f:template':"
        + "{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:containers':{'k:{\\'name\\':"
        + "\\'web\\'}':{'.':{},'f:image':{},'f:name':{},'f:ports':{'k:{\\'containerPort\\':8080,"
        + "\\'protocol\\':\\'TCP\\'}':{'.':{},'f:containerPort':{},'f:name':{}}}}},"
        + "'f:nodeSelector':{}}}}}"));

    settle(deps + "/web-ssa");
    Answer scaled = send("PATCH", deps + "/web-ssa/scale?fieldManager=kubectl-scale",
        "application/merge-patch+json", "{\"spec\":{\"replicas\":3}}");
    assertThat(scaled.status()).isEqualTo(200);
    JsonNode after = send("GET", deps + "/web-ssa", null, null).body();
    assertThat(after.path("spec").path("replicas").asInt()).isEqualTo(3);
    JsonNode mf = after.path("metadata").path("managedFields");
    // the deployment controller's own entries follow: an entry without time sorts first
    assertThat(managers(mf).subList(0, 2)).containsExactly("pave/Apply", "kubectl-scale/Update");
    assertThat(mf.get(0).path("fieldsV1").path("f:spec").has("f:replicas")).isFalse();
    assertThat(mf.get(1).path("subresource").asText()).isEqualTo("scale");
    assertThat(mf.get(1).has("time")).isFalse();
    assertThat(mf.get(1).path("fieldsV1")).isEqualTo(json("{'f:spec':{'f:replicas':{}}}"));

    Answer conflict = send("PATCH", deps + "/web-ssa?fieldManager=pave", APPLY,
        DEPLOYMENT.formatted("\"replicas\":1,"));
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.body().path("message").asText()).isEqualTo("Apply failed with 1 "
        + "conflict: conflict with \"kubectl-scale\" with subresource \"scale\" using apps/v1: "
        + ".spec.replicas");

    Answer without = send("PATCH", deps + "/web-ssa?fieldManager=pave", APPLY,
        DEPLOYMENT.formatted(""));
    assertThat(without.status()).isEqualTo(200);
    assertThat(without.body().path("spec").path("replicas").asInt()).isEqualTo(3);
  }

  /** Waits until the deployment controller has nothing left to write for the object. */
  static void settle(String path) throws Exception {
    String rv = "";
    for (int i = 0; i < 100; i++) {
      Thread.sleep(50);
      String now = send("GET", path, null, null).rv();
      if (now.equals(rv)) {
        return;
      }
      rv = now;
    }
  }

  @Test
  void updateOfADeploymentOwnsDefaultsAndAddsNoDotForStructsGoAlwaysWrites() throws Exception {
    Answer a = send("POST", "/apis/apps/v1/namespaces/tx-ssa/deployments", "application/json",
        "{\"metadata\":{\"name\":\"web\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"replicas\":2,"
            + "\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":"
            + "{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
            + "\"image\":\"nginx:1.27\"}]}}}}");
    assertThat(a.status()).isEqualTo(201);
    JsonNode spec = a.managed().get(0).path("fieldsV1").path("f:spec");
    assertThat(spec.has(".")).isFalse();
    assertThat(spec.path("f:template").has(".")).isFalse();
    assertThat(spec.path("f:template").path("f:spec").path("f:containers").has(".")).isFalse();
    assertThat(spec.path("f:selector")).isEqualTo(json("{}"));
    assertThat(spec.path("f:template").path("f:spec").path("f:containers")
        .path("k:{\"name\":\"c\"}").has(".")).isTrue();
  }
}
