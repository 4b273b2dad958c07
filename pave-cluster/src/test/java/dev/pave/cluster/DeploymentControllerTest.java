package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deployment and ReplicaSet controllers and the pod stand-in against deployments.json. */
class DeploymentControllerTest {
  private static final String DEPLOYS = "/apis/apps/v1/namespaces/tx-dep/deployments";
  private static final String RSS = "/apis/apps/v1/namespaces/tx-dep/replicasets";
  private static final String PODS = "/api/v1/namespaces/tx-dep/pods";
  private static final String MERGE = "application/merge-patch+json";
  private Cluster cluster;
  private ControllerCalls api;

  @BeforeEach
  void start() {
    cluster = Cluster.start();
    api = new ControllerCalls(cluster);
    api.namespace("tx-dep");
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static String deployment(String name, int replicas, String nodeSelector,
      String extraSpec) {
    return "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\""
        + name + "\"},\"spec\":{\"replicas\":" + replicas + ",\"progressDeadlineSeconds\":600,"
        + (extraSpec == null ? "" : extraSpec + ",")
        + "\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}},\"template\":{\"metadata\":"
        + "{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"nodeSelector\":{" + nodeSelector
        + "},\"terminationGracePeriodSeconds\":5,\"containers\":[{\"name\":\"web\","
        + "\"image\":\"nginx:1.27\"}]}}}}";
  }

  private JsonNode awaitDeployment(String name, long millis,
      java.util.function.Predicate<JsonNode> done) {
    return ControllerCalls.await(millis, () -> api.get(DEPLOYS + "/" + name),
        d -> d != null && done.test(d));
  }

  private static String condition(JsonNode d, String type) {
    for (JsonNode c : d.path("status").path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c.path("status").asText() + " " + c.path("reason").asText() + " "
            + c.path("message").asText();
      }
    }
    return null;
  }

  private List<JsonNode> replicaSets(String app) {
    List<JsonNode> list = new ArrayList<>();
    JsonNode l = api.get(RSS + "?labelSelector=app%3D" + app);
    l.path("items").forEach(list::add);
    return list;
  }

  private static String revision(JsonNode o) {
    return o.path("metadata").path("annotations").path("deployment.kubernetes.io/revision")
        .asText();
  }

  @Test
  void aDeploymentComesUpWithItsReplicaSetAndRunningPods() {
    ControllerCalls.Answer created = api.post(DEPLOYS, deployment("web-a", 3,
        "\"testbed/runs-pods\":\"true\"", null));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);

    JsonNode d = awaitDeployment("web-a", 5000, x -> ("True MinimumReplicasAvailable Deployment "
        + "has minimum availability.").equals(condition(x, "Available"))
        && String.valueOf(condition(x, "Progressing")).contains("NewReplicaSetAvailable"));
    JsonNode status = d.path("status");
    assertThat(status.path("observedGeneration").asInt()).isEqualTo(1);
    assertThat(status.path("replicas").asInt()).isEqualTo(3);
    assertThat(status.path("updatedReplicas").asInt()).isEqualTo(3);
    assertThat(status.path("readyReplicas").asInt()).isEqualTo(3);
    assertThat(status.path("availableReplicas").asInt()).isEqualTo(3);
    assertThat(status.has("unavailableReplicas")).isFalse();
    assertThat(status.path("terminatingReplicas").asInt(-1)).isZero();
    assertThat(revision(d)).isEqualTo("1");
    List<String> order = new ArrayList<>();
    status.path("conditions").forEach(c -> order.add(c.path("type").asText()));
    assertThat(order).containsExactly("Available", "Progressing");

