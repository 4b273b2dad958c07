package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The garbage collector of the controller manager: deletes objects whose owners are gone,
 * deletes the dependents of an owner deleted in the foreground before letting the owner go,
 * and takes the references to an owner deleted with Orphan off its dependents.
 *
 * <p>It keeps, as the real one's graph does, which objects name which owners; whether an
 * owner exists is always read from the store, so it never acts on a stale view. A namespaced
 * owner is looked up in its dependent's own namespace only.
 */
final class GarbageCollector extends Controller {
  private final Map<String, String> keyByUid = new HashMap<>();
  private final Map<String, Set<String>> dependentsByOwnerUid = new HashMap<>();
  private final Map<String, Set<String>> ownerUidsByKey = new HashMap<>();
  /** Owners being deleted in the foreground or with Orphan, looked at again on every tick. */
  private final Set<String> deletingOwners = new LinkedHashSet<>();
  /** Dependents whose last attempt failed (a conflict, say), tried again on the next tick. */
  private final Set<String> retry = new LinkedHashSet<>();
  /** Dependent and owner uids already reported as pointing into another namespace. */
  private final Set<String> reported = new HashSet<>();
  /** When an owner whose dependents are settled loses its finalizer, by key. */
  private final Map<String, Long> notBefore = new HashMap<>();
  private static final long OWNER_LATENCY_MILLIS = 20;

  GarbageCollector() {
    super("garbage-collector");
  }

  @Override
  boolean wants(Store.Event e) {
    return true;
  }

  @Override
  long tickMillis() {
    return 20;
  }

  /**
   * Only retries, owners waiting on their dependents and owners about to lose their finalizer
   * need the tick; everything else is done on the change that calls for it.
   */
  @Override
  boolean hasTimedWork() {
    return !retry.isEmpty() || !deletingOwners.isEmpty() || !notBefore.isEmpty();
  }

  @Override
  void initial() {
    List<String> withOwners = new ArrayList<>();
    for (ObjectNode o : cluster.store().all()) {
      String key = keyOf(o);
      if (key == null) {
        continue;
      }
      if (index(key, o)) {
        withOwners.add(key);
      }
      if (deletingWithGcFinalizer(o)) {
        deletingOwners.add(key);
      }
    }
    withOwners.forEach(this::attemptToDelete);
    new ArrayList<>(deletingOwners).forEach(this::processDeletingOwner);
  }

  @Override
  void handle(Store.Event e) {
    ObjectNode o = e.object();
    String uid = o.path("metadata").path("uid").asText("");
    if (e.type().equals("DELETED")) {
      keyByUid.remove(uid);
      Set<String> owners = unindex(e.key());
      deletingOwners.remove(e.key());
      notBefore.remove(e.key());
      for (String dependent : dependentsOf(uid)) {
        attemptToDelete(dependent);
      }
      // An owner in foreground deletion may have been waiting for just this dependent.
      for (String ownerUid : owners) {
        String ownerKey = keyByUid.get(ownerUid);
        if (ownerKey != null && deletingOwners.contains(ownerKey)) {
          processDeletingOwner(ownerKey);
        }
      }
      return;
    }
    Set<String> before = ownerUidsByKey.getOrDefault(e.key(), Set.of());
    boolean hasOwners = index(e.key(), o);
    if (hasOwners && (e.type().equals("ADDED")
        || !before.equals(ownerUidsByKey.getOrDefault(e.key(), Set.of())))) {
      attemptToDelete(e.key());
    }
    if (deletingWithGcFinalizer(o)) {
      deletingOwners.add(e.key());
      processDeletingOwner(e.key());
    } else {
      deletingOwners.remove(e.key());
      notBefore.remove(e.key());
    }
  }

  @Override
  void tick() {
    List<String> again = new ArrayList<>(retry);
    retry.clear();
    again.forEach(this::attemptToDelete);
    new ArrayList<>(deletingOwners).forEach(this::processDeletingOwner);
  }

  // ---- the graph ----

