package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The ReplicaSet controller: keeps as many live pods as a ReplicaSet asks for, each owned by
 * it and made from its template, and reports in its status how many there are, how many are
 * ready and available, and how many are still terminating.
 */
final class ReplicaSetController extends Controller {
  private static final String PREFIX = "apps/replicasets/";

  ReplicaSetController() {
    super("replicaset-controller");
  }

  @Override
  boolean wants(Store.Event e) {
    return e.key().startsWith(PREFIX) || e.key().startsWith("/pods/");
  }

  @Override
  void initial() {
    for (ObjectNode rs : cluster.store().list(PREFIX).items()) {
      JsonNode m = rs.path("metadata");
      sync(PREFIX + m.path("namespace").asText() + "/" + m.path("name").asText());
    }
  }

  @Override
  void handle(Store.Event e) {
    if (e.key().startsWith(PREFIX)) {
      if (!e.type().equals("DELETED")) {
        sync(e.key());
      }
      return;
    }
    JsonNode ref = controllerRef(e.object());
    if (ref != null && ref.path("kind").asText().equals("ReplicaSet")
        && ref.path("apiVersion").asText().startsWith("apps/")) {
      sync(PREFIX + e.object().path("metadata").path("namespace").asText() + "/"
          + ref.path("name").asText());
    }
  }

  /**
   * ReplicaSets with minReadySeconds whose ready pods are not all available yet are looked
   * at again, as the real controller requeues them after minReadySeconds.
   */
  @Override
  void tick() {
    for (ObjectNode rs : cluster.store().list(PREFIX).items()) {
      JsonNode s = rs.path("status");
      if (rs.path("spec").path("minReadySeconds").asInt(0) > 0
          && s.path("readyReplicas").asInt(0) > s.path("availableReplicas").asInt(0)) {
        JsonNode m = rs.path("metadata");
        sync(PREFIX + m.path("namespace").asText() + "/" + m.path("name").asText());
      }
    }
  }