    List<JsonNode> rss = replicaSets("web-a");
    assertThat(rss).hasSize(1);
    JsonNode rs = rss.get(0);
    String hash = rs.path("metadata").path("labels").path("pod-template-hash").asText();
    assertThat(hash).matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
    assertThat(rs.path("metadata").path("name").asText()).isEqualTo("web-a-" + hash);
    assertThat(condition(d, "Progressing")).isEqualTo("True NewReplicaSetAvailable ReplicaSet \""
        + "web-a-" + hash + "\" has successfully progressed.");
    JsonNode annotations = rs.path("metadata").path("annotations");
    assertThat(annotations.path("deployment.kubernetes.io/desired-replicas").asText())
        .isEqualTo("3");
    assertThat(annotations.path("deployment.kubernetes.io/max-replicas").asText())
        .isEqualTo("4");
    assertThat(revision(rs)).isEqualTo("1");
    JsonNode owner = rs.path("metadata").path("ownerReferences").get(0);
    assertThat(owner.path("kind").asText()).isEqualTo("Deployment");
    assertThat(owner.path("controller").asBoolean()).isTrue();
    assertThat(owner.path("blockOwnerDeletion").asBoolean()).isTrue();
    assertThat(rs.path("spec").path("selector").path("matchLabels").path("pod-template-hash")
        .asText()).isEqualTo(hash);
    assertThat(rs.path("status").path("fullyLabeledReplicas").asInt()).isEqualTo(3);

