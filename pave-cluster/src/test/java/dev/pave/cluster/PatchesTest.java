package dev.pave.cluster;

import static dev.pave.cluster.ServerSideApplyTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pave.cluster.ServerSideApplyTest.Answer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Strategic merge patch, JSON merge patch and server-side apply of custom resources as
 * patches.json recorded them.
 */
class PatchesTest {
  static final String DEPS = "/apis/apps/v1/namespaces/tx-patch/deployments";
  static final String SMP = "application/strategic-merge-patch+json";

  @BeforeAll
  static void start() throws Exception {
    ServerSideApplyTest.cluster = Cluster.start();
    send("POST", "/api/v1/namespaces", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"tx-patch\"}}");
  }

  @AfterAll
  static void stop() {
    ServerSideApplyTest.cluster.close();
  }

  static Answer send(String method, String path, String type, String body) throws Exception {
    return ServerSideApplyTest.send(method, path, type, body);
  }

  static List<String> containers(JsonNode deployment) {
    List<String> names = new ArrayList<>();
    deployment.path("spec").path("template").path("spec").path("containers").forEach(c ->
        names.add(c.path("name").asText() + "=" + c.path("image").asText()));
    return names;
  }

  static void deployment(String name) throws Exception {
    Answer a = send("POST", DEPS, "application/json", ("{'metadata':{'name':'" + name + "'},"
        + "'spec':{'replicas':1,'selector':{'matchLabels':{'app':'w'}},'template':{'metadata':"
        + "{'labels':{'app':'w'}},'spec':{'containers':[{'name':'web','image':"
        + "'registry.example/web:1.0','ports':[{'name':'http','containerPort':8080}]},"
        + "{'name':'sidecar','image':'registry.example/proxy:1.0'}]}}}}").replace('\'', '"'));
    assertThat(a.status()).isEqualTo(201);
  }

  @Test
  void strategicMergeMergesContainersByNameAndPlacesNewOnesFirst() throws Exception {
    deployment("web-smp");
    Answer a = send("PATCH", DEPS + "/web-smp", SMP, "{\"spec\":{\"template\":{\"spec\":"
        + "{\"containers\":[{\"name\":\"sidecar\",\"image\":\"registry.example/proxy:2.0\"}]}}}}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(containers(a.body())).containsExactly("web=registry.example/web:1.0",
        "sidecar=registry.example/proxy:2.0");
    assertThat(a.body().path("metadata").path("generation").asInt()).isEqualTo(2);
    JsonNode web = a.body().path("spec").path("template").path("spec").path("containers").get(0);
    assertThat(web.path("ports").get(0).path("containerPort").asInt()).isEqualTo(8080);

    a = send("PATCH", DEPS + "/web-smp", SMP, "{\"spec\":{\"template\":{\"spec\":"
        + "{\"containers\":[{\"name\":\"extra\",\"image\":\"registry.example/extra:1\"}]}}}}");
    assertThat(containers(a.body())).containsExactly("extra=registry.example/extra:1",
        "web=registry.example/web:1.0", "sidecar=registry.example/proxy:2.0");

    a = send("PATCH", DEPS + "/web-smp", SMP, "{\"spec\":{\"template\":{\"spec\":"
        + "{\"containers\":[{\"name\":\"extra\",\"$patch\":\"delete\"}]}}}}");
    assertThat(containers(a.body())).containsExactly("web=registry.example/web:1.0",
        "sidecar=registry.example/proxy:2.0");

    a = send("PATCH", DEPS + "/web-smp", "application/merge-patch+json", "{\"spec\":{\"template\":"
        + "{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"image\":\"registry.example/proxy:3.0\"}]}}}}");
    assertThat(containers(a.body())).containsExactly("sidecar=registry.example/proxy:3.0");
  }

