package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The scale sequence of subresources.json (#33-#41) with the controllers given time to settle
 * after each write. That is not what the recorder did: its writes came back to back, and the
 * recorded end state (old ReplicaSet 3, new 1, 2 pods terminating) is what kube-controller-
 * manager gives when it acts on 4 and then on 2 before any rolling sync between them.
 *
 * <p>Settled, the real controllers go further on 4: after the scaling sync (old 3 -> 4, new 1)
 * the next sync is a rolling one whose reconcileOldReplicaSets may now scale down (maxUnavailable
 * of 4 is 1, so maxScaledDown = 5 - 3 - 1 = 1) and cleanupUnhealthyReplicas takes the old one
 * back to 3; the sync after gives the freed surge to the new one (NewRSNewReplicas: 4 of 5).
 * Whether the old ReplicaSet made a fourth pod meanwhile depends on whether the ReplicaSet
 * controller synced it while it asked for 4, a race between the two controllers in a real
 * cluster too (there the ReplicaSet controller nearly always wins, one create against the
 * Deployment controller's three writes and a second sync). That pod, if made, is deleted at
 * once and stays terminating (no kubelet confirms it gone), so the end count of terminating
 * pods is 2 or 3, and this test checks it against the pods really made.
 */
class ScaleSequenceTest {
  private static final String DEPLOYS = "/apis/apps/v1/namespaces/tx-scale/deployments";
  private static final String MERGE = "application/merge-patch+json";

  @Test
  void proportionalScalingMidRolloutEndsAsRecorded() {
    try (Cluster cluster = Cluster.start()) {
      ControllerCalls api = new ControllerCalls(cluster);
      api.namespace("tx-scale");
      // bound by name to a node no kubelet runs: pods are never Ready, never confirmed gone
      api.post(DEPLOYS, "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":"
          + "{\"name\":\"web\"},\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":"
          + "{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
          + "\"spec\":{\"nodeName\":\"fake-idle\",\"containers\":[{\"name\":\"c\","
          + "\"image\":\"nginx:1.27\"}]}}}}");
      await(api, s -> s.path("replicas").asInt() == 3);
      api.call("PATCH", DEPLOYS + "/web", "{\"spec\":{\"template\":{\"metadata\":"
          + "{\"annotations\":{\"rev\":\"2\"}}}}}", MERGE);
      // maxSurge 1, maxUnavailable 0: one new pod and no old one goes
      await(api, s -> s.path("replicas").asInt() == 4 && s.path("updatedReplicas").asInt() == 1);
      scale(api, 4);
      // 5 allowed: the scaling sync gives the one more to the old ReplicaSet (3 * 5 / 4 rounds
      // to 4), the rolling syncs after take it back as unhealthy and give it to the new one
      await(api, s -> s.path("replicas").asInt() == 5 && s.path("updatedReplicas").asInt() == 2);
      assertThat(sizes(api)).containsExactly(3, 2);
      // the ReplicaSet controller makes pods one sync at a time: once the new one reports 2,
      // every pod made for the old one's passing 4 is there to count
      int raced = pods(api).size() - 5;
      assertThat(raced).isBetween(0, 1);
      scale(api, 2);
      // 3 allowed: the old one gives 1 (3 * 3 / 5 rounds to 2), the new one the other
      // (2 * 3 / 5 rounds to 1); maxUnavailable of 2 is 0, so no rolling sync takes more
      await(api, s -> s.path("replicas").asInt() == 3 && s.path("updatedReplicas").asInt() == 1
          && s.path("terminatingReplicas").asInt() == raced + 2);
      assertThat(sizes(api)).containsExactly(2, 1);
      scale(api, 3);
      // 4 allowed: the old one takes the one more (2 * 4 / 3 rounds to 3); none is deleted
      JsonNode s = await(api, x -> x.path("replicas").asInt() == 4);
      assertThat(sizes(api)).containsExactly(3, 1);
      assertThat(s.path("updatedReplicas").asInt()).isEqualTo(1);
      assertThat(s.path("unavailableReplicas").asInt()).isEqualTo(4);
      assertThat(s.path("terminatingReplicas").asInt()).isEqualTo(raced + 2);
      // terminatingReplicas counts the ReplicaSets' pods with a deletionTimestamp
      assertThat(pods(api).stream().filter(p -> p.path("metadata").has("deletionTimestamp"))
          .count()).isEqualTo(raced + 2);
      ControllerCalls.await(500, () -> null, x -> false);
      assertThat(api.get(DEPLOYS + "/web").path("status")).isEqualTo(s);
    }
  }

  /** spec.replicas of the Deployment's ReplicaSets, oldest revision first. */
  private static List<Integer> sizes(ControllerCalls api) {
    List<JsonNode> rs = new ArrayList<>();
    api.get("/apis/apps/v1/namespaces/tx-scale/replicasets").path("items").forEach(rs::add);
    rs.sort(Comparator.comparingInt(r -> r.path("metadata").path("annotations")
        .path("deployment.kubernetes.io/revision").asInt()));
    return rs.stream().map(r -> r.path("spec").path("replicas").asInt()).toList();
  }

  private static List<JsonNode> pods(ControllerCalls api) {
    List<JsonNode> pods = new ArrayList<>();
    api.get("/api/v1/namespaces/tx-scale/pods").path("items").forEach(pods::add);
    return pods;
  }

  private static void scale(ControllerCalls api, int replicas) {
    assertThat(api.call("PATCH", DEPLOYS + "/web/scale", "{\"spec\":{\"replicas\":" + replicas
        + "}}", MERGE).status()).isEqualTo(200);
  }

  /** The Deployment's status once the controller observed its generation and it holds. */
  private static JsonNode await(ControllerCalls api, Predicate<JsonNode> done) {
    JsonNode d = ControllerCalls.await(5000, () -> api.get(DEPLOYS + "/web"), x -> x != null
        && x.path("status").path("observedGeneration").asLong()
            == x.path("metadata").path("generation").asLong() && done.test(x.path("status")));
    assertThat(done.test(d.path("status"))).as(d.path("status").toString()).isTrue();
    return d.path("status");
  }
}