    JsonNode pods = api.get(PODS + "?labelSelector=pod-template-hash%3D" + hash);
    assertThat(pods.path("items").size()).isEqualTo(3);
    JsonNode pod = pods.path("items").get(0);
    assertThat(pod.path("metadata").path("generateName").asText()).isEqualTo("web-a-" + hash
        + "-");
    assertThat(pod.path("spec").path("nodeName").asText()).isEqualTo("fake-run");
    assertThat(pod.path("status").path("phase").asText()).isEqualTo("Running");
    assertThat(pod.path("metadata").path("ownerReferences").get(0).path("kind").asText())
        .isEqualTo("ReplicaSet");
  }

  @Test
  void podsNoNodeCanTakeStayPendingUntilTheDeadlinePasses() {
    api.post(DEPLOYS, deployment("web-stuck", 2, "\"testbed/no-such-node\":\"true\"",
        null).replace("\"progressDeadlineSeconds\":600", "\"progressDeadlineSeconds\":2"));
    JsonNode d = awaitDeployment("web-stuck", 8000,
        x -> String.valueOf(condition(x, "Progressing")).startsWith("False"));
    assertThat(condition(d, "Progressing")).startsWith("False ProgressDeadlineExceeded "
        + "ReplicaSet \"web-stuck-");
    assertThat(condition(d, "Progressing")).endsWith("\" has timed out progressing.");
    assertThat(condition(d, "Available")).isEqualTo("False MinimumReplicasUnavailable "
        + "Deployment does not have minimum availability.");
    assertThat(d.path("status").path("unavailableReplicas").asInt()).isEqualTo(2);
    assertThat(d.path("status").path("updatedReplicas").asInt()).isEqualTo(2);
    assertThat(d.path("status").has("readyReplicas")).isFalse();

    JsonNode pod = api.get(PODS + "?labelSelector=app%3Dweb-stuck").path("items").get(0);
    assertThat(pod.path("status").path("phase").asText()).isEqualTo("Pending");
    JsonNode scheduled = pod.path("status").path("conditions").get(0);
    assertThat(scheduled.path("type").asText()).isEqualTo("PodScheduled");
    assertThat(scheduled.path("status").asText()).isEqualTo("False");
    assertThat(scheduled.path("reason").asText()).isEqualTo("Unschedulable");
    assertThat(scheduled.path("message").asText()).isEqualTo("0/2 nodes are available: 1 "
        + "node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated "
        + "taint(s). no new claims to deallocate, preemption: 0/2 nodes are available: 2 "
        + "Preemption is not helpful for scheduling.");
  }

  @Test
  void aPodAskingMoreThanTheNodeHasStaysPending() {
    api.post(PODS, "{\"metadata\":{\"name\":\"big\"},\"spec\":{\"containers\":[{\"name\":\"c\","
        + "\"image\":\"nginx\",\"resources\":{\"requests\":{\"cpu\":\"8\"}}}]}}");
    api.post(PODS, "{\"metadata\":{\"name\":\"small\"},\"spec\":{\"containers\":[{\"name\":"
        + "\"c\",\"image\":\"nginx\",\"resources\":{\"requests\":{\"cpu\":\"500m\","
        + "\"memory\":\"1Gi\"}}}]}}");
    JsonNode small = ControllerCalls.await(3000, () -> api.get(PODS + "/small"),
        p -> p.path("status").path("phase").asText().equals("Running"));
    assertThat(small.path("spec").path("nodeName").asText()).isEqualTo("fake-run");
    JsonNode big = ControllerCalls.await(3000, () -> api.get(PODS + "/big"),
        p -> p.path("status").path("conditions").size() > 0);
    assertThat(big.path("spec").has("nodeName")).isFalse();
    assertThat(big.path("status").path("conditions").get(0).path("message").asText())
        .startsWith("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated "
            + "taint(s).");
    JsonNode node = api.get("/api/v1/nodes/fake-run");
    assertThat(node.path("status").path("allocatable").path("cpu").asText()).isEqualTo("4");
    assertThat(node.path("status").path("allocatable").path("memory").asText())
        .isEqualTo("16Gi");
  }

  @Test
  void aNewTemplateRollsOutAndUndoReusesTheOldReplicaSet() {
    api.post(DEPLOYS, deployment("web-r", 3, "\"testbed/runs-pods\":\"true\"", null));
    awaitDeployment("web-r", 5000,
        x -> String.valueOf(condition(x, "Progressing")).contains("NewReplicaSetAvailable"));
    JsonNode original = replicaSets("web-r").get(0);

    ControllerCalls.Answer patched = api.call("PATCH", DEPLOYS + "/web-r",
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\","
            + "\"image\":\"nginx:1.28\"}]}}}}", MERGE);
    assertThat(patched.body().path("metadata").path("generation").asInt()).isEqualTo(2);
    JsonNode d = awaitDeployment("web-r", 8000, x -> x.path("status")
        .path("observedGeneration").asInt() == 2 && String.valueOf(condition(x, "Progressing"))
        .contains("NewReplicaSetAvailable") && x.path("status").path("replicas").asInt() == 3
        && x.path("status").path("updatedReplicas").asInt() == 3);
    assertThat(revision(d)).isEqualTo("2");
    List<JsonNode> rss = replicaSets("web-r");
    assertThat(rss).hasSize(2);
    for (JsonNode rs : rss) {
      boolean old = rs.path("metadata").path("uid").equals(original.path("metadata")
          .path("uid"));
      assertThat(rs.path("spec").path("replicas").asInt()).isEqualTo(old ? 0 : 3);
      assertThat(revision(rs)).isEqualTo(old ? "1" : "2");
    }

    JsonNode template = original.path("spec").path("template").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) template.path("metadata").path("labels"))
        .remove("pod-template-hash");
    ControllerCalls.Answer undo = api.call("PATCH", DEPLOYS + "/web-r", "[{\"op\":\"replace\","
        + "\"path\":\"/spec/template\",\"value\":" + template + "},{\"op\":\"replace\","
        + "\"path\":\"/metadata/annotations\",\"value\":{\"deployment.kubernetes.io/revision\":"
        + "\"2\"}}]", "application/json-patch+json");
    assertThat(undo.status()).as(undo.toString()).isEqualTo(200);
    // Right after the undo the old condition (NewReplicaSetAvailable) still stands, as
    // recorded; the rollout is done once the reused ReplicaSet holds all replicas.
    d = awaitDeployment("web-r", 8000, x -> "3".equals(revision(x)) && String.valueOf(
        condition(x, "Progressing")).contains("NewReplicaSetAvailable")
        && x.path("status").path("observedGeneration").asInt() == 3
        && x.path("status").path("updatedReplicas").asInt() == 3
        && x.path("status").path("replicas").asInt() == 3);
    assertThat(d.path("spec").path("template").path("spec").path("containers").get(0)
        .path("image").asText()).isEqualTo("nginx:1.27");
    rss = replicaSets("web-r");
    assertThat(rss).hasSize(2);
    for (JsonNode rs : rss) {
      boolean old = rs.path("metadata").path("uid").equals(original.path("metadata")
          .path("uid"));
      assertThat(revision(rs)).isEqualTo(old ? "3" : "2");
      assertThat(rs.path("spec").path("replicas").asInt()).isEqualTo(old ? 3 : 0);
      if (old) {
        assertThat(rs.path("metadata").path("annotations")
            .path("deployment.kubernetes.io/revision-history").asText()).isEqualTo("1");
      }
    }
  }

  @Test
  void aRolloutWhosePodsNeverBecomeReadyStopsAtTheSurgeAndScalesInProportion() {
    api.post(DEPLOYS, deployment("web-s", 3, "\"testbed/runs-pods\":\"true\"", null));
    awaitDeployment("web-s", 5000, x -> x.path("status").path("availableReplicas").asInt() == 3);
    JsonNode original = replicaSets("web-s").get(0);
    api.call("PATCH", DEPLOYS + "/web-s", "{\"spec\":{\"template\":{\"spec\":{\"containers\":"
        + "[{\"name\":\"web\",\"image\":\"nginx:1.27" + PodLifecycle.NEVER_READY + "\"}]}}}}",
        MERGE);
    // maxSurge 25% of 3 rounds up to 1, maxUnavailable rounds down to 0: one new pod, and no
    // old pod goes while it is not available.
    awaitDeployment("web-s", 5000, x -> x.path("status").path("updatedReplicas").asInt() == 1
        && x.path("status").path("replicas").asInt() == 4);
    ControllerCalls.await(1500, () -> null, x -> false);
    JsonNode d = api.get(DEPLOYS + "/web-s");
    assertThat(d.path("status").path("updatedReplicas").asInt()).isEqualTo(1);
    assertThat(d.path("status").path("availableReplicas").asInt()).isEqualTo(3);
    assertThat(d.path("status").path("unavailableReplicas").asInt()).isEqualTo(1);

    // Scaled to 6 mid-rollout: 8 allowed (maxSurge 2), the 4 more shared 3:1 as the sizes
    // were (old 6, new 2); then the rollout goes on as far as maxUnavailable 1 lets it: one
    // available old pod goes and a new one comes (old 5, new 3), and there it stays.
    api.call("PATCH", DEPLOYS + "/web-s", "{\"spec\":{\"replicas\":6}}", MERGE);
    String uid = original.path("metadata").path("uid").asText();
    String sizes = ControllerCalls.await(5000, () -> {
      int[] n = new int[2];
      for (JsonNode rs : replicaSets("web-s")) {
        n[rs.path("metadata").path("uid").asText().equals(uid) ? 0 : 1] +=
            rs.path("spec").path("replicas").asInt();
      }
      return "old " + n[0] + ";new " + n[1] + ";";
    }, x -> x.equals("old 5;new 3;"));
    assertThat(sizes).isEqualTo("old 5;new 3;");
    d = awaitDeployment("web-s", 5000, x -> x.path("status").path("replicas").asInt() == 8);
    assertThat(d.path("status").path("availableReplicas").asInt()).isEqualTo(5);
    assertThat(condition(d, "Available")).startsWith("True");
  }

  @Test
  void aPausedDeploymentRollsOutNothingUntilResumed() throws Exception {
    api.post(DEPLOYS, deployment("web-p", 1, "\"testbed/runs-pods\":\"true\"", null));
    awaitDeployment("web-p", 5000,
        x -> String.valueOf(condition(x, "Progressing")).contains("NewReplicaSetAvailable"));
    api.call("PATCH", DEPLOYS + "/web-p", "{\"spec\":{\"paused\":true}}", MERGE);
    JsonNode d = awaitDeployment("web-p", 3000,
        x -> String.valueOf(condition(x, "Progressing")).contains("DeploymentPaused")
            && x.path("status").path("observedGeneration").asInt() == 2);
    assertThat(condition(d, "Progressing")).isEqualTo("Unknown DeploymentPaused Deployment is "
        + "paused");
    assertThat(d.path("status").path("observedGeneration").asInt()).isEqualTo(2);

    api.call("PATCH", DEPLOYS + "/web-p", "{\"spec\":{\"template\":{\"spec\":{\"containers\":"
        + "[{\"name\":\"web\",\"image\":\"nginx:1.28\"}]}}}}", MERGE);
    Thread.sleep(700);
    assertThat(replicaSets("web-p")).hasSize(1);

    api.call("PATCH", DEPLOYS + "/web-p", "{\"spec\":{\"paused\":false}}", MERGE);
    d = awaitDeployment("web-p", 5000, x -> "2".equals(revision(x)) && String.valueOf(
        condition(x, "Progressing")).contains("NewReplicaSetAvailable"));
    assertThat(d.path("status").path("observedGeneration").asInt()).isEqualTo(4);
    assertThat(replicaSets("web-p")).hasSize(2);
  }

  @Test
  void foregroundDeletionTakesPodsThenReplicaSetThenDeployment() {
    api.post(DEPLOYS, deployment("fg", 2, "\"testbed/runs-pods\":\"true\"", null));
    awaitDeployment("fg", 5000,
        x -> String.valueOf(condition(x, "Progressing")).contains("NewReplicaSetAvailable"));
    String rsName = replicaSets("fg").get(0).path("metadata").path("name").asText();

    List<String> seen = new ArrayList<>();
    cluster.store().follow(cluster.store().resourceVersion(), e -> {
      if (e.type().equals("DELETED")) {
        seen.add(e.key().split("/")[1]);
      }
    });
    ControllerCalls.Answer deleted = api.call("DELETE", DEPLOYS + "/fg",
        "{\"apiVersion\":\"v1\",\"kind\":\"DeleteOptions\",\"propagationPolicy\":\"Foreground\"}");
    assertThat(deleted.body().path("kind").asText()).isEqualTo("Deployment");
    assertThat(deleted.body().path("metadata").path("finalizers").toString())
        .isEqualTo("[\"foregroundDeletion\"]");
    assertThat(deleted.body().path("metadata").path("generation").asInt()).isEqualTo(2);

    assertThat(api.gone(DEPLOYS + "/fg", 5000)).isTrue();
    assertThat(api.call("GET", RSS + "/" + rsName, null).status()).isEqualTo(404);
    assertThat(api.get(PODS + "?labelSelector=app%3Dfg").path("items").size()).isZero();
    assertThat(seen).containsExactly("pods", "pods", "replicasets", "deployments");
  }

  @Test
  void backgroundDeletionRemovesTheDeploymentAtOnceAndThenItsReplicaSetAndPods() {
    api.post(DEPLOYS, deployment("bg", 2, "\"testbed/runs-pods\":\"true\"", null));
    awaitDeployment("bg", 5000,
        x -> String.valueOf(condition(x, "Progressing")).contains("NewReplicaSetAvailable"));
    ControllerCalls.Answer deleted = api.call("DELETE", DEPLOYS + "/bg",
        "{\"propagationPolicy\":\"Background\"}");
    assertThat(deleted.body().path("kind").asText()).isEqualTo("Status");
    assertThat(deleted.body().path("details").path("group").asText()).isEqualTo("apps");
    assertThat(deleted.body().path("details").path("kind").asText()).isEqualTo("deployments");
    assertThat(api.call("GET", DEPLOYS + "/bg", null).status()).isEqualTo(404);
    assertThat(ControllerCalls.await(3000, () -> api.get(RSS + "?labelSelector=app%3Dbg")
        .path("items").size(), n -> n == 0)).isZero();
    assertThat(ControllerCalls.await(3000, () -> api.get(PODS + "?labelSelector=app%3Dbg")
        .path("items").size(), n -> n == 0)).isZero();
  }

  @Test
  void orphanDeletionLeavesTheReplicaSetRunningWithoutOwner() {
    api.post(DEPLOYS, deployment("orph", 2, "\"testbed/runs-pods\":\"true\"", null));
    awaitDeployment("orph", 5000,
        x -> String.valueOf(condition(x, "Progressing")).contains("NewReplicaSetAvailable"));
    ControllerCalls.Answer deleted = api.call("DELETE", DEPLOYS + "/orph",
        "{\"propagationPolicy\":\"Orphan\"}");
    assertThat(deleted.body().path("metadata").path("finalizers").toString())
        .isEqualTo("[\"orphan\"]");
    assertThat(api.gone(DEPLOYS + "/orph", 3000)).isTrue();
    JsonNode rs = replicaSets("orph").get(0);
    assertThat(rs.path("metadata").has("ownerReferences")).isFalse();
    assertThat(rs.path("status").path("readyReplicas").asInt()).isEqualTo(2);
    assertThat(api.get(PODS + "?labelSelector=app%3Dorph").path("items").size()).isEqualTo(2);

    ControllerCalls.Answer rsDeleted = api.call("DELETE", RSS + "/"
        + rs.path("metadata").path("name").asText(), null);
    assertThat(rsDeleted.body().path("kind").asText()).isEqualTo("Status");
    assertThat(rsDeleted.body().path("details").path("kind").asText()).isEqualTo("replicasets");
  }
  @Test
  void podsThatNeverBecomeReadyRunOutTheDeadline() {
    api.post(DEPLOYS, deployment("web-crash", 1, "\"testbed/runs-pods\":\"true\"", null)
        .replace("\"progressDeadlineSeconds\":600", "\"progressDeadlineSeconds\":2")
        .replace("nginx:1.27", "nginx:1.27-crashloop"));
    JsonNode d = awaitDeployment("web-crash", 8000,
        x -> String.valueOf(condition(x, "Progressing")).startsWith("False"));
    assertThat(condition(d, "Progressing")).startsWith("False ProgressDeadlineExceeded");
    JsonNode pod = api.get(PODS + "?labelSelector=app%3Dweb-crash").path("items").get(0);
    assertThat(pod.path("status").path("phase").asText()).isEqualTo("Running");
    assertThat(pod.path("status").path("containerStatuses").get(0).path("state")
        .path("waiting").path("reason").asText()).isEqualTo("CrashLoopBackOff");
    assertThat(ReplicaSetController.isReady(pod)).isFalse();
  }

  @Test
  void recreateScalesTheOldReplicaSetDownBeforeTheNewOneIsMade() {
    api.post(DEPLOYS, deployment("web-rc", 2, "\"testbed/runs-pods\":\"true\"",
        "\"strategy\":{\"type\":\"Recreate\"}"));
    awaitDeployment("web-rc", 5000,
        x -> String.valueOf(condition(x, "Progressing")).contains("NewReplicaSetAvailable"));
    String first = replicaSets("web-rc").get(0).path("metadata").path("name").asText();
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    cluster.store().follow(cluster.store().resourceVersion(), e -> {
      if (!e.key().startsWith("apps/replicasets/tx-dep/web-rc-")) {
        return;
      }
      String name = e.object().path("metadata").path("name").asText();
      if (e.type().equals("ADDED")) {
        order.add("created " + (name.equals(first) ? "old" : "new"));
      } else if (name.equals(first) && e.object().path("spec").path("replicas").asInt() == 0
          && !order.contains("old scaled to 0")) {
        order.add("old scaled to 0");
      }
    });
    api.call("PATCH", DEPLOYS + "/web-rc", "{\"spec\":{\"template\":{\"spec\":{"
        + "\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.28\"}]}}}}", MERGE);
    JsonNode d = awaitDeployment("web-rc", 8000, x -> "2".equals(revision(x))
        && String.valueOf(condition(x, "Progressing")).contains("NewReplicaSetAvailable")
        && x.path("status").path("availableReplicas").asInt() == 2);
    assertThat(d.path("status").path("updatedReplicas").asInt()).isEqualTo(2);
    assertThat(order).containsExactly("old scaled to 0", "created new");
  }
}