  @Test
  void strategicMergeDirectives() throws Exception {
    deployment("web-dir");
    Answer a = send("PATCH", DEPS + "/web-dir", SMP, "{\"spec\":{\"template\":{\"spec\":"
        + "{\"$setElementOrder/containers\":[{\"name\":\"sidecar\"},{\"name\":\"web\"}],"
        + "\"containers\":[{\"name\":\"web\",\"image\":\"registry.example/web:2.0\"}]}}}}");
    assertThat(containers(a.body())).containsExactly("sidecar=registry.example/proxy:1.0",
        "web=registry.example/web:2.0");

    a = send("PATCH", DEPS + "/web-dir", SMP, "{\"spec\":{\"template\":{\"spec\":"
        + "{\"containers\":[{\"$patch\":\"replace\"},{\"name\":\"only\",\"image\":\"x:1\"}]}}}}");
    assertThat(containers(a.body())).containsExactly("only=x:1");

    a = send("PATCH", DEPS + "/web-dir", SMP, "{\"metadata\":{\"finalizers\":[\"a.example/x\"]}}");
    a = send("PATCH", DEPS + "/web-dir", SMP, "{\"metadata\":{\"finalizers\":[\"a.example/y\"]}}");
    assertThat(a.body().path("metadata").path("finalizers")).isEqualTo(
        json("['a.example/x','a.example/y']"));
    a = send("PATCH", DEPS + "/web-dir", SMP,
        "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"a.example/x\"]}}");
    assertThat(a.body().path("metadata").path("finalizers")).isEqualTo(json("['a.example/y']"));
    a = send("PATCH", DEPS + "/web-dir", SMP, "{\"metadata\":{\"finalizers\":null}}");
    assertThat(a.body().path("metadata").has("finalizers")).isFalse();

    a = send("PATCH", DEPS + "/web-dir", SMP, "{\"spec\":{\"strategy\":{\"$retainKeys\":"
        + "[\"type\"],\"type\":\"Recreate\"}}}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().path("spec").path("strategy")).isEqualTo(json("{'type':'Recreate'}"));
  }

  @Test
  void strategicMergeOnACustomResourceIsRefused() throws Exception {
    crd();
    Answer a = send("PATCH", "/apis/tx.example.com/v1/namespaces/tx-patch/widgets/w",
        SMP, "{\"spec\":{\"replicas\":2}}");
    assertThat(a.status()).isEqualTo(415);
    assertThat(a.body().path("message").asText()).isEqualTo("the body of the request was in an "
        + "unknown format - accepted media types include: application/json-patch+json, "
        + "application/merge-patch+json, application/apply-patch+yaml");
  }

  static void crd() throws Exception {
    Answer a = send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        "application/json", ("{'apiVersion':'apiextensions.k8s.io/v1','kind':"
        + "'CustomResourceDefinition','metadata':{'name':'widgets.tx.example.com'},'spec':{"
        + "'group':'tx.example.com','scope':'Namespaced','names':{'plural':'widgets',"
        + "'singular':'widget','kind':'Widget','listKind':'WidgetList'},'versions':[{'name':"
        + "'v1','served':true,'storage':true,'subresources':{'status':{}},'schema':{"
        + "'openAPIV3Schema':{'type':'object','properties':{'spec':{'type':'object',"
        + "'properties':{'size':{'type':'string'},'tags':{'type':'array','items':{'type':"
        + "'string'},'x-kubernetes-list-type':'set'},'ports':{'type':'array',"
        + "'x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name'],'items':{"
        + "'type':'object','properties':{'name':{'type':'string'},'port':{'type':'integer'},"
        + "'protocol':{'type':'string','default':'TCP'}}}}}}}}}}]}}").replace('\'', '"'));
    assertThat(a.status()).isIn(201, 409);
    for (int i = 0; i < 100; i++) {
      if (send("GET", "/apis/tx.example.com/v1/namespaces/tx-patch/widgets", null, null)
          .status() == 200) {
        return;
      }
      Thread.sleep(20);
    }
  }

  @Test
  void applyOfACustomResourceMergesListMapsAndSetsAndPrunesWhatTheApplierDropped()
      throws Exception {
    crd();
    String w = "/apis/tx.example.com/v1/namespaces/tx-patch/widgets/w-ssa";
    Answer a = send("PATCH", w + "?fieldManager=pave", ServerSideApplyTest.APPLY,
        "{\"apiVersion\":\"tx.example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":"
            + "\"w-ssa\"},\"spec\":{\"size\":\"small\",\"tags\":[\"a\",\"b\"],\"ports\":[{\"name\":"
            + "\"http\",\"port\":80},{\"name\":\"metrics\",\"port\":9090}]}}");
    assertThat(a.status()).isEqualTo(201);
    assertThat(a.managed().get(0).path("fieldsV1")).isEqualTo(json("{'f:spec':{'f:ports':{"
        + "'k:{\\'name\\':\\'http\\'}':{'.':{},'f:name':{},'f:port':{}},"
        + "'k:{\\'name\\':\\'metrics\\'}':{'.':{},'f:name':{},'f:port':{}}},'f:size':{},"
        + "'f:tags':{'v:\\'a\\'':{},'v:\\'b\\'':{}}}}"));

    a = send("PATCH", w + "?fieldManager=other", ServerSideApplyTest.APPLY,
        "{\"apiVersion\":\"tx.example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":"
            + "\"w-ssa\"},\"spec\":{\"tags\":[\"c\"],\"ports\":[{\"name\":\"admin\",\"port\":8081}]}}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(names(a.body().path("spec").path("ports"))).containsExactly("http", "metrics",
        "admin");
    assertThat(a.body().path("spec").path("tags")).isEqualTo(json("['a','b','c']"));

    a = send("PATCH", w + "?fieldManager=pave", ServerSideApplyTest.APPLY,
        "{\"apiVersion\":\"tx.example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":"
            + "\"w-ssa\"},\"spec\":{\"size\":\"small\",\"tags\":[\"a\"],\"ports\":[{\"name\":"
            + "\"http\",\"port\":80}]}}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(names(a.body().path("spec").path("ports"))).containsExactly("http", "admin");
    assertThat(a.body().path("spec").path("tags")).isEqualTo(json("['a','c']"));
  }

  static List<String> names(JsonNode list) {
    List<String> n = new ArrayList<>();
    list.forEach(i -> n.add(i.path("name").asText()));
    return n;
  }
}
