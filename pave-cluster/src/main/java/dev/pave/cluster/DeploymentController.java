package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Deployment controller, step for step as kube-controller-manager's: one ReplicaSet per
 * pod template (named and labelled by the template's hash), revisions that only grow and
 * follow a template back to its old ReplicaSet, rolling updates bounded by maxSurge and
 * maxUnavailable, Recreate, pause and resume, and the status and conditions (Available,
 * Progressing with its deadline) in the real controller's reasons and words.
 */
final class DeploymentController extends Controller {
  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
  static final String DESIRED = "deployment.kubernetes.io/desired-replicas";
  static final String MAX = "deployment.kubernetes.io/max-replicas";
  static final String HASH = "pod-template-hash";
  private static final String PREFIX = "apps/deployments/";
  private static final String RS_PREFIX = "apps/replicasets/";
  private static final long NO_DEADLINE = Integer.MAX_VALUE;
  private static final List<String> NOT_COPIED = List.of(
      "kubectl.kubernetes.io/last-applied-configuration", REVISION, REVISION_HISTORY, DESIRED,
      MAX, "deprecated.deployment.rollback.to");

  DeploymentController() {
    super("deployment-controller");
  }

  @Override
  boolean wants(Store.Event e) {
    return e.key().startsWith(PREFIX) || e.key().startsWith(RS_PREFIX);
  }

  @Override
  long tickMillis() {
    return 500;
  }

  @Override
  void initial() {
    for (ObjectNode d : cluster.store().list(PREFIX).items()) {
      sync(PREFIX + d.path("metadata").path("namespace").asText() + "/"
          + d.path("metadata").path("name").asText());
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
    JsonNode ref = ReplicaSetController.controllerRef(e.object());
    if (ref != null && ref.path("kind").asText().equals("Deployment")
        && ref.path("apiVersion").asText().startsWith("apps/")) {
      sync(PREFIX + e.object().path("metadata").path("namespace").asText() + "/"
          + ref.path("name").asText());
    }
  }

  /**
   * Deployments still progressing are looked at again, as the real one requeues them; so is
   * one whose newest generation no sync has recorded yet (its status write lost a conflict),
   * as the real one requeues a sync that failed.
   */
  @Override
  void tick() {
    for (ObjectNode d : cluster.store().list(PREFIX).items()) {
      JsonNode c = condition(d.path("status"), "Progressing");
      boolean unobserved = d.path("status").path("observedGeneration").asLong(0)
          < d.path("metadata").path("generation").asLong(0);
      if (unobserved || c != null && c.path("status").asText().equals("True")
          && !c.path("reason").asText().equals("NewReplicaSetAvailable")) {
        sync(PREFIX + d.path("metadata").path("namespace").asText() + "/"
            + d.path("metadata").path("name").asText());
      }
    }
  }

  // ---- the sync ----

  private void sync(String key) {
    // ReplicaSets are read before the Deployment: a Deployment read as not deleted then had
    // all its ReplicaSets still there, so none is made again for one its deletion removed.
    List<ObjectNode> listed = cluster.store().list(RS_PREFIX + key.split("/")[2] + "/").items();
    ObjectNode d = cluster.store().get(key);
    if (d == null) {
      return;
    }
    List<ObjectNode> rsList = owned(d, listed);
    if (d.path("metadata").hasNonNull("deletionTimestamp")) {
      Revisioned all = syncRevisions(d, rsList, false);
      if (all != null) {
        syncStatus(all.d, all.replicaSets(), all.newRs);
      }
      return;
    }
    if (d.path("spec").path("selector").isEmpty()) {
      return;
    }
    d = checkPausedConditions(d);
    if (d == null) {
      return;
    }
    if (d.path("spec").path("paused").asBoolean() || isScalingEvent(d, rsList)) {
      syncScale(d, replicaSets(d));
      return;
    }
    if (d.path("spec").path("strategy").path("type").asText("RollingUpdate")
        .equals("Recreate")) {
      rolloutRecreate(d, rsList);
    } else {
      rolloutRolling(d, rsList);
    }
  }

  private List<ObjectNode> replicaSets(ObjectNode d) {
    return owned(d, cluster.store().list(RS_PREFIX + namespace(d) + "/").items());
  }

  private static List<ObjectNode> owned(ObjectNode d, List<ObjectNode> candidates) {
    String uid = d.path("metadata").path("uid").asText();
    List<ObjectNode> owned = new ArrayList<>();
    for (ObjectNode rs : candidates) {
      JsonNode ref = ReplicaSetController.controllerRef(rs);
      if (ref != null && ref.path("uid").asText().equals(uid)) {
        owned.add(rs);
      }
    }
    owned.sort(BY_CREATION);
    return owned;
  }

  private static final Comparator<JsonNode> BY_CREATION = Comparator
      .comparing((JsonNode rs) -> rs.path("metadata").path("creationTimestamp").asText(""))
      .thenComparing(rs -> rs.path("metadata").path("name").asText());

  /** The Deployment as last written, its new ReplicaSet (or null) and the old ones. */
  private static final class Revisioned {
    ObjectNode d;
    ObjectNode newRs;
    List<ObjectNode> old;

    Revisioned(ObjectNode d, ObjectNode newRs, List<ObjectNode> old) {
      this.d = d;
      this.newRs = newRs;
      this.old = old;
    }

    List<ObjectNode> replicaSets() {
      List<ObjectNode> all = new ArrayList<>(old);
      if (newRs != null) {
        all.add(newRs);
      }
      return all;
    }

    void replace(ObjectNode rs) {
      String uid = rs.path("metadata").path("uid").asText();
      if (newRs != null && newRs.path("metadata").path("uid").asText().equals(uid)) {
        newRs = rs;
      }
      old.replaceAll(o -> o.path("metadata").path("uid").asText().equals(uid) ? rs : o);
    }
  }

  /**
   * Finds the ReplicaSet of the current template (creating it when asked), gives it the next
   * revision when an older one has a higher one, and writes the revision onto the
   * Deployment. Null when a write failed and the next change will try again.
   */
  private Revisioned syncRevisions(ObjectNode d, List<ObjectNode> rsList, boolean create) {
    ObjectNode newRs = null;
    List<ObjectNode> old = new ArrayList<>();
    for (ObjectNode rs : rsList) {
      if (newRs == null && sameTemplate(rs, d)) {
        newRs = rs;
      } else {
        old.add(rs);
      }
    }
    long maxOld = 0;
    for (ObjectNode rs : old) {
      maxOld = Math.max(maxOld, revision(rs));
    }
    String newRevision = Long.toString(maxOld + 1);
    if (newRs != null) {
      ObjectNode copy = newRs.deepCopy();
      boolean annotated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
      int minReady = d.path("spec").path("minReadySeconds").asInt(0);
      boolean minReadyChanged = copy.path("spec").path("minReadySeconds").asInt(0) != minReady;
      if (minReadyChanged) {
        if (minReady == 0) {
          copy.with("spec").remove("minReadySeconds");
        } else {
          copy.with("spec").put("minReadySeconds", minReady);
        }
      }
      if (annotated || minReadyChanged) {
        copy = write("PUT", rsPath(copy), copy);
        if (copy == null) {
          return null;
        }
        newRs = copy;
      }
      boolean needsUpdate = false;
      ObjectNode status = d.with("status");
      if (hasProgressDeadline(d) && condition(status, "Progressing") == null) {
        setCondition(status, newCondition("Progressing", "True", "FoundNewReplicaSet",
            "Found new replica set \"" + name(newRs) + "\""));
        needsUpdate = true;
      }
      // The sync goes on with the Deployment as read (the real controller drops what
      // UpdateStatus returns): a later status write in the same sync then conflicts, and
      // the next sync (a ReplicaSet's or pod's change, or the tick) writes it.
      return writeDeployment(d, annotation(newRs, REVISION), needsUpdate) == null ? null
          : new Revisioned(d, newRs, old);
    }
    if (!create) {
      return new Revisioned(d, null, old);
    }
    ObjectNode created = createReplicaSet(d, old, newRevision);
    if (created == null) {
      return null;
    }
    ObjectNode status = d.with("status");
    boolean needsUpdate = false;
    if (hasProgressDeadline(d) && !created.has("existed")) {
      setCondition(status, newCondition("Progressing", "True", "NewReplicaSetCreated",
          "Created new replica set \"" + name(created) + "\""));
      needsUpdate = true;
    }
    created.remove("existed");
    return writeDeployment(d, newRevision, needsUpdate) == null ? null
        : new Revisioned(d, created, old);
  }

  private ObjectNode createReplicaSet(ObjectNode d, List<ObjectNode> old, String revision) {
    JsonNode collision = d.path("status").path("collisionCount");
    String hash = templateHash(d.path("spec").path("template"),
        collision.isNumber() ? collision.asLong() : null);
    String name = name(d) + "-" + hash;
    ObjectNode rs = Json.object();
    rs.put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
    ObjectNode meta = rs.putObject("metadata");
    meta.put("name", name).put("namespace", namespace(d));
    ObjectNode template = d.path("spec").path("template").deepCopy();
    ObjectNode labels = template.with("metadata").with("labels");
    labels.put(HASH, hash);
    meta.set("labels", labels.deepCopy());
    meta.putArray("ownerReferences").addObject().put("apiVersion", "apps/v1")
        .put("kind", "Deployment").put("name", name(d))
        .put("uid", d.path("metadata").path("uid").asText()).put("controller", true)
        .put("blockOwnerDeletion", true);
    ObjectNode spec = rs.putObject("spec");
    List<ObjectNode> all = new ArrayList<>(old);
    spec.put("replicas", newReplicaCount(d, all, 0));
    spec.put("minReadySeconds", d.path("spec").path("minReadySeconds").asInt(0));
    if (spec.path("minReadySeconds").asInt() == 0) {
      spec.remove("minReadySeconds");
    }
    ObjectNode selector = d.path("spec").path("selector").deepCopy();
    selector.with("matchLabels").put(HASH, hash);
    spec.set("selector", selector);
    spec.set("template", template);
    setNewReplicaSetAnnotations(d, rs, revision, false);
    Response r = cluster.internalWrite("POST", "/apis/apps/v1/namespaces/" + namespace(d)
        + "/replicasets", rs);
    if (r.status() == 201) {
      return parse(r);
    }
    if (r.status() == 409) {
      ObjectNode existing = cluster.store().get(RS_PREFIX + namespace(d) + "/" + name);
      JsonNode ref = existing == null ? null : ReplicaSetController.controllerRef(existing);
      if (ref != null && ref.path("uid").asText().equals(d.path("metadata").path("uid")
          .asText())) {
        existing.put("existed", true);
        return existing;
      }
      // Someone else's ReplicaSet has the name: the next hash is taken with a new count.
      ObjectNode status = d.with("status");
      status.put("collisionCount", collision.asLong(0) + 1);
      write("PUT", path(d) + "/status", d);
    }
    return null;
  }

  /**
   * The revision onto the Deployment and its status if asked, in one write to /status as the
   * real controller's UpdateStatus (the status strategy keeps annotations).
   */
  private ObjectNode writeDeployment(ObjectNode d, String revision, boolean status) {
    if (revision != null && !revision.isEmpty() && !revision.equals(annotation(d, REVISION))) {
      d.with("metadata").with("annotations").put(REVISION, revision);
      status = true;
    }
    if (status) {
      return write("PUT", path(d) + "/status", d);
    }
    return d;
  }

  /** Copies the Deployment's annotations, sets the revision and replica annotations. */
  private static boolean setNewReplicaSetAnnotations(ObjectNode d, ObjectNode rs,
      String newRevision, boolean exists) {
    ObjectNode annotations = rs.with("metadata").with("annotations");
    boolean changed = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = d.path("metadata").path("annotations")
        .fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (NOT_COPIED.contains(e.getKey()) || e.getValue().equals(annotations.get(e.getKey()))) {
        continue;
      }
      annotations.set(e.getKey(), e.getValue());
      changed = true;
    }
    String oldRevision = annotations.path(REVISION).asText("");
    if (number(oldRevision) < number(newRevision)) {
      annotations.put(REVISION, newRevision);
      changed = true;
      if (exists && !oldRevision.isEmpty()) {
        String history = annotations.path(REVISION_HISTORY).asText("");
        annotations.put(REVISION_HISTORY, history.isEmpty() ? oldRevision
            : history + "," + oldRevision);
      }
    }
    if (!exists) {
      changed |= setReplicasAnnotations(rs, d);
    }
    if (annotations.isEmpty()) {
      rs.with("metadata").remove("annotations");
    }
    return changed;
  }

  private static boolean setReplicasAnnotations(ObjectNode rs, ObjectNode d) {
    int replicas = replicas(d);
    ObjectNode annotations = rs.with("metadata").with("annotations");
    String desired = Integer.toString(replicas);
    String max = Integer.toString(replicas + maxSurge(d));
    if (desired.equals(annotations.path(DESIRED).asText(null))
        && max.equals(annotations.path(MAX).asText(null))) {
      return false;
    }
    annotations.put(DESIRED, desired).put(MAX, max);
    return true;
  }

  // ---- rolling update ----

  private void rolloutRolling(ObjectNode d, List<ObjectNode> rsList) {
    Revisioned all = syncRevisions(d, rsList, true);
    if (all == null) {
      return;
    }
    if (reconcileNewReplicaSet(all) || reconcileOldReplicaSets(all)) {
      syncRolloutStatus(all);
      return;
    }
    if (complete(all.d, all.d.path("status"))) {
      cleanup(all);
    }
    syncRolloutStatus(all);
  }

  private boolean reconcileNewReplicaSet(Revisioned all) {
    ObjectNode newRs = all.newRs;
    int want = replicas(all.d);
    int current = replicas(newRs);
    if (current == want) {
      return false;
    }
    if (current > want) {
      return scale(all, newRs, want);
    }
    return scale(all, newRs, newReplicaCount(all.d, all.replicaSets(), current));
  }

  /** How many pods the new ReplicaSet may have now, as maxSurge allows. */
  private static int newReplicaCount(ObjectNode d, List<ObjectNode> all, int newCurrent) {
    int want = replicas(d);
    if (isRecreate(d)) {
      return want;
    }
    int surge = resolve(d, "maxSurge", want, true);
    int current = sumSpec(all);
    int maxTotal = want + surge;
    if (current >= maxTotal) {
      return newCurrent;
    }
    return newCurrent + Math.min(maxTotal - current, want - newCurrent);
  }

  private boolean reconcileOldReplicaSets(Revisioned all) {
    if (sumSpec(all.old) == 0) {
      return false;
    }
    ObjectNode d = all.d;
    int minAvailable = replicas(d) - maxUnavailable(d);
    int newUnavailable = replicas(all.newRs)
        - all.newRs.path("status").path("availableReplicas").asInt(0);
    int maxScaledDown = sumSpec(all.replicaSets()) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) {
      return false;
    }
    int cleaned = 0;
    for (ObjectNode rs : new ArrayList<>(all.old)) {
      if (cleaned >= maxScaledDown) {
        break;
      }
      int spec = replicas(rs);
      int available = rs.path("status").path("availableReplicas").asInt(0);
      if (spec == 0 || spec == available) {
        continue;
      }
      if (spec < available) {
        // Its status still counts pods already scaled away: the real controller refuses to
        // "clean up" upwards and tries again on the next change.
        return cleaned > 0;
      }
      int down = Math.min(maxScaledDown - cleaned, spec - available);
      scale(all, rs, spec - down);
      cleaned += down;
    }
    int available = 0;
    for (ObjectNode rs : all.replicaSets()) {
      available += rs.path("status").path("availableReplicas").asInt(0);
    }
    int scaledDown = 0;
    if (available > minAvailable) {
      int total = available - minAvailable;
      for (ObjectNode rs : new ArrayList<>(all.old)) {
        if (scaledDown >= total) {
          break;
        }
        int spec = replicas(rs);
        if (spec == 0) {
          continue;
        }
        int down = Math.min(spec, total - scaledDown);
        scale(all, rs, spec - down);
        scaledDown += down;
      }
    }
    return cleaned + scaledDown > 0;
  }

  // ---- Recreate ----

  private void rolloutRecreate(ObjectNode d, List<ObjectNode> rsList) {
    Revisioned all = syncRevisions(d, rsList, false);
    if (all == null) {
      return;
    }
    boolean scaledDown = false;
    for (ObjectNode rs : new ArrayList<>(all.old)) {
      if (replicas(rs) > 0) {
        scaledDown |= scale(all, rs, 0);
      }
    }
    if (scaledDown) {
      syncRolloutStatus(all);
      return;
    }
    for (ObjectNode rs : all.old) {
      JsonNode s = rs.path("status");
      if (s.path("replicas").asInt(0) > 0 || s.path("terminatingReplicas").asInt(0) > 0) {
        syncRolloutStatus(all);
        return;
      }
    }
    if (all.newRs == null) {
      all = syncRevisions(all.d, replicaSets(all.d), true);
      if (all == null) {
        return;
      }
    }
    scale(all, all.newRs, replicas(all.d));
    if (complete(all.d, all.d.path("status"))) {
      cleanup(all);
    }
    syncRolloutStatus(all);
  }

  // ---- paused, scaled ----

  private ObjectNode checkPausedConditions(ObjectNode d) {
    if (!hasProgressDeadline(d)) {
      return d;
    }
    ObjectNode status = d.with("status");
    JsonNode c = condition(status, "Progressing");
    if (c != null && c.path("reason").asText().equals("ProgressDeadlineExceeded")) {
      return d;
    }
    boolean pausedCondition = c != null && c.path("reason").asText().equals("DeploymentPaused");
    boolean paused = d.path("spec").path("paused").asBoolean();
    if (paused && !pausedCondition) {
      setCondition(status, newCondition("Progressing", "Unknown", "DeploymentPaused",
          "Deployment is paused"));
    } else if (!paused && pausedCondition) {
      setCondition(status, newCondition("Progressing", "Unknown", "DeploymentResumed",
          "Deployment is resumed"));
    } else {
      return d;
    }
    return write("PUT", path(d) + "/status", d);
  }

  private boolean isScalingEvent(ObjectNode d, List<ObjectNode> rsList) {
    String want = Integer.toString(replicas(d));
    for (ObjectNode rs : rsList) {
      String desired = annotation(rs, DESIRED);
      if (replicas(rs) > 0 && desired != null && !desired.equals(want)) {
        return true;
      }
    }
    return false;
  }

  /** Scaling without a rollout (paused, or only replicas changed), then the status. */
  private void syncScale(ObjectNode d, List<ObjectNode> rsList) {
    Revisioned all = syncRevisions(d, rsList, false);
    if (all == null) {
      return;
    }
    scaleProportionally(all);
    if (all.d.path("spec").path("paused").asBoolean()) {
      cleanup(all);
    }
    syncStatus(all.d, all.replicaSets(), all.newRs);
  }

  /**
   * The real controller's scale: one active (or else the latest) ReplicaSet takes the whole
   * count; a saturated new one takes it from the old ones; otherwise what is added or taken
   * away (against replicas + maxSurge) is shared in proportion to each active ReplicaSet's
   * size at the last scale (its max-replicas annotation), the rest going to the first.
   */
  private void scaleProportionally(Revisioned all) {
    ObjectNode d = all.d;
    int want = replicas(d);
    List<ObjectNode> active = new ArrayList<>();
    for (ObjectNode rs : all.replicaSets()) {
      if (replicas(rs) > 0) {
        active.add(rs);
      }
    }
    if (active.size() <= 1) {
      ObjectNode only = !active.isEmpty() ? active.get(0) : all.newRs != null ? all.newRs
          : all.old.isEmpty() ? null : all.old.get(all.old.size() - 1);
      if (only != null && replicas(only) != want) {
        scale(all, only, want);
      }
      return;
    }
    ObjectNode newRs = all.newRs;
    if (newRs != null && replicas(newRs) == want
        && Integer.toString(want).equals(annotation(newRs, DESIRED))
        && newRs.path("status").path("availableReplicas").asInt(0) == want) {
      for (ObjectNode rs : new ArrayList<>(all.old)) {
        if (replicas(rs) > 0) {
          scale(all, rs, 0);
        }
      }
      return;
    }
    if (isRecreate(d)) {
      return;
    }
    int allowed = want > 0 ? want + maxSurge(d) : 0;
    int toAdd = allowed - sumSpec(active);
    // Larger first; among equals the newer first when growing, the older when shrinking.
    Comparator<JsonNode> age = BY_CREATION;
    active.sort(Comparator.comparingInt((ObjectNode rs) -> -replicas(rs))
        .thenComparing(toAdd > 0 ? age.reversed() : age));
    int added = 0;
    List<Integer> sizes = new ArrayList<>();
    for (ObjectNode rs : active) {
      int proportion = 0;
      if (toAdd != 0 && toAdd != added) {
        int fraction = fraction(rs, d);
        int left = toAdd - added;
        proportion = toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
      }
      sizes.add(replicas(rs) + proportion);
      added += proportion;
    }
    if (toAdd != 0) {
      sizes.set(0, Math.max(0, sizes.get(0) + toAdd - added));
    }
    for (int i = 0; i < active.size(); i++) {
      scale(all, active.get(i), sizes.get(i));
    }
  }

  /** How many pods a ReplicaSet gains or loses in proportion, as the real helper rounds. */
  private static int fraction(ObjectNode rs, ObjectNode d) {
    int want = replicas(d);
    if (want == 0) {
      return -replicas(rs);
    }
    int maxNow = want + maxSurge(d);
    long before = number(annotation(rs, MAX) == null ? "" : annotation(rs, MAX));
    if (before == 0) {
      before = d.path("status").path("replicas").asInt(0);
    }
    if (before == 0) {
      return 0;
    }
    double size = (double) replicas(rs) * maxNow / before;
    return (int) Math.round(size) - replicas(rs);
  }

  private boolean scale(Revisioned all, ObjectNode rs, int replicas) {
    ObjectNode copy = rs.deepCopy();
    boolean size = replicas(rs) != replicas;
    boolean annotations = setReplicasAnnotations(copy, all.d);
    if (!size && !annotations) {
      return false;
    }
    copy.with("spec").put("replicas", replicas);
    ObjectNode written = write("PUT", rsPath(copy), copy);
    if (written != null) {
      all.replace(written);
    }
    return size && written != null;
  }

  /** Old ReplicaSets scaled to zero beyond revisionHistoryLimit are deleted, oldest first. */
  private void cleanup(Revisioned all) {
    JsonNode limit = all.d.path("spec").path("revisionHistoryLimit");
    if (!limit.isNumber()) {
      return;
    }
    List<ObjectNode> old = new ArrayList<>();
    for (ObjectNode rs : all.old) {
      if (!rs.path("metadata").hasNonNull("deletionTimestamp")) {
        old.add(rs);
      }
    }
    int diff = old.size() - limit.asInt();
    if (diff <= 0) {
      return;
    }
    old.sort(Comparator.comparingLong(DeploymentController::revision).thenComparing(BY_CREATION));
    for (ObjectNode rs : old.subList(0, diff)) {
      JsonNode s = rs.path("status");
      if (s.path("replicas").asInt(0) != 0 || replicas(rs) != 0
          || rs.path("metadata").path("generation").asLong()
              > s.path("observedGeneration").asLong()) {
        continue;
      }
      cluster.internalWrite("DELETE", rsPath(rs), null);
    }
  }

  // ---- status ----

  private void syncRolloutStatus(Revisioned all) {
    ObjectNode d = all.d;
    ObjectNode status = calculateStatus(d, all.replicaSets(), all.newRs);
    if (!hasProgressDeadline(d)) {
      removeCondition(status, "Progressing");
    }
    JsonNode current = condition(d.path("status"), "Progressing");
    boolean completed = status.path("replicas").asInt(0) == status.path("updatedReplicas")
        .asInt(0) && current != null
        && current.path("reason").asText().equals("NewReplicaSetAvailable");
    if (hasProgressDeadline(d) && !completed) {
      String subject = all.newRs != null ? "ReplicaSet \"" + name(all.newRs) + "\""
          : "Deployment \"" + name(d) + "\"";
      if (complete(d, status)) {
        setCondition(status, newCondition("Progressing", "True", "NewReplicaSetAvailable",
            subject + " has successfully progressed."));
      } else if (progressing(d, status)) {
        ObjectNode c = newCondition("Progressing", "True", "ReplicaSetUpdated",
            subject + " is progressing.");
        if (current != null && current.path("status").asText().equals("True")) {
          c.put("lastTransitionTime", current.path("lastTransitionTime").asText());
        }
        removeCondition(status, "Progressing");
        setCondition(status, c);
      } else if (timedOut(d, status)) {
        setCondition(status, newCondition("Progressing", "False", "ProgressDeadlineExceeded",
            subject + " has timed out progressing."));
      }
    }
    writeStatus(d, status);
  }

  private void syncStatus(ObjectNode d, List<ObjectNode> all, ObjectNode newRs) {
    writeStatus(d, calculateStatus(d, all, newRs));
  }

  private void writeStatus(ObjectNode d, ObjectNode status) {
    if (status.equals(d.path("status"))) {
      return;
    }
    ObjectNode copy = d.deepCopy();
    copy.set("status", status);
    write("PUT", path(d) + "/status", copy);
  }

  private ObjectNode calculateStatus(ObjectNode d, List<ObjectNode> all, ObjectNode newRs) {
    int available = 0;
    int ready = 0;
    int actual = 0;
    // As the real helper: unknown (absent) as soon as one ReplicaSet does not report it.
    Integer terminating = 0;
    for (ObjectNode rs : all) {
      JsonNode s = rs.path("status");
      available += s.path("availableReplicas").asInt(0);
      ready += s.path("readyReplicas").asInt(0);
      actual += s.path("replicas").asInt(0);
      if (!s.has("terminatingReplicas")) {
        terminating = null;
      } else if (terminating != null) {
        terminating += s.path("terminatingReplicas").asInt(0);
      }
    }
    int unavailable = Math.max(0, sumSpec(all) - available);
    ObjectNode status = Json.object();
    status.put("observedGeneration", d.path("metadata").path("generation").asLong(1));
    putIfPositive(status, "replicas", actual);
    putIfPositive(status, "updatedReplicas",
        newRs == null ? 0 : newRs.path("status").path("replicas").asInt(0));
    putIfPositive(status, "readyReplicas", ready);
    putIfPositive(status, "availableReplicas", available);
    putIfPositive(status, "unavailableReplicas", unavailable);
    if (terminating != null) {
      status.put("terminatingReplicas", terminating);
    }
    JsonNode conditions = d.path("status").path("conditions");
    if (conditions.isArray() && !conditions.isEmpty()) {
      status.set("conditions", conditions.deepCopy());
    }
    if (d.path("status").has("collisionCount")) {
      status.set("collisionCount", d.path("status").get("collisionCount"));
    }
    if (available >= replicas(d) - maxUnavailable(d)) {
      setCondition(status, newCondition("Available", "True", "MinimumReplicasAvailable",
          "Deployment has minimum availability."));
    } else {
      setCondition(status, newCondition("Available", "False", "MinimumReplicasUnavailable",
          "Deployment does not have minimum availability."));
    }
    return status;
  }

  private static boolean complete(ObjectNode d, JsonNode status) {
    int want = replicas(d);
    return status.path("updatedReplicas").asInt(0) == want
        && status.path("replicas").asInt(0) == want
        && status.path("availableReplicas").asInt(0) == want
        && status.path("observedGeneration").asLong(0)
            >= d.path("metadata").path("generation").asLong(1);
  }

  private static boolean progressing(ObjectNode d, JsonNode status) {
    JsonNode old = d.path("status");
    int oldOld = old.path("replicas").asInt(0) - old.path("updatedReplicas").asInt(0);
    int newOld = status.path("replicas").asInt(0) - status.path("updatedReplicas").asInt(0);
    return status.path("updatedReplicas").asInt(0) > old.path("updatedReplicas").asInt(0)
        || newOld < oldOld
        || status.path("readyReplicas").asInt(0) > old.path("readyReplicas").asInt(0)
        || status.path("availableReplicas").asInt(0) > old.path("availableReplicas").asInt(0);
  }

  private static boolean timedOut(ObjectNode d, JsonNode status) {
    JsonNode c = condition(status, "Progressing");
    if (c == null || c.path("reason").asText().equals("NewReplicaSetAvailable")) {
      return false;
    }
    if (c.path("reason").asText().equals("ProgressDeadlineExceeded")) {
      return true;
    }
    Instant from = Instant.parse(c.path("lastUpdateTime").asText(Json.now()));
    return from.plusSeconds(d.path("spec").path("progressDeadlineSeconds").asLong())
        .isBefore(Instant.now());
  }

  // ---- conditions ----

  static JsonNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c;
      }
    }
    return null;
  }

  private static ObjectNode newCondition(String type, String status, String reason,
      String message) {
    String now = Json.now();
    ObjectNode c = Json.object();
    c.put("type", type).put("status", status).put("lastUpdateTime", now)
        .put("lastTransitionTime", now).put("reason", reason).put("message", message);
    return c;
  }

  /**
   * As the real helper: the same status and reason leave the condition as it is; the same
   * status keeps its transition time; the condition then goes to the end of the list.
   */
  private static void setCondition(ObjectNode status, ObjectNode c) {
    JsonNode current = condition(status, c.path("type").asText());
    if (current != null && current.path("status").asText().equals(c.path("status").asText())
        && current.path("reason").asText().equals(c.path("reason").asText())) {
      return;
    }
    if (current != null && current.path("status").asText().equals(c.path("status").asText())) {
      c.put("lastTransitionTime", current.path("lastTransitionTime").asText());
    }
    removeCondition(status, c.path("type").asText());
    ArrayNode conditions = status.has("conditions") && status.get("conditions").isArray()
        ? (ArrayNode) status.get("conditions") : status.putArray("conditions");
    conditions.add(c);
  }

  private static void removeCondition(ObjectNode status, String type) {
    JsonNode conditions = status.path("conditions");
    if (!conditions.isArray()) {
      return;
    }
    ArrayNode kept = Json.array();
    conditions.forEach(c -> {
      if (!c.path("type").asText().equals(type)) {
        kept.add(c);
      }
    });
    if (kept.isEmpty()) {
      status.remove("conditions");
    } else {
      status.set("conditions", kept);
    }
  }

  // ---- the template hash ----

  /** FNV-32a over the template (and the collision count), spelt as the real controller does. */
  static String templateHash(JsonNode template, Long collisionCount) {
    StringBuilder b = new StringBuilder();
    canonical(template, b);
    if (collisionCount != null) {
      b.append(collisionCount);
    }
    int hash = 0x811c9dc5;
    for (byte x : b.toString().getBytes(StandardCharsets.UTF_8)) {
      hash ^= x & 0xff;
      hash *= 0x01000193;
    }
    String digits = Long.toString(Integer.toUnsignedLong(hash));
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder out = new StringBuilder();
    for (char c : digits.toCharArray()) {
      out.append(alphabet.charAt(c % alphabet.length()));
    }
    return out.toString();
  }

  private static void canonical(JsonNode n, StringBuilder b) {
    if (n.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      n.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
      b.append('{');
      sorted.forEach((k, v) -> {
        b.append(k).append(':');
        canonical(v, b);
        b.append(',');
      });
      b.append('}');
    } else if (n.isArray()) {
      b.append('[');
      n.forEach(v -> {
        canonical(v, b);
        b.append(',');
      });
      b.append(']');
    } else {
      b.append(n.toString());
    }
  }

  private static boolean sameTemplate(ObjectNode rs, ObjectNode d) {
    return withoutHash(rs.path("spec").path("template"))
        .equals(withoutHash(d.path("spec").path("template")));
  }

  private static String withoutHash(JsonNode template) {
    ObjectNode t = template.isObject() ? ((ObjectNode) template).deepCopy() : Json.object();
    JsonNode labels = t.path("metadata").path("labels");
    if (labels instanceof ObjectNode l) {
      l.remove(HASH);
    }
    StringBuilder b = new StringBuilder();
    canonical(t, b);
    return b.toString();
  }

  // ---- small helpers ----

  private static int maxSurge(ObjectNode d) {
    return isRecreate(d) ? 0 : resolveFenceposts(d)[0];
  }

  private static int maxUnavailable(ObjectNode d) {
    int want = replicas(d);
    if (isRecreate(d) || want == 0) {
      return 0;
    }
    return Math.min(resolveFenceposts(d)[1], want);
  }

  private static int[] resolveFenceposts(ObjectNode d) {
    int want = replicas(d);
    int surge = resolve(d, "maxSurge", want, true);
    int unavailable = resolve(d, "maxUnavailable", want, false);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }
    return new int[] {surge, unavailable};
  }

  private static int resolve(ObjectNode d, String field, int total, boolean roundUp) {
    JsonNode v = d.path("spec").path("strategy").path("rollingUpdate").path(field);
    if (v.isMissingNode() || v.isNull()) {
      v = Json.MAPPER.getNodeFactory().textNode("25%");
    }
    if (v.isNumber()) {
      return v.asInt();
    }
    String s = v.asText();
    if (s.endsWith("%")) {
      double pct = Double.parseDouble(s.substring(0, s.length() - 1));
      double exact = pct * total / 100.0;
      return (int) (roundUp ? Math.ceil(exact) : Math.floor(exact));
    }
    return (int) number(s);
  }

  private static boolean isRecreate(ObjectNode d) {
    return d.path("spec").path("strategy").path("type").asText("").equals("Recreate");
  }

  private static boolean hasProgressDeadline(ObjectNode d) {
    JsonNode p = d.path("spec").path("progressDeadlineSeconds");
    return p.isNumber() && p.asLong() != NO_DEADLINE;
  }

  private static int replicas(JsonNode o) {
    return o == null ? 0 : o.path("spec").path("replicas").asInt(1);
  }

  private static int sumSpec(List<ObjectNode> rsList) {
    int n = 0;
    for (ObjectNode rs : rsList) {
      n += replicas(rs);
    }
    return n;
  }

  private static long revision(JsonNode rs) {
    return number(rs.path("metadata").path("annotations").path(REVISION).asText(""));
  }

  private static long number(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void putIfPositive(ObjectNode o, String field, int value) {
    if (value > 0) {
      o.put(field, value);
    }
  }

  private static String annotation(JsonNode o, String key) {
    JsonNode v = o.path("metadata").path("annotations").path(key);
    return v.isTextual() ? v.asText() : null;
  }

  private static String name(JsonNode o) {
    return o.path("metadata").path("name").asText();
  }

  private static String namespace(JsonNode o) {
    return o.path("metadata").path("namespace").asText();
  }

  private static String path(JsonNode d) {
    return "/apis/apps/v1/namespaces/" + namespace(d) + "/deployments/" + name(d);
  }

  private static String rsPath(JsonNode rs) {
    return "/apis/apps/v1/namespaces/" + namespace(rs) + "/replicasets/" + name(rs);
  }

  /** A write through the API; the stored object, or null when it was refused. */
  private ObjectNode write(String method, String path, ObjectNode body) {
    Response r = cluster.internalWrite(method, path, body);
    return r.status() < 300 ? parse(r) : null;
  }

  private static ObjectNode parse(Response r) {
    try {
      return (ObjectNode) Json.parse(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