  /** Ready for at least minReadySeconds (by its Ready condition's transition time). */
  static boolean isAvailable(JsonNode pod, int minReadySeconds, java.time.Instant now) {
    if (!isReady(pod)) {
      return false;
    }
    if (minReadySeconds <= 0) {
      return true;
    }
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        try {
          return !java.time.Instant.parse(c.path("lastTransitionTime").asText())
              .plusSeconds(minReadySeconds).isAfter(now);
        } catch (java.time.format.DateTimeParseException e) {
          return false;
        }
      }
    }
    return false;
  }

  static JsonNode controllerRef(JsonNode o) {
    for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
      if (ref.path("controller").asBoolean()) {
        return ref;
      }
    }
    return null;
  }

  private void sync(String key) {
    ObjectNode rs = cluster.store().get(key);
    if (rs == null) {
      return;
    }
    JsonNode meta = rs.path("metadata");
    String ns = meta.path("namespace").asText();
    List<ObjectNode> pods = ownedPods(ns, meta.path("uid").asText());
    List<ObjectNode> active = new ArrayList<>();
    for (ObjectNode p : pods) {
      if (isActive(p)) {
        active.add(p);
      }
    }
    String failure = null;
    if (!meta.hasNonNull("deletionTimestamp")) {
      failure = manageReplicas(rs, ns, active);
    }
    writeStatus(rs, ns, pods, active, failure);
  }

  private List<ObjectNode> ownedPods(String ns, String uid) {
    List<ObjectNode> owned = new ArrayList<>();
    for (ObjectNode p : cluster.store().list("/pods/" + ns + "/").items()) {
      JsonNode ref = controllerRef(p);
      if (ref != null && ref.path("uid").asText().equals(uid)) {
        owned.add(p);
      }
    }
    return owned;
  }

  static boolean isActive(JsonNode pod) {
    String phase = pod.path("status").path("phase").asText("");
    return !pod.path("metadata").hasNonNull("deletionTimestamp") && !phase.equals("Succeeded")
        && !phase.equals("Failed");
  }

  static boolean isReady(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return c.path("status").asText().equals("True");
      }
    }
    return false;
  }

  /** Creates or deletes pods towards spec.replicas; the message of a failed create, if any. */
  private String manageReplicas(ObjectNode rs, String ns, List<ObjectNode> active) {
    int want = rs.path("spec").path("replicas").asInt(1);
    int diff = active.size() - want;
    if (diff < 0) {
      for (int i = 0; i < -diff; i++) {
        Response r = cluster.internalWrite("POST", "/api/v1/namespaces/" + ns + "/pods",
            podFor(rs));
        if (r.status() >= 300) {
          return message(r);
        }
      }
    } else if (diff > 0) {
      List<ObjectNode> victims = new ArrayList<>(active);
      victims.sort(DELETE_FIRST);
      for (ObjectNode p : victims.subList(0, diff)) {
        cluster.internalWrite("DELETE", "/api/v1/namespaces/" + ns + "/pods/"
            + p.path("metadata").path("name").asText(), null);
      }
    }
    return null;
  }

  /** Which pods go first on scale-down: unscheduled, then not running, not ready, newest. */
  private static final Comparator<ObjectNode> DELETE_FIRST = Comparator
      .comparing((ObjectNode p) -> !p.path("spec").path("nodeName").asText("").isEmpty())
      .thenComparing(p -> p.path("status").path("phase").asText("").equals("Running"))
      .thenComparing(ReplicaSetController::isReady)
      .thenComparing(p -> p.path("metadata").path("creationTimestamp").asText(""),
          Comparator.reverseOrder());

  private static ObjectNode podFor(ObjectNode rs) {
    JsonNode meta = rs.path("metadata");
    JsonNode template = rs.path("spec").path("template");
    ObjectNode pod = Json.object();
    pod.put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode pm = pod.putObject("metadata");
    pm.put("generateName", meta.path("name").asText() + "-");
    for (String f : List.of("labels", "annotations")) {
      if (template.path("metadata").has(f)) {
        pm.set(f, template.path("metadata").get(f).deepCopy());
      }
    }
    pm.putArray("ownerReferences").addObject().put("apiVersion", "apps/v1")
        .put("kind", "ReplicaSet").put("name", meta.path("name").asText())
        .put("uid", meta.path("uid").asText()).put("controller", true)
        .put("blockOwnerDeletion", true);
    pod.set("spec", template.path("spec").deepCopy());
    return pod;
  }

  private static String message(Response r) {
    try {
      return Json.parse(r.body()).path("message").asText("");
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private void writeStatus(ObjectNode rs, String ns, List<ObjectNode> pods,
      List<ObjectNode> active, String failure) {
    JsonNode templateLabels = rs.path("spec").path("template").path("metadata").path("labels");
    int fullyLabeled = 0;
    int ready = 0;
    int available = 0;
    int terminating = 0;
    int minReady = rs.path("spec").path("minReadySeconds").asInt(0);
    java.time.Instant now = java.time.Instant.now();
    for (ObjectNode p : active) {
      if (hasLabels(p.path("metadata").path("labels"), templateLabels)) {
        fullyLabeled++;
      }
      if (isReady(p)) {
        ready++;
      }
      if (isAvailable(p, minReady, now)) {
        available++;
      }
    }
    for (ObjectNode p : pods) {
      String phase = p.path("status").path("phase").asText("");
      if (p.path("metadata").hasNonNull("deletionTimestamp") && !phase.equals("Succeeded")
          && !phase.equals("Failed")) {
        terminating++;
      }
    }
    ObjectNode status = Json.object();
    status.put("replicas", active.size());
    putIfPositive(status, "fullyLabeledReplicas", fullyLabeled);
    putIfPositive(status, "readyReplicas", ready);
    putIfPositive(status, "availableReplicas", available);
    status.put("terminatingReplicas", terminating);
    status.put("observedGeneration", rs.path("metadata").path("generation").asLong(1));
    JsonNode old = rs.path("status");
    JsonNode oldFailure = null;
    for (JsonNode c : old.path("conditions")) {
      if (c.path("type").asText().equals("ReplicaFailure")) {
        oldFailure = c;
      }
    }
    if (failure != null) {
      ObjectNode c = status.putArray("conditions").addObject();
      c.put("type", "ReplicaFailure").put("status", "True").put("lastTransitionTime",
          oldFailure != null ? oldFailure.path("lastTransitionTime").asText() : Json.now());
      c.put("reason", "FailedCreate").put("message", failure);
    }
    if (status.equals(old)) {
      return;
    }
    ObjectNode updated = rs.deepCopy();
    updated.set("status", status);
    cluster.internalWrite("PUT", "/apis/apps/v1/namespaces/" + ns + "/replicasets/"
        + rs.path("metadata").path("name").asText() + "/status", updated);
  }

  private static void putIfPositive(ObjectNode o, String field, int value) {
    if (value > 0) {
      o.put(field, value);
    }
  }

  private static boolean hasLabels(JsonNode labels, JsonNode wanted) {
    for (var it = wanted.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }
}
