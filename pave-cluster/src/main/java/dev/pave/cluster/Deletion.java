package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * DELETE of one object and of a collection, as the generic registry store decides it: the
 * options checked before anything is read, preconditions, the garbage collector's finalizers
 * for Foreground and Orphan propagation, graceful deletion of pods, the namespace's own two
 * steps, and whether the answer is the object (still there, or a pod) or a Success Status.
 */
final class Deletion {
  static final String FOREGROUND = "foregroundDeletion";
  static final String ORPHAN = "orphan";
  private static final String JOB_WARNING = "child pods are preserved by default when jobs are "
      + "deleted; set propagationPolicy=Background to remove them or set "
      + "propagationPolicy=Orphan to suppress this warning";

  private final Store store;

  Deletion(Store store) {
    this.store = store;
  }

  /** What a DELETE asked for, from the body and the query together. */
  record Options(String propagation, Long gracePeriod, JsonNode preconditions, boolean dryRun) {}

  Response delete(Target t, Request r) {
    if (t.subresource() != null) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the "
          + "requested resource");
    }
    Options o = options(r);
    List<String> warnings = new ArrayList<>();
    // The store's lock keeps the read and the write one step, as etcd's guaranteed update does.
    synchronized (store) {
      Response answer = deleteOne(t, o, warnings);
      return warnings.isEmpty() ? answer : answer.withWarnings(warnings);
    }
  }

  Response deleteCollection(Target t, Request r) {
    if (!t.type().has("deletecollection")) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the "
          + "requested resource");
    }
    Options o = options(r);
    Predicate<JsonNode> selected = Selector.labels(r.param("labelSelector"))
        .and(Selector.fields(r.param("fieldSelector"), t.type()));
    synchronized (store) {
      Store.Snapshot snap = store.list(Store.prefix(t.type(),
          t.type().namespaced() ? t.namespace() : null));
      ObjectNode list = Json.object();
      list.put("kind", t.type().listKind());
      list.put("apiVersion", t.type().apiVersion());
      list.putObject("metadata").put("resourceVersion", Long.toString(snap.rv()));
      ArrayNode items = list.putArray("items");
      List<String> warnings = new ArrayList<>();
      for (ObjectNode item : snap.items()) {
        if (!selected.test(item)) {
          continue;
        }
        // The list shows each object as it was before this request touched it.
        items.add(Reads.item(t.type(), item.deepCopy()));
        JsonNode m = item.path("metadata");
        Target one = new Target(t.type(), m.path("namespace").asText(t.namespace()),
            m.path("name").asText(), null);
        try {
          deleteOne(one, o, warnings);
        } catch (ApiException e) {
          if (e.code() != 404) {
            throw e;
          }
        }
      }
      return Response.json(200, list, warnings.isEmpty() ? null : List.of(warnings.get(0)));
    }
  }

  private Response deleteOne(Target t, Options o, List<String> warnings) {
    ObjectNode old = store.get(t.key());
    if (old == null) {
      throw ApiException.notFound(t.type(), t.name());
    }
    checkPreconditions(t, o.preconditions(), old.path("metadata"));
    if (isNamespace(t.type())) {
      return deleteNamespace(t, o, old);
    }
    String propagation = o.propagation() != null ? o.propagation() : defaultPolicy(t.type());
    if (o.propagation() == null && t.type().group().equals("batch")
        && t.type().plural().equals("jobs")) {
      warnings.add(JOB_WARNING);
    }
    ObjectNode updated = old.deepCopy();
    ObjectNode meta = Json.meta(updated);
    boolean wasDeleting = meta.hasNonNull("deletionTimestamp");
    boolean finalizersChanged = setGcFinalizers(meta, propagation);
    if (isCrd(t.type()) && !wasDeleting
        && !finalizers(meta).contains(CrdController.CLEANUP)) {
      // The apiextensions registry adds its cleanup finalizer on the first DELETE (not at
      // create): the CRD stays while the finalizer controller deletes its objects.
      JsonNode f = meta.get("finalizers");
      (f instanceof ArrayNode a ? a : meta.putArray("finalizers")).add(CrdController.CLEANUP);
    }
    boolean pod = isPod(t.type());
    // Pods are the one kind deleted gracefully: graceful() marks them (or shortens the wait).
    boolean graceful = pod && graceful(updated, meta, o.gracePeriod());
    List<String> finalizers = finalizers(meta);
    if (!graceful && finalizers.isEmpty()) {
      // Nothing waits for this object: it goes now.
      if (!o.dryRun()) {
        if (pod) {
          store.put(t.key(), updated);
        }
        store.remove(t.key());
      }
      return pod ? Response.json(200, updated, null) : Response.json(200, success(t, old), null);
    }
    if (!pod && !wasDeleting) {
      if (isCrd(t.type())) {
        // The apiextensions registry marks a CRD without a generation bump and says why it
        // stays: its objects are deleted first.
        meta.put("deletionTimestamp", Json.now());
        meta.put("deletionGracePeriodSeconds", 0);
        JsonNode conditions = updated.with("status").get("conditions");
        com.fasterxml.jackson.databind.node.ArrayNode list = conditions instanceof
            com.fasterxml.jackson.databind.node.ArrayNode a ? a
            : updated.with("status").putArray("conditions");
        list.addObject().put("type", "Terminating").put("status", "True")
            .put("lastTransitionTime", Json.now()).put("reason", "InstanceDeletionPending")
            .put("message", "CustomResourceDefinition marked for deletion; CustomResource "
                + "deletion will begin soon");
      } else {
        markDeleting(meta, 0);
      }
    }
    if (finalizers.isEmpty()) {
      meta.remove("finalizers");
    }
    if (o.dryRun() || updated.equals(old) || wasDeleting && !finalizersChanged && !pod) {
      return Response.json(200, o.dryRun() ? updated : old, null);
    }
    return Response.json(200, store.put(t.key(), updated), null);
  }

  /** A namespace is first marked Terminating; only once its finalizers are done does it go. */
  private Response deleteNamespace(Target t, Options o, ObjectNode old) {
    ObjectNode updated = old.deepCopy();
    ObjectNode meta = Json.meta(updated);
    if (!meta.hasNonNull("deletionTimestamp")) {
      meta.put("deletionTimestamp", Json.now());
      updated.with("status").put("phase", "Terminating");
      if (o.propagation() != null) {
        setGcFinalizers(meta, o.propagation());
        if (finalizers(meta).isEmpty()) {
          meta.remove("finalizers");
        }
      }
      if (o.dryRun()) {
        return Response.json(200, updated, null);
      }
      return Response.json(200, store.put(t.key(), updated), null);
    }
    if (!updated.path("spec").path("finalizers").isEmpty()) {
      return Response.json(200, old, null);
    }
    if (!finalizers(meta).isEmpty()) {
      return Response.json(200, old, null);
    }
    if (!o.dryRun()) {
      store.remove(t.key());
    }
    return Response.json(200, success(t, old), null);
  }

  /**
   * Sets a pod's grace period as the pod strategy does: from the request, else the pod's
   * terminationGracePeriodSeconds; 0 for a pod no kubelet runs; a second DELETE may only
   * shorten it. True when the pod is to wait for its kubelet.
   */
  private static boolean graceful(ObjectNode pod, ObjectNode meta, Long requested) {
    JsonNode spec = pod.path("spec");
    long grace = requested != null ? requested
        : spec.path("terminationGracePeriodSeconds").asLong(30);
    if (grace < 0) {
      grace = 1;
    }
    String phase = pod.path("status").path("phase").asText("");
    if (spec.path("nodeName").asText("").isEmpty() || phase.equals("Succeeded")
        || phase.equals("Failed")) {
      grace = 0;
    }
    if (meta.hasNonNull("deletionTimestamp")) {
      long current = meta.path("deletionGracePeriodSeconds").asLong(0);
      if (grace >= current) {
        return current > 0;
      }
      Instant at = Instant.parse(meta.get("deletionTimestamp").asText())
          .minusSeconds(current).plusSeconds(grace);
      meta.put("deletionTimestamp", at.toString());
      meta.put("deletionGracePeriodSeconds", grace);
      return grace > 0;
    }
    markDeleting(meta, grace);
    return grace > 0;
  }

  /** deletionTimestamp (now plus grace) and the generation bump every first deletion makes. */
  private static void markDeleting(ObjectNode meta, long grace) {
    if (meta.has("generation") && meta.path("generation").asLong() > 0) {
      meta.put("generation", meta.path("generation").asLong() + 1);
    }
    meta.put("deletionTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS)
        .plusSeconds(grace).toString());
    meta.put("deletionGracePeriodSeconds", grace);
  }

  /** The garbage collector's finalizers for a policy; true when they changed. */
  private static boolean setGcFinalizers(ObjectNode meta, String propagation) {
    List<String> before = finalizers(meta);
    List<String> after = new ArrayList<>(before);
    switch (propagation) {
      case "Foreground" -> {
        after.remove(ORPHAN);
        if (!after.contains(FOREGROUND)) {
          after.add(FOREGROUND);
        }
      }
      case "Orphan" -> {
        after.remove(FOREGROUND);
        if (!after.contains(ORPHAN)) {
          after.add(ORPHAN);
        }
      }
      default -> {
        after.remove(FOREGROUND);
        after.remove(ORPHAN);
      }
    }
    if (after.equals(before)) {
      return false;
    }
    ArrayNode a = meta.putArray("finalizers");
    after.forEach(a::add);
    return true;
  }

  static List<String> finalizers(JsonNode meta) {
    List<String> list = new ArrayList<>();
    meta.path("finalizers").forEach(f -> list.add(f.asText()));
    return list;
  }

  /**
   * The policy a kind uses when the request names none: Orphan for the kinds that kept it for
   * compatibility (batch/v1 Jobs, v1 ReplicationControllers), Background for all others.
   */
  private static String defaultPolicy(ResourceType t) {
    if (t.group().equals("batch") && t.plural().equals("jobs")
        || t.group().isEmpty() && t.plural().equals("replicationcontrollers")) {
      return "Orphan";
    }
    return "Background";
  }

  private static void checkPreconditions(Target t, JsonNode pre, JsonNode om) {
    if (pre.hasNonNull("uid") && !pre.get("uid").asText().equals(om.path("uid").asText())) {
      throw ApiException.conflict(t.type(), t.name(), "Operation cannot be fulfilled on "
          + t.type().kind() + " \"" + t.name() + "\": the UID in the precondition ("
          + pre.get("uid").asText() + ") does not match the UID in record ("
          + om.path("uid").asText() + "). The object might have been deleted and then "
          + "recreated", List.of()).kindAs(t.type().kind());
    }
    if (pre.hasNonNull("resourceVersion")
        && !pre.get("resourceVersion").asText().equals(om.path("resourceVersion").asText())) {
      throw ApiException.conflict(t.type(), t.name(), "Operation cannot be fulfilled on "
          + t.type().kind() + " \"" + t.name() + "\": the ResourceVersion in the precondition ("
          + pre.get("resourceVersion").asText() + ") does not match the ResourceVersion in "
          + "record (" + om.path("resourceVersion").asText() + "). The object might have been "
          + "modified", List.of()).kindAs(t.type().kind());
    }
  }

  /** The options of a DELETE, checked before the object is looked up. */
  static Options options(Request r) {
    JsonNode body = Json.object();
    if (r.body() != null && r.body().length > 0) {
      try {
        body = Json.parse(r.body());
      } catch (IOException e) {
        throw ApiException.badRequest("error decoding DeleteOptions: " + Json.reason(e));
      }
      if (body == null || !body.isObject()) {
        body = Json.object();
      }
    }
    String propagation = body.hasNonNull("propagationPolicy")
        ? body.get("propagationPolicy").asText() : r.param("propagationPolicy");
    List<ApiException.Cause> causes = new ArrayList<>();
    JsonNode orphan = body.has("orphanDependents") ? body.get("orphanDependents")
        : r.param("orphanDependents") == null ? null
            : Json.MAPPER.getNodeFactory().booleanNode(r.flag("orphanDependents"));
    if (orphan != null && !orphan.isNull() && propagation != null) {
      causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \"" + propagation
          + "\": orphanDependents and deletionPropagation cannot be both set",
          "propagationPolicy"));
    }
    if (propagation != null && !List.of("Foreground", "Background", "Orphan")
        .contains(propagation)) {
      causes.add(new ApiException.Cause("FieldValueNotSupported", "Unsupported value: \""
          + propagation + "\": supported values: \"Foreground\", \"Background\", \"Orphan\", "
          + "\"nil\"", "propagationPolicy"));
    }
    List<String> dryRun = new ArrayList<>();
    body.path("dryRun").forEach(d -> dryRun.add(d.asText()));
    List<String> q = r.query().get("dryRun");
    if (q != null) {
      dryRun.addAll(q);
    }
    for (String d : dryRun) {
      if (!d.equals("All")) {
        causes.add(new ApiException.Cause("FieldValueNotSupported", "Unsupported value: \"" + d
            + "\": supported values: \"All\"", "dryRun"));
      }
    }
    if (!causes.isEmpty()) {
      StringBuilder m = new StringBuilder("DeleteOptions.meta.k8s.io \"\" is invalid: ");
      if (causes.size() > 1) {
        m.append('[');
      }
      for (int i = 0; i < causes.size(); i++) {
        m.append(i == 0 ? "" : ", ").append(causes.get(i).field()).append(": ")
            .append(causes.get(i).message());
      }
      if (causes.size() > 1) {
        m.append(']');
      }
      throw ApiException.invalidWithMessage("meta.k8s.io", "DeleteOptions", null, m.toString(),
          causes);
    }
    if (propagation == null && orphan != null && !orphan.isNull()) {
      propagation = orphan.asBoolean() ? "Orphan" : "Background";
    }
    Long grace = null;
    if (body.hasNonNull("gracePeriodSeconds")) {
      grace = body.get("gracePeriodSeconds").asLong();
    } else if (r.param("gracePeriodSeconds") != null) {
      try {
        grace = Long.parseLong(r.param("gracePeriodSeconds"));
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("invalid value for gracePeriodSeconds: "
            + r.param("gracePeriodSeconds"));
      }
    }
    return new Options(propagation, grace, body.path("preconditions"), !dryRun.isEmpty());
  }

  private static ObjectNode success(Target t, JsonNode old) {
    ObjectNode s = Json.object();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Success");
    ObjectNode d = s.putObject("details");
    d.put("name", t.name());
    if (!t.type().group().isEmpty()) {
      d.put("group", t.type().group());
    }
    d.put("kind", t.type().plural());
    d.put("uid", old.path("metadata").path("uid").asText());
    return s;
  }

  static boolean isCrd(ResourceType t) {
    return t.group().equals("apiextensions.k8s.io")
        && t.plural().equals("customresourcedefinitions");
  }

  static boolean isPod(ResourceType t) {
    return t.group().isEmpty() && t.plural().equals("pods");
  }

  static boolean isNamespace(ResourceType t) {
    return t.group().isEmpty() && t.plural().equals("namespaces");
  }
}
