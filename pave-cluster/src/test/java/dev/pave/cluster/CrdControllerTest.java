package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CRD controller: establishing a new CRD, and the cleanup finalizer's work on DELETE. */
class CrdControllerTest {
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  private static final String CRD = CRDS + "/widgets.tx.example.com";
  private static final String WIDGETS = "/apis/tx.example.com/v1/namespaces/cc/widgets";
  private Cluster cluster;
  private ControllerCalls api;

  @BeforeEach
  void start() throws Exception {
    cluster = Cluster.start();
    api = new ControllerCalls(cluster);
    api.namespace("cc");
    JsonNode crd = Recordings.load("subresources.json").get(0).json().path("request")
        .path("body");
    ControllerCalls.Answer created = api.post(CRDS, crd.toString());
    assertThat(created.status()).isEqualTo(201);
    // the registry adds no finalizer at create, and the answer is not yet Established
    assertThat(created.body().path("metadata").has("finalizers")).isFalse();
    assertThat(created.body().path("status").path("conditions").size()).isZero();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static boolean established(JsonNode crd) {
    return crd != null && crd.path("status").path("conditions").toString()
        .contains("\"type\":\"Established\",\"status\":\"True\"");
  }

  @Test
  void aNewCrdIsEstablishedOnItsCreateEvent() {
    JsonNode crd = ControllerCalls.await(2000, () -> api.get(CRD),
        CrdControllerTest::established);
    assertThat(established(crd)).isTrue();
    assertThat(crd.path("status").path("acceptedNames").path("kind").asText())
        .isEqualTo("Widget");
    assertThat(crd.path("status").path("storedVersions").toString()).isEqualTo("[\"v1\"]");
    assertThat(crd.path("metadata").has("finalizers")).isFalse();
  }

  @Test
  void aDeletedCrdStaysTerminatingUntilItsObjectsAreGone() {
    ControllerCalls.await(2000, () -> api.get(CRD), CrdControllerTest::established);
    String widget = "{\"apiVersion\":\"tx.example.com/v1\",\"kind\":\"Widget\",\"metadata\":"
        + "{\"name\":\"%s\"%s},\"spec\":{\"size\":\"small\"}}";
    assertThat(api.post(WIDGETS, widget.formatted("plain", "")).status()).isEqualTo(201);
    assertThat(api.post(WIDGETS, widget.formatted("held",
        ",\"finalizers\":[\"tx.example.com/hold\"]")).status()).isEqualTo(201);

    ControllerCalls.Answer deleted = api.call("DELETE", CRD, null);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.body().path("metadata").path("finalizers").toString())
        .isEqualTo("[\"customresourcecleanup.apiextensions.k8s.io\"]");
    assertThat(deleted.body().path("status").path("conditions").toString())
        .contains("InstanceDeletionPending");
    ControllerCalls.Answer refused = api.post(WIDGETS, widget.formatted("late", ""));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body().path("message").asText()).isEqualTo("widgets.tx.example.com "
        + "\"late\" is forbidden: create not allowed while custom resource definition is "
        + "terminating");

    // the finalizer's work deletes what it can; a held object keeps the CRD terminating
    assertThat(api.gone(WIDGETS + "/plain", 3000)).isTrue();
    JsonNode crd = ControllerCalls.await(3000, () -> api.get(CRD), c -> c.path("status")
        .path("conditions").toString().contains("InstanceDeletionInProgress"));
    assertThat(crd.path("status").path("conditions").toString())
        .contains("CustomResource deletion is in progress");
    assertThat(api.get(WIDGETS + "/held").path("metadata").has("deletionTimestamp")).isTrue();

    api.call("PATCH", WIDGETS + "/held", "{\"metadata\":{\"finalizers\":null}}",
        "application/merge-patch+json");
    assertThat(api.gone(CRD, 3000)).isTrue();
    assertThat(api.call("GET", WIDGETS, null).status()).isEqualTo(404);
  }
}