  /** Records an object's uid and owners; true when it has owners. */
  private boolean index(String key, ObjectNode o) {
    String uid = o.path("metadata").path("uid").asText("");
    if (!uid.isEmpty()) {
      keyByUid.put(uid, key);
    }
    unindex(key);
    Set<String> owners = new HashSet<>();
    for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
      String ownerUid = ref.path("uid").asText("");
      owners.add(ownerUid);
      dependentsByOwnerUid.computeIfAbsent(ownerUid, u -> new LinkedHashSet<>()).add(key);
    }
    if (!owners.isEmpty()) {
      ownerUidsByKey.put(key, owners);
    }
    return !owners.isEmpty();
  }

  private Set<String> unindex(String key) {
    Set<String> owners = ownerUidsByKey.remove(key);
    if (owners == null) {
      return Set.of();
    }
    for (String ownerUid : owners) {
      Set<String> deps = dependentsByOwnerUid.get(ownerUid);
      if (deps != null) {
        deps.remove(key);
        if (deps.isEmpty()) {
          dependentsByOwnerUid.remove(ownerUid);
        }
      }
    }
    return owners;
  }

  private List<String> dependentsOf(String ownerUid) {
    return new ArrayList<>(dependentsByOwnerUid.getOrDefault(ownerUid, Set.of()));
  }

  // ---- dependents ----

  private enum OwnerState { SOLID, DANGLING, WAITING, UNKNOWN }

  /**
   * Looks at a dependent's owners: with an owner still there, only references to owners gone
   * or waiting on their dependents are dropped; with none, the dependent is deleted, in the
   * foreground when an owner waits for it and it has dependents of its own.
   */
  private void attemptToDelete(String key) {
    ObjectNode dep = cluster.store().get(key);
    if (dep == null) {
      return;
    }
    JsonNode meta = dep.path("metadata");
    if (meta.hasNonNull("deletionTimestamp") || meta.path("ownerReferences").isEmpty()) {
      return;
    }
    List<JsonNode> solid = new ArrayList<>();
    List<String> dropUids = new ArrayList<>();
    boolean waiting = false;
    for (JsonNode ref : meta.path("ownerReferences")) {
      switch (state(dep, ref)) {
        case SOLID -> solid.add(ref);
        case DANGLING -> dropUids.add(ref.path("uid").asText());
        case WAITING -> {
          waiting = true;
          dropUids.add(ref.path("uid").asText());
        }
        case UNKNOWN -> {
          return; // an owner of a kind no longer served: nothing certain to act on
        }
      }
    }
    if (!solid.isEmpty()) {
      if (!dropUids.isEmpty()) {
        ArrayNode kept = Json.array();
        solid.forEach(kept::add);
        putOwnerReferences(key, dep, kept);
      }
      return;
    }
    String policy;
    if (waiting && hasDependents(meta.path("uid").asText())) {
      policy = "Foreground";
    } else if (Deletion.finalizers(meta).contains(Deletion.ORPHAN)) {
      policy = "Orphan";
    } else if (Deletion.finalizers(meta).contains(Deletion.FOREGROUND)) {
      policy = "Foreground";
    } else {
      policy = "Background";
    }
    ObjectNode options = Json.object();
    options.put("kind", "DeleteOptions").put("apiVersion", "v1")
        .put("propagationPolicy", policy);
    options.putObject("preconditions").put("uid", meta.path("uid").asText());
    Response r = cluster.internalWrite("DELETE", path(key, dep), options);
    if (r.status() >= 300 && r.status() != 404 && r.status() != 409) {
      retry.add(key);
    }
  }

  private OwnerState state(ObjectNode dep, JsonNode ref) {
    Optional<ResourceType> type = ownerType(ref);
    if (type.isEmpty()) {
      return OwnerState.UNKNOWN;
    }
    String depNamespace = dep.path("metadata").path("namespace").asText("");
    if (type.get().namespaced() && depNamespace.isEmpty()) {
      return OwnerState.DANGLING; // a cluster-scoped object cannot be owned by a namespaced one
    }
    String ns = type.get().namespaced() ? depNamespace : "";
    ObjectNode owner = cluster.store().get(Store.key(type.get(), ns, ref.path("name").asText()));
    String uid = ref.path("uid").asText();
    if (owner == null || !uid.equals(owner.path("metadata").path("uid").asText())) {
      reportOtherNamespace(dep, ref, ns);
      return OwnerState.DANGLING;
    }
    JsonNode om = owner.path("metadata");
    if (om.hasNonNull("deletionTimestamp")
        && Deletion.finalizers(om).contains(Deletion.FOREGROUND)) {
      return OwnerState.WAITING;
    }
    return OwnerState.SOLID;
  }

  /** The owner's kind, by its apiVersion or, for a version no longer served, its group. */
  private Optional<ResourceType> ownerType(JsonNode ref) {
    String apiVersion = ref.path("apiVersion").asText("");
    String kind = ref.path("kind").asText("");
    Optional<ResourceType> exact = cluster.types().byKind(apiVersion, kind);
    if (exact.isPresent()) {
      return exact;
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    return cluster.types().all().stream()
        .filter(t -> t.group().equals(group) && t.kind().equals(kind)).findFirst();
  }

  /**
   * The real collector warns, on the dependent, when the owner's uid belongs to an object in
   * another namespace: the reference can never be satisfied there.
   */
  private void reportOtherNamespace(ObjectNode dep, JsonNode ref, String ns) {
    String ownerUid = ref.path("uid").asText();
    String ownerKey = keyByUid.get(ownerUid);
    String depUid = dep.path("metadata").path("uid").asText();
    if (ownerKey == null || ns.isEmpty() || ownerKey.split("/", -1)[2].equals(ns)
        || !reported.add(depUid + "/" + ownerUid)) {
      return;
    }
    JsonNode dm = dep.path("metadata");
    String now = Json.now();
    ObjectNode event = Json.object();
    event.put("apiVersion", "v1").put("kind", "Event");
    event.putObject("metadata").put("name", dm.path("name").asText() + "."
        + Long.toHexString(System.currentTimeMillis() * 1_000_000L + System.nanoTime() % 1_000_000L))
        .put("namespace", ns);
    event.putObject("involvedObject").put("kind", dep.path("kind").asText())
        .put("namespace", ns).put("name", dm.path("name").asText()).put("uid", depUid)
        .put("apiVersion", dep.path("apiVersion").asText());
    event.put("reason", "OwnerRefInvalidNamespace");
    event.put("message", "ownerRef [" + ref.path("apiVersion").asText() + "/"
        + ref.path("kind").asText() + ", namespace: " + ns + ", name: "
        + ref.path("name").asText() + ", uid: " + ownerUid + "] does not exist in namespace \""
        + ns + "\"");
    event.putObject("source").put("component", "garbage-collector-controller");
    event.put("firstTimestamp", now).put("lastTimestamp", now).put("count", 1)
        .put("type", "Warning");
    event.put("reportingComponent", "garbage-collector-controller")
        .put("reportingInstance", "");
    try {
      cluster.internalWrite("POST", "/api/v1/namespaces/" + ns + "/events", event);
    } catch (RuntimeException e) {
      // An event that cannot be recorded must not keep the collector from its work.
      System.getLogger("garbage-collector").log(System.Logger.Level.DEBUG,
          "event not recorded", e);
    }
  }

  private boolean hasDependents(String uid) {
    for (String key : dependentsOf(uid)) {
      if (cluster.store().get(key) != null) {
        return true;
      }
    }
    return false;
  }

  // ---- owners being deleted ----

  private static boolean deletingWithGcFinalizer(ObjectNode o) {
    JsonNode m = o.path("metadata");
    if (!m.hasNonNull("deletionTimestamp")) {
      return false;
    }
    List<String> f = Deletion.finalizers(m);
    return f.contains(Deletion.FOREGROUND) || f.contains(Deletion.ORPHAN);
  }

  private void processDeletingOwner(String key) {
    ObjectNode owner = cluster.store().get(key);
    if (owner == null || !deletingWithGcFinalizer(owner)) {
      deletingOwners.remove(key);
      return;
    }
    JsonNode om = owner.path("metadata");
    String uid = om.path("uid").asText();
    List<String> finalizers = Deletion.finalizers(om);
    if (finalizers.contains(Deletion.ORPHAN)) {
      if (orphanDependents(uid)) {
        settled(key, Deletion.ORPHAN);
      } else {
        notBefore.remove(key);
      }
      return;
    }
    boolean blocked = false;
    for (String depKey : dependentsOf(uid)) {
      ObjectNode dep = cluster.store().get(depKey);
      if (dep == null) {
        continue;
      }
      attemptToDelete(depKey);
      for (JsonNode ref : dep.path("metadata").path("ownerReferences")) {
        if (ref.path("uid").asText().equals(uid) && ref.path("blockOwnerDeletion").asBoolean()) {
          blocked = true;
        }
      }
    }
    if (!blocked) {
      settled(key, Deletion.FOREGROUND);
    } else {
      notBefore.remove(key);
    }
  }

  /**
   * The owner's dependents are settled: its finalizer goes, though not at once. The real
   * collector's queues take the owner up again a little later: the recorded timelines show
   * the dependents orphaned or deleted at once (< 15 ms), the owner itself still there at the
   * first poll and gone by the next (~0.1 s).
   */
  private void settled(String key, String finalizer) {
    long now = System.currentTimeMillis();
    long due = notBefore.computeIfAbsent(key, k -> now + OWNER_LATENCY_MILLIS);
    if (due <= now) {
      notBefore.remove(key);
      removeFinalizer(key, finalizer);
    }
  }

  /** Takes the owner's references off its dependents; true once none refers to it. */
  private boolean orphanDependents(String ownerUid) {
    boolean done = true;
    for (String depKey : dependentsOf(ownerUid)) {
      ObjectNode dep = cluster.store().get(depKey);
      if (dep == null) {
        continue;
      }
      ArrayNode kept = Json.array();
      for (JsonNode ref : dep.path("metadata").path("ownerReferences")) {
        if (!ref.path("uid").asText().equals(ownerUid)) {
          kept.add(ref);
        }
      }
      done &= putOwnerReferences(depKey, dep, kept);
    }
    return done;
  }

  private boolean putOwnerReferences(String key, ObjectNode dep, ArrayNode refs) {
    ObjectNode updated = dep.deepCopy();
    ObjectNode meta = Json.meta(updated);
    if (refs.isEmpty()) {
      meta.remove("ownerReferences");
    } else {
      meta.set("ownerReferences", refs);
    }
    Response r = cluster.internalWrite("PUT", path(key, dep), updated);
    return r.status() < 300 || r.status() == 404;
  }

  private void removeFinalizer(String key, String finalizer) {
    ObjectNode o = cluster.store().get(key);
    if (o == null || !Writes.removeFinalizer(o, finalizer)) {
      return;
    }
    cluster.internalWrite("PUT", path(key, o), o);
  }

  // ---- paths ----

  private String keyOf(ObjectNode o) {
    JsonNode m = o.path("metadata");
    Optional<ResourceType> t = cluster.types().byKind(o.path("apiVersion").asText(""),
        o.path("kind").asText(""));
    return t.map(type -> Store.key(type, type.namespaced() ? m.path("namespace").asText("")
        : "", m.path("name").asText())).orElse(null);
  }

  /** The URL of a stored object, from its key (group/plural/namespace/name). */
  private String path(String key, ObjectNode o) {
    String[] k = key.split("/", -1);
    String apiVersion = o.path("apiVersion").asText();
    StringBuilder p = new StringBuilder(k[0].isEmpty() ? "/api/" : "/apis/").append(apiVersion);
    if (!k[2].isEmpty()) {
      p.append("/namespaces/").append(k[2]);
    }
    return p.append('/').append(k[1]).append('/').append(k[3]).toString();
  }
}
