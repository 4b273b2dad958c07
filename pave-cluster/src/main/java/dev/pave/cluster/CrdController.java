package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Establishes CustomResourceDefinitions as the apiextensions controllers do: accepts the
 * names, marks the CRD Established and starts serving its kinds; on deletion removes every
 * custom object of the kind, then the cleanup finalizer, then stops serving it.
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
    JsonNode finalizers = crd.path("metadata").path("finalizers");
    if (!finalizers.toString().contains(CLEANUP)) {
      ObjectNode withFinalizer = crd.deepCopy();
      JsonNode f = Json.meta(withFinalizer).get("finalizers");
      (f instanceof ArrayNode a ? a : Json.meta(withFinalizer).putArray("finalizers"))
          .add(CLEANUP);
      cluster.internalWrite("PUT", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
          + name, withFinalizer);
      return; // the write comes back as an event and establishes it
    }
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

  /** CRDs being deleted: their objects go on the next tick, as the finalizer's work. */
  private final java.util.Set<String> terminating = new java.util.LinkedHashSet<>();

  @Override
  void tick() {
    for (String name : List.copyOf(terminating)) {
      ObjectNode crd = cluster.store().get(Store.key(crdType(), "", name));
      terminating.remove(name);
      if (crd != null) {
        cleanUp(name, crd);
      }
    }
  }

  @Override
  long tickMillis() {
    return 300;
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

  private void cleanUp(String name, ObjectNode crd) {
    JsonNode spec = crd.path("spec");
    String prefix = spec.path("group").asText() + "/" + spec.path("names").path("plural").asText()
        + "/";
    for (ObjectNode o : cluster.store().list(prefix).items()) {
      JsonNode m = o.path("metadata");
      String ns = m.path("namespace").asText("");
      cluster.store().remove(prefix + ns + "/" + m.path("name").asText());
    }
    if (Writes.removeFinalizer(crd, CLEANUP)) {
      cluster.internalWrite("PUT", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
          + name, crd);
    }
  }
}
