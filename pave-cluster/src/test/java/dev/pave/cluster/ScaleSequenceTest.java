package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The scale sequence of subresources.json (#33-#41) with the controller given time to act on
 * each write: the recorded end state (old ReplicaSet 3, new 1, 2 pods terminating) is what
 * kube-controller-manager's proportional scaling gives when it acts on 4, 2 and 3, which the
 * conformance replay cannot hold because there the writes come back to back.
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
      // 5 allowed: the one more goes to the old ReplicaSet (3 * 5 / 4 rounds to 4)
      await(api, s -> s.path("replicas").asInt() == 5);
      scale(api, 2);
      // 3 allowed: the old one gives both (4 * 3 / 5 rounds to 2), its 2 pods terminate
      await(api, s -> s.path("replicas").asInt() == 3 && s.path("terminatingReplicas").asInt() == 2);
      scale(api, 3);
      // 4 allowed: the old one takes the one more (2 * 4 / 3 rounds to 3)
      JsonNode s = await(api, x -> x.path("replicas").asInt() == 4);
      assertThat(s.path("updatedReplicas").asInt()).isEqualTo(1);
      assertThat(s.path("unavailableReplicas").asInt()).isEqualTo(4);
      assertThat(s.path("terminatingReplicas").asInt()).isEqualTo(2);
      ControllerCalls.await(500, () -> null, x -> false);
      assertThat(api.get(DEPLOYS + "/web").path("status")).isEqualTo(s);
    }
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
