package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Establishes CustomResourceDefinitions as the apiextensions controllers do: accepts the
 * names, marks the CRD Established and starts serving its kinds; on deletion removes every
 * custom object of the kind, then the cleanup finalizer the DELETE added, then stops serving
 * it.
 */
final class CrdController extends Controller {
  static final String CLEANUP = "customresourcecleanup.apiextensions.k8s.io";

  CrdController() {
    super("crd-controller");
  }

  @Override
  boolean wants(Store.Event e) {
    return e.key().startsWith("apiextensions.k8s.io/customresourcedefinitions/");
  }

  @Override
  void initial() {
    for (ObjectNode crd : cluster.store().list("apiextensions.k8s.io/customresourcedefinitions/")
        .items()) {
      cluster.types().define(crd.path("metadata").path("name").asText(), crd);
    }
  }

  @Override
  void handle(Store.Event e) {
    String name = e.object().path("metadata").path("name").asText();
    if (e.type().equals("DELETED")) {
      cluster.types().define(name, null);
      return;
    }
    ObjectNode crd = cluster.store().get(e.key());
    if (crd == null) {
      return;
    }
    if (crd.path("metadata").hasNonNull("deletionTimestamp")) {
      terminating.add(name);
      return;
    }
    cluster.types().define(name, crd);
    // Established on the create's own event: the cleanup finalizer is not added here but by
    // the first DELETE (see Deletion), as the apiextensions registry does.
    if (!established(crd)) {
      ObjectNode status = crd.with("status");
      status.set("acceptedNames", crd.path("spec").path("names").deepCopy());
      ArrayNode conditions = status.putArray("conditions");
      String now = Json.now();
      conditions.addObject().put("type", "NamesAccepted").put("status", "True")
          .put("lastTransitionTime", now).put("reason", "NoConflicts")
          .put("message", "no conflicts found");
      conditions.addObject().put("type", "Established").put("status", "True")
          .put("lastTransitionTime", now).put("reason", "InitialNamesAccepted")
          .put("message", "the initial names have been accepted");
      ArrayNode stored = status.putArray("storedVersions");
      for (JsonNode v : crd.path("spec").path("versions")) {
        if (v.path("storage").asBoolean()) {
          stored.add(v.path("name").asText());
        }
      }
      cluster.internalWrite("PUT", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
          + name + "/status", crd);
    }
  }

  /** CRDs being deleted whose objects are not all gone yet, by name. */
  private final java.util.Set<String> terminating = new java.util.LinkedHashSet<>();

  /**
   * The cleanup finalizer's work is taken up in the loop's tick, not on the DELETE's own
   * event: the CRD stays Terminating (a custom object's create refused) for that while, as
   * the real one does while its finalizer's writes go through.
   */
  @Override
  void tick() {
    for (String name : List.copyOf(terminating)) {
      ObjectNode crd = cluster.store().get(Store.key(crdType(), "", name));
      if (crd == null || !crd.path("metadata").hasNonNull("deletionTimestamp")
          || !Deletion.finalizers(crd.path("metadata")).contains(CLEANUP) || cleanUp(name, crd)) {
        terminating.remove(name);
      }
    }
  }

  @Override
  long tickMillis() {
    return 300;
  }

  @Override
  boolean hasTimedWork() {
    return !terminating.isEmpty();
  }

  private ResourceType crdType() {
    return cluster.types().find("apiextensions.k8s.io", "v1", "customresourcedefinitions")
        .orElseThrow();
  }

  private static boolean established(JsonNode crd) {
    for (JsonNode c : crd.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Established")) {
        return true;
      }
    }
    return false;
  }

  /**
   * As the apiextensions finalizer: says the instances are being deleted, deletes them through
   * the API per namespace (their own finalizers respected), and once none is left says so and
   * removes the cleanup finalizer, which lets the CRD go. False while objects remain.
   */
  private boolean cleanUp(String name, ObjectNode crd) {
    String base = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + name;
    JsonNode spec = crd.path("spec");
    String prefix = spec.path("group").asText() + "/" + spec.path("names").path("plural").asText()
        + "/";
    if (!terminatingReason(crd).equals("InstanceDeletionInProgress")) {
      setTerminating(crd, "True", "InstanceDeletionInProgress",
          "CustomResource deletion is in progress");
      cluster.internalWrite("PUT", base + "/status", crd);
    }
    String version = servedVersion(spec);
    java.util.Set<String> namespaces = new java.util.LinkedHashSet<>();
    for (ObjectNode o : cluster.store().list(prefix).items()) {
      namespaces.add(o.path("metadata").path("namespace").asText(""));
    }
    for (String ns : namespaces) {
      if (version != null) {
        cluster.internalWrite("DELETE", "/apis/" + spec.path("group").asText() + "/" + version
            + (ns.isEmpty() ? "" : "/namespaces/" + ns) + "/"
            + spec.path("names").path("plural").asText(), null);
      }
    }
    if (!cluster.store().list(prefix).items().isEmpty()) {
      return false; // objects held by their finalizers: looked at again on the next tick
    }
    ObjectNode latest = cluster.store().get(Store.key(crdType(), "", name));
    if (latest == null) {
      return true;
    }
    setTerminating(latest, "False", "InstanceDeletionCompleted", "removed all instances");
    cluster.internalWrite("PUT", base + "/status", latest);
    latest = cluster.store().get(Store.key(crdType(), "", name));
    if (latest != null && Writes.removeFinalizer(latest, CLEANUP)) {
      cluster.internalWrite("PUT", base, latest);
    }
    return true;
  }

  private static String terminatingReason(JsonNode crd) {
    for (JsonNode c : crd.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Terminating")) {
        return c.path("reason").asText("");
      }
    }
    return "";
  }

  private static void setTerminating(ObjectNode crd, String status, String reason,
      String message) {
    JsonNode existing = crd.with("status").get("conditions");
    ArrayNode conditions = existing instanceof ArrayNode a ? a
        : crd.with("status").putArray("conditions");
    ObjectNode c = null;
    for (JsonNode n : conditions) {
      if (n.path("type").asText().equals("Terminating")) {
        c = (ObjectNode) n;
      }
    }
    if (c == null) {
      c = conditions.addObject().put("type", "Terminating");
    }
    if (!status.equals(c.path("status").asText())) {
      c.put("lastTransitionTime", Json.now());
    }
    c.put("status", status).put("reason", reason).put("message", message);
  }

  private static String servedVersion(JsonNode spec) {
    for (JsonNode v : spec.path("versions")) {
      if (v.path("served").asBoolean(true)) {
        return v.path("name").asText();
      }
    }
    return null;
  }
}
