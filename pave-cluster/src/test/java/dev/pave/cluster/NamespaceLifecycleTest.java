package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The namespace controller against namespaces.json. */
class NamespaceLifecycleTest {
  private Cluster cluster;
  private ControllerCalls api;

  @BeforeEach
  void start() {
    cluster = Cluster.start();
    api = new ControllerCalls(cluster);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void theSystemNamespacesExistFromTheStart() {
    // read at once: a client connecting to a fresh cluster finds them, as on a real one
    JsonNode list = api.get("/api/v1/namespaces");
    List<String> names = new ArrayList<>();
    list.path("items").forEach(n -> names.add(n.path("metadata").path("name").asText()));
    assertThat(names).containsExactlyInAnyOrder("default", "kube-node-lease", "kube-public",
        "kube-system");
    for (JsonNode ns : list.path("items")) {
      String name = ns.path("metadata").path("name").asText();
      assertThat(ns.path("metadata").path("labels").path("kubernetes.io/metadata.name")
          .asText()).as(name).isEqualTo(name);
      assertThat(ns.path("spec").path("finalizers").toString()).as(name)
          .isEqualTo("[\"kubernetes\"]");
      assertThat(ns.path("status").path("phase").asText()).as(name).isEqualTo("Active");
      assertThat(ns.path("metadata").path("managedFields").path(0).path("manager").asText())
          .as(name).isEqualTo("kube-apiserver");
    }
    // and, as every namespace, get their default ServiceAccount
    assertThat(ControllerCalls.await(3000,
        () -> api.get("/api/v1/namespaces/default/serviceaccounts/default"), n -> n != null))
        .isNotNull();
  }

  @Test
  void aNewNamespaceGetsTheDefaultServiceAccountAndTheRootCa() {
    api.namespace("ns-seed");
    JsonNode sa = ControllerCalls.await(3000,
        () -> api.get("/api/v1/namespaces/ns-seed/serviceaccounts/default"), n -> n != null);
    JsonNode ca = ControllerCalls.await(3000,
        () -> api.get("/api/v1/namespaces/ns-seed/configmaps/kube-root-ca.crt"), n -> n != null);
    assertThat(sa).isNotNull();
    assertThat(sa.has("secrets")).isFalse();
    assertThat(ca).isNotNull();
    assertThat(ca.path("data").path("ca.crt").asText()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(ca.path("metadata").path("annotations").path("kubernetes.io/description")
        .asText()).startsWith("Contains a CA bundle that can be used to verify the kube-apiserver");
  }

  @Test
  void aDeletedNamespaceTerminatesUntilTheLastFinalizerIsGone() {
    api.namespace("tx-term");
    api.post("/api/v1/namespaces/tx-term/configmaps", "{\"metadata\":{\"name\":\"held\","
        + "\"finalizers\":[\"tx.example.com/hold\"]},\"data\":{\"a\":\"b\"}}");
    api.post("/api/v1/namespaces/tx-term/configmaps", "{\"metadata\":{\"name\":\"plain\"}}");

    ControllerCalls.Answer deleted = api.call("DELETE", "/api/v1/namespaces/tx-term", null);
    assertThat(deleted.status()).isEqualTo(200);
    JsonNode meta = deleted.body().path("metadata");
    assertThat(deleted.body().path("kind").asText()).isEqualTo("Namespace");
    assertThat(meta.hasNonNull("deletionTimestamp")).isTrue();
    assertThat(meta.has("deletionGracePeriodSeconds")).isFalse();
    assertThat(deleted.body().path("status").path("phase").asText()).isEqualTo("Terminating");

    ControllerCalls.Answer late = api.post("/api/v1/namespaces/tx-term/configmaps",
        "{\"metadata\":{\"name\":\"late\"}}");
    assertThat(late.status()).isEqualTo(403);
    assertThat(late.body().path("details").path("causes").get(0).path("reason").asText())
        .isEqualTo("NamespaceTerminating");

    JsonNode ns = ControllerCalls.await(5000, () -> api.get("/api/v1/namespaces/tx-term"),
        n -> condition(n, "NamespaceFinalizersRemaining") != null);
    assertThat(types(ns)).containsExactly("NamespaceDeletionDiscoveryFailure",
        "NamespaceDeletionGroupVersionParsingFailure", "NamespaceDeletionContentFailure",
        "NamespaceContentRemaining", "NamespaceFinalizersRemaining");
    assertThat(condition(ns, "NamespaceContentRemaining").path("message").asText())
        .isEqualTo("Some resources are remaining: configmaps. has 1 resource instances");
    assertThat(condition(ns, "NamespaceFinalizersRemaining").path("message").asText())
        .isEqualTo("Some content in the namespace has finalizers remaining: "
            + "tx.example.com/hold in 1 resource instances");
    assertThat(condition(ns, "NamespaceContentRemaining").path("reason").asText())
        .isEqualTo("SomeResourcesRemain");
    assertThat(api.call("GET", "/api/v1/namespaces/tx-term/configmaps/plain", null).status())
        .isEqualTo(404);
    JsonNode held = api.get("/api/v1/namespaces/tx-term/configmaps/held");
    assertThat(held.path("metadata").hasNonNull("deletionTimestamp")).isTrue();
    assertThat(held.path("metadata").path("deletionGracePeriodSeconds").asInt(-1)).isZero();

    ControllerCalls.Answer released = api.call("PATCH",
        "/api/v1/namespaces/tx-term/configmaps/held", "{\"metadata\":{\"finalizers\":null}}",
        "application/merge-patch+json");
    assertThat(released.status()).isEqualTo(200);
    assertThat(api.gone("/api/v1/namespaces/tx-term", 5000)).isTrue();
    ControllerCalls.Answer missing = api.call("GET", "/api/v1/namespaces/tx-term", null);
    assertThat(missing.body().path("details").path("kind").asText()).isEqualTo("namespaces");
  }

  @Test
  void deletingAMissingNamespaceOrAllNamespacesIsRefused() {
    assertThat(api.call("DELETE", "/api/v1/namespaces/tx-does-not-exist", null).status())
        .isEqualTo(404);
    ControllerCalls.Answer all = api.call("DELETE", "/api/v1/namespaces?labelSelector=x%3Dy",
        null);
    assertThat(all.status()).isEqualTo(405);
    assertThat(all.body().path("reason").asText()).isEqualTo("MethodNotAllowed");
  }

  private static JsonNode condition(JsonNode ns, String type) {
    if (ns == null) {
      return null;
    }
    for (JsonNode c : ns.path("status").path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c;
      }
    }
    return null;
  }

  private static List<String> types(JsonNode ns) {
    List<String> types = new ArrayList<>();
    ns.path("status").path("conditions").forEach(c -> types.add(c.path("type").asText()));
    return types;
  }
}
