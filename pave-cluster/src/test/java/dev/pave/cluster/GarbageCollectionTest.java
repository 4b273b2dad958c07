package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deletion requests and the garbage collector against deletion.json. */
class GarbageCollectionTest {
  private static final String CM = "/api/v1/namespaces/tx-del/configmaps";
  private static final String PODS = "/api/v1/namespaces/tx-del/pods";
  private Cluster cluster;
  private ControllerCalls api;

  @BeforeEach
  void start() {
    cluster = Cluster.start();
    api = new ControllerCalls(cluster);
    api.namespace("tx-del");
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private String configMap(String name, String extraMeta) {
    ControllerCalls.Answer a = api.post(CM, "{\"metadata\":{\"name\":\"" + name + "\""
        + (extraMeta == null ? "" : "," + extraMeta) + "}}");
    assertThat(a.status()).as(a.toString()).isEqualTo(201);
    return a.body().path("metadata").path("uid").asText();
  }

  private static String ref(String name, String uid, boolean block) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"" + name + "\",\"uid\":\""
        + uid + "\"" + (block ? ",\"blockOwnerDeletion\":true" : "") + "}";
  }

  @Test
  void aDependentGoesAfterItsOwnerIsDeletedInTheBackground() {
    String owner = configMap("owner", null);
    configMap("child", "\"ownerReferences\":[" + ref("owner", owner, false) + "]");

    ControllerCalls.Answer deleted = api.call("DELETE", CM + "/owner", null);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.body().path("kind").asText()).isEqualTo("Status");
    assertThat(deleted.body().path("status").asText()).isEqualTo("Success");
    assertThat(deleted.body().path("details").path("uid").asText()).isEqualTo(owner);
    assertThat(deleted.body().path("details").path("kind").asText()).isEqualTo("configmaps");
    assertThat(api.gone(CM + "/child", 2000)).isTrue();
  }

  @Test
  void aDependentOfAMissingOwnerIsCollected() {
    configMap("ghost-child", "\"ownerReferences\":[" + ref("ghost",
        UUID.randomUUID().toString(), false) + "]");
    assertThat(api.gone(CM + "/ghost-child", 2000)).isTrue();
  }

  @Test
  void anOwnerInAnotherNamespaceCountsAsAbsentAndIsReported() {
    api.namespace("tx-other");
    ControllerCalls.Answer remote = api.post("/api/v1/namespaces/tx-other/configmaps",
        "{\"metadata\":{\"name\":\"remote-owner\"}}");
    String uid = remote.body().path("metadata").path("uid").asText();
    configMap("xns-child", "\"ownerReferences\":[" + ref("remote-owner", uid, false) + "]");

    assertThat(api.gone(CM + "/xns-child", 2000)).isTrue();
    JsonNode events = api.get("/api/v1/namespaces/tx-del/events");
    JsonNode event = null;
    for (JsonNode e : events.path("items")) {
      if (e.path("involvedObject").path("name").asText().equals("xns-child")) {
        event = e;
      }
    }
    assertThat(event).isNotNull();
    assertThat(event.path("reason").asText()).isEqualTo("OwnerRefInvalidNamespace");
    assertThat(event.path("type").asText()).isEqualTo("Warning");
    assertThat(event.path("message").asText()).isEqualTo("ownerRef [v1/ConfigMap, namespace: "
        + "tx-del, name: remote-owner, uid: " + uid + "] does not exist in namespace \"tx-del\"");
    assertThat(event.path("source").path("component").asText())
        .isEqualTo("garbage-collector-controller");
    assertThat(api.get("/api/v1/namespaces/tx-other/configmaps/remote-owner")).isNotNull();
  }

  @Test
  void foregroundDeletionWaitsForBlockingDependents() throws Exception {
    String owner = configMap("fg-owner", null);
    configMap("blocker", "\"finalizers\":[\"tx.example.com/hold\"],\"ownerReferences\":["
        + ref("fg-owner", owner, true) + "]");
    configMap("nonblocker", "\"ownerReferences\":[" + ref("fg-owner", owner, false) + "]");

    ControllerCalls.Answer deleted = api.call("DELETE", CM + "/fg-owner",
        "{\"apiVersion\":\"v1\",\"kind\":\"DeleteOptions\",\"propagationPolicy\":\"Foreground\"}");
    assertThat(deleted.status()).isEqualTo(200);
    JsonNode meta = deleted.body().path("metadata");
    assertThat(deleted.body().path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(meta.path("finalizers").toString()).isEqualTo("[\"foregroundDeletion\"]");
    assertThat(meta.path("deletionGracePeriodSeconds").asInt(-1)).isZero();

    assertThat(api.gone(CM + "/nonblocker", 2000)).isTrue();
    JsonNode blocker = ControllerCalls.await(2000, () -> api.get(CM + "/blocker"),
        b -> b.path("metadata").hasNonNull("deletionTimestamp"));
    assertThat(blocker.path("metadata").path("finalizers").toString())
        .isEqualTo("[\"tx.example.com/hold\"]");
    Thread.sleep(600);
    JsonNode waiting = api.get(CM + "/fg-owner");
    assertThat(waiting).isNotNull();
    assertThat(waiting.path("metadata").path("finalizers").toString())
        .isEqualTo("[\"foregroundDeletion\"]");

    api.call("PATCH", CM + "/blocker", "{\"metadata\":{\"finalizers\":null}}",
        "application/merge-patch+json");
    assertThat(api.gone(CM + "/blocker", 2000)).isTrue();
    assertThat(api.gone(CM + "/fg-owner", 2000)).isTrue();
  }

  @Test
  void orphanDeletionTakesTheReferenceOffAndKeepsTheDependent() {
    String owner = configMap("orph", null);
    configMap("kept", "\"ownerReferences\":[" + ref("orph", owner, true) + "]");

    ControllerCalls.Answer deleted = api.call("DELETE", CM + "/orph",
        "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Orphan\"}");
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.body().path("metadata").path("finalizers").toString())
        .isEqualTo("[\"orphan\"]");
    assertThat(api.gone(CM + "/orph", 2000)).isTrue();
    JsonNode kept = api.get(CM + "/kept");
    assertThat(kept).isNotNull();
    assertThat(kept.path("metadata").has("ownerReferences")).isFalse();
  }

  @Test
  void anUnknownPropagationPolicyIsRefusedBeforeTheLookup() {
    ControllerCalls.Answer a = api.call("DELETE", CM + "/nothing?propagationPolicy=Sideways",
        null);
    assertThat(a.status()).isEqualTo(422);
    assertThat(a.body().path("message").asText()).isEqualTo("DeleteOptions.meta.k8s.io \"\" is "
        + "invalid: propagationPolicy: Unsupported value: \"Sideways\": supported values: "
        + "\"Foreground\", \"Background\", \"Orphan\", \"nil\"");
    assertThat(a.body().path("details").has("name")).isFalse();
    assertThat(a.body().path("details").path("group").asText()).isEqualTo("meta.k8s.io");
    assertThat(a.body().path("details").path("kind").asText()).isEqualTo("DeleteOptions");
  }

  @Test
  void aSecondDeleteOfAFinalizingObjectChangesNothing() {
    configMap("held", "\"finalizers\":[\"tx.example.com/hold\"]");
    JsonNode first = api.call("DELETE", CM + "/held", null).body();
    JsonNode second = api.call("DELETE", CM + "/held", null).body();
    assertThat(first.path("metadata").path("deletionGracePeriodSeconds").asInt(-1)).isZero();
    assertThat(second.path("metadata").path("deletionTimestamp"))
        .isEqualTo(first.path("metadata").path("deletionTimestamp"));
    assertThat(second.path("metadata").path("resourceVersion"))
        .isEqualTo(first.path("metadata").path("resourceVersion"));
  }

  @Test
  void aBoundPodsGraceCanOnlyBeShortenedAndZeroRemovesIt() {
    ControllerCalls.Answer created = api.post(PODS, "{\"metadata\":{\"name\":\"bound\"},"
        + "\"spec\":{\"nodeName\":\"fake-idle\",\"containers\":[{\"name\":\"c\","
        + "\"image\":\"nginx:1.27\"}]}}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    long generation = created.body().path("metadata").path("generation").asLong();

    JsonNode first = api.call("DELETE", PODS + "/bound", null).body();
    assertThat(first.path("kind").asText()).isEqualTo("Pod");
    assertThat(first.path("metadata").path("deletionGracePeriodSeconds").asInt()).isEqualTo(30);
    assertThat(first.path("metadata").path("generation").asLong()).isEqualTo(generation + 1);
    Instant at = Instant.parse(first.path("metadata").path("deletionTimestamp").asText());
    assertThat(Duration.between(Instant.now(), at).toSeconds()).isBetween(27L, 31L);
    assertThat(api.get(PODS + "/bound")).isNotNull();

    JsonNode shorter = api.call("DELETE", PODS + "/bound", "{\"gracePeriodSeconds\":5}").body();
    assertThat(shorter.path("metadata").path("deletionGracePeriodSeconds").asInt()).isEqualTo(5);
    assertThat(Instant.parse(shorter.path("metadata").path("deletionTimestamp").asText()))
        .isEqualTo(at.minusSeconds(25));
    JsonNode longer = api.call("DELETE", PODS + "/bound", "{\"gracePeriodSeconds\":60}").body();
    assertThat(longer.path("metadata").path("deletionGracePeriodSeconds").asInt()).isEqualTo(5);

    ControllerCalls.Answer force = api.call("DELETE", PODS + "/bound",
        "{\"gracePeriodSeconds\":0}");
    assertThat(force.status()).isEqualTo(200);
    assertThat(force.body().path("kind").asText()).isEqualTo("Pod");
    assertThat(force.body().path("metadata").path("deletionGracePeriodSeconds").asInt(-1))
        .isZero();
    assertThat(api.call("GET", PODS + "/bound", null).status()).isEqualTo(404);
  }

  @Test
  void anUnboundPodGoesAtOnceAndAnswersWithThePod() {
    api.post(PODS, "{\"metadata\":{\"name\":\"unbound\"},\"spec\":{\"nodeSelector\":"
        + "{\"no-such\":\"node\"},\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.27\"}]}}");
    ControllerCalls.Answer a = api.call("DELETE", PODS + "/unbound", null);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().path("kind").asText()).isEqualTo("Pod");
    assertThat(a.body().path("metadata").hasNonNull("deletionTimestamp")).isTrue();
    assertThat(a.body().path("metadata").path("deletionGracePeriodSeconds").asInt(-1)).isZero();
    assertThat(api.call("GET", PODS + "/unbound", null).status()).isEqualTo(404);
  }

  @Test
  void aGracePeriodInTheQueryIsHonoured() {
    api.post(PODS, "{\"metadata\":{\"name\":\"bound2\"},\"spec\":{\"nodeName\":\"fake-idle\","
        + "\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.27\"}]}}");
    JsonNode a = api.call("DELETE", PODS + "/bound2?gracePeriodSeconds=3", null).body();
    assertThat(a.path("metadata").path("deletionGracePeriodSeconds").asInt()).isEqualTo(3);
  }

  @Test
  void deleteCollectionAnswersTheObjectsAsTheyWereBefore() {
    configMap("dc-a1", "\"labels\":{\"group\":\"a\"}");
    configMap("dc-a2", "\"labels\":{\"group\":\"a\"}");
    configMap("dc-a3", "\"labels\":{\"group\":\"a\"},\"finalizers\":[\"tx.example.com/hold\"]");
    configMap("dc-b1", "\"labels\":{\"group\":\"b\"}");

    ControllerCalls.Answer dry = api.call("DELETE", CM + "?labelSelector=group%3Db&dryRun=All",
        null);
    assertThat(dry.body().path("items").size()).isEqualTo(1);
    assertThat(api.get(CM + "/dc-b1")).isNotNull();

    ControllerCalls.Answer a = api.call("DELETE", CM + "?labelSelector=group%3Da", null);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().path("kind").asText()).isEqualTo("ConfigMapList");
    assertThat(a.body().path("items").size()).isEqualTo(3);
    assertThat(a.body().path("items").get(2).path("metadata").has("deletionTimestamp"))
        .isFalse();
    JsonNode left = api.get(CM + "?labelSelector=group");
    assertThat(left.path("items").size()).isEqualTo(2);
    assertThat(left.path("items").get(0).path("metadata").path("name").asText())
        .isEqualTo("dc-a3");
    assertThat(left.path("items").get(0).path("metadata").hasNonNull("deletionTimestamp"))
        .isTrue();
    assertThat(api.call("DELETE", CM + "?labelSelector=group%3Dzzz", null).body()
        .path("items").size()).isZero();
  }
}
