package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Create, update, patch and delete, each in the order a real API server takes them: decode,
 * check the request against the URL, load and compare versions, apply defaults, admission
 * (mutating), validation, admission (validating), field ownership, then store unless it is a
 * dry run or changes nothing.
 */
final class Writes {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

  private final Store store;
  private final Strategies strategies;
  private final List<Admission> admission;
  private final FieldManager fields;

  Writes(Store store, Strategies strategies, List<Admission> admission, FieldManager fields) {
    this.store = store;
    this.strategies = strategies;
    this.admission = admission;
    this.fields = fields;
  }

  // ---- create ----

  Response create(Target t, Request r) {
    if (t.subresource() != null || !t.collection()) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the "
          + "requested resource");
    }
    boolean dryRun = dryRun(r, "CreateOptions");
    List<String> warnings = new ArrayList<>();
    ObjectNode o = decode(t.type(), r, warnings);
    ObjectNode meta = Json.meta(o);
    String ns = t.type().namespaced() ? t.namespace() : null;
    if (ns != null && meta.hasNonNull("namespace") && !meta.get("namespace").asText().isEmpty()
        && !meta.get("namespace").asText().equals(ns)) {
      throw ApiException.badRequest("the namespace of the provided object does not match the "
          + "namespace sent on the request");
    }
    if (meta.hasNonNull("resourceVersion") && !meta.get("resourceVersion").asText().isEmpty()) {
      throw ApiException.internal("resourceVersion should not be set on objects to be created");
    }
    String name = meta.path("name").asText("");
    if (name.isEmpty()) {
      String prefix = meta.path("generateName").asText("");
      if (prefix.isEmpty()) {
        throw ApiException.invalid(t.type().group(), t.type().kind(), "", List.of(
            new ApiException.Cause("FieldValueRequired",
                "Required value: name or generateName is required", "metadata.name")));
      }
      name = prefix + randomSuffix();
    }
    meta.put("name", name);
    if (ns != null) {
      meta.put("namespace", ns);
      requireNamespace(t.type(), ns, name);
    } else {
      meta.remove("namespace");
    }
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", Json.now());
    meta.remove("deletionTimestamp");
    meta.remove("deletionGracePeriodSeconds");
    meta.remove("managedFields");
    if (t.type().generation()) {
      meta.put("generation", 1);
    } else {
      meta.remove("generation");
    }
    if (t.type().status()) {
      o.remove("status");
    }
    if (t.type().custom()) {
      ObjectNode crd = store.get("apiextensions.k8s.io/customresourcedefinitions//"
          + ResourceTypes.crdName(t.type()));
      if (crd != null && crd.path("metadata").hasNonNull("deletionTimestamp")) {
        throw ApiException.forbidden(t.type().groupResource() + " \"" + name + "\" is "
            + "forbidden: create not allowed while custom resource definition is terminating",
            t.type(), name, List.of());
      }
    }
    Target named = new Target(t.type(), ns, name, null);
    if (store.get(named.key()) != null) {
      throw ApiException.alreadyExists(t.type(), name);
    }
    ObjectNode result;
    try {
      result = commit(named, r, "CREATE", o, null, dryRun, warnings);
    } catch (Store.Stale e) {
      throw ApiException.alreadyExists(t.type(), name);
    }
    return Response.json(201, result, warnings);
  }

  private void requireNamespace(ResourceType t, String ns, String name) {
    ObjectNode namespace = store.get(Store.key(nsType(), "", ns));
    if (namespace == null) {
      throw ApiException.notFound("", "namespaces", ns);
    }
    if (namespace.path("metadata").hasNonNull("deletionTimestamp")) {
      throw ApiException.forbidden(t.groupResource() + " \"" + name + "\" is forbidden: unable "
          + "to create new content in namespace " + ns + " because it is being terminated", t,
          name, List.of(new ApiException.Cause("NamespaceTerminating", "namespace " + ns
              + " is being terminated", "metadata.namespace")));
    }
  }

  private static ResourceType namespaces;

  private static ResourceType nsType() {
    if (namespaces == null) {
      namespaces = new ResourceTypes().find("", "v1", "namespaces").orElseThrow();
    }
    return namespaces;
  }

  // ---- update ----

  Response update(Target t, Request r) {
    return retried(t, () -> updateOnce(t, r), false);
  }

  private Response updateOnce(Target t, Request r) {
    if (t.collection()) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the "
          + "requested resource");
    }
    boolean dryRun = dryRun(r, "UpdateOptions");
    List<String> warnings = new ArrayList<>();
    if ("scale".equals(t.subresource())) {
      return scale(t, r, decodeScale(r), dryRun);
    }
    checkSubresource(t);
    ObjectNode o = decode(t.type(), r, warnings);
    ObjectNode meta = Json.meta(o);
    if (meta.hasNonNull("name") && !meta.get("name").asText().equals(t.name())) {
      throw ApiException.badRequest("the name of the object (" + meta.get("name").asText()
          + ") does not match the name on the URL (" + t.name() + ")");
    }
    if (t.type().namespaced() && meta.hasNonNull("namespace")
        && !meta.get("namespace").asText().isEmpty()
        && !meta.get("namespace").asText().equals(t.namespace())) {
      throw ApiException.badRequest("the namespace of the provided object does not match the "
          + "namespace sent on the request");
    }
    ObjectNode old = store.get(t.key());
    if (old == null) {
      throw ApiException.notFound(t.type(), t.name());
    }
    String rv = meta.path("resourceVersion").asText("");
    if (rv.isEmpty()) {
      if (t.type().custom()) {
        throw ApiException.invalid(t.type().group(), t.type().plural(), t.name(), List.of(
            new ApiException.Cause("FieldValueInvalid",
                "Invalid value: 0: must be specified for an update",
                "metadata.resourceVersion")));
      }
    } else if (!rv.equals(old.path("metadata").path("resourceVersion").asText())) {
      throw ApiException.modified(t.type(), t.name());
    }
    ObjectNode updated = merged(t, old, o);
    ObjectNode result = commit(t, r, "UPDATE", updated, old, dryRun, warnings);
    return Response.json(200, result, warnings);
  }

  /**
   * The object a write to the main resource or to {@code /status} leaves: server-managed
   * metadata kept, and the part the other endpoint owns taken from the stored object.
   */
  private static ObjectNode merged(Target t, ObjectNode old, ObjectNode o) {
    ObjectNode updated;
    if ("status".equals(t.subresource())) {
      updated = old.deepCopy();
      if (o.has("status")) {
        updated.set("status", o.get("status"));
      } else {
        updated.remove("status");
      }
      // The Deployment status strategy resets only spec and labels: the deployment
      // controller writes its revision annotation together with the status.
      if (t.type().group().equals("apps") && t.type().kind().equals("Deployment")) {
        JsonNode annotations = o.path("metadata").path("annotations");
        if (annotations.isObject() && !annotations.isEmpty()) {
          Json.meta(updated).set("annotations", annotations);
        } else {
          Json.meta(updated).remove("annotations");
        }
      }
      return updated;
    }
    updated = o;
    ObjectNode meta = Json.meta(updated);
    JsonNode om = old.path("metadata");
    for (String f : List.of("uid", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "generation", "namespace")) {
      if (om.has(f)) {
        meta.set(f, om.get(f));
      } else {
        meta.remove(f);
      }
    }
    if (!meta.has("managedFields") && om.has("managedFields")) {
      meta.set("managedFields", om.get("managedFields"));
    }
    meta.put("name", om.path("name").asText());
    if (t.type().status()) {
      if (old.has("status")) {
        updated.set("status", old.get("status"));
      } else {
        updated.remove("status");
      }
    }
    updated.put("apiVersion", old.path("apiVersion").asText(t.type().apiVersion()));
    updated.put("kind", t.type().kind());
    return updated;
  }

  // ---- patch ----

  Response patch(Target t, Request r) {
    return retried(t, () -> patchOnce(t, r), false);
  }

  private Response patchOnce(Target t, Request r) {
    if (t.collection()) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the "
          + "requested resource");
    }
    boolean dryRun = dryRun(r, "PatchOptions");
    String type = r.contentType();
    boolean apply = type.equals(Patches.APPLY);
    Set<String> accepted = t.type().strategic() || "scale".equals(t.subresource())
        ? Set.of(Patches.MERGE, Patches.JSON_PATCH, Patches.STRATEGIC, Patches.APPLY)
        : Set.of(Patches.MERGE, Patches.JSON_PATCH, Patches.APPLY);
    if (type.equals(Patches.STRATEGIC) && !accepted.contains(type)) {
      // Custom resources carry no patch strategies, and the server says what it takes instead.
      throw ApiException.unsupportedMediaType("the body of the request was in an unknown "
          + "format - accepted media types include: application/json-patch+json, "
          + "application/merge-patch+json, application/apply-patch+yaml");
    }
    if (!accepted.contains(type)) {
      throw ApiException.unsupportedMediaType("415: Unsupported Media Type").withEmptyDetails();
    }
    String manager = r.param("fieldManager");
    if (apply && (manager == null || manager.isEmpty())) {
      throw ApiException.invalid("meta.k8s.io", "PatchOptions", "", List.of(
          new ApiException.Cause("FieldValueRequired",
              "Required value: is required for apply patch", "fieldManager")));
    }
    List<String> warnings = new ArrayList<>();
    ObjectNode old = store.get(t.key());
    if ("scale".equals(t.subresource())) {
      if (old == null || t.type().scale() == null) {
        throw ApiException.notFound(t.type(), t.name());
      }
      JsonNode scale = patched(t, Scales.of(t.type(), old), type, r.body());
      JsonNode was = old.path("metadata").path("resourceVersion");
      if (scale.path("metadata") instanceof ObjectNode sm
          && was.equals(sm.get("resourceVersion"))) {
        // only a resourceVersion the patch itself sets is a precondition
        sm.remove("resourceVersion");
      }
      return scale(t, r, scale, dryRun);
    }
    checkSubresource(t);
    if (old == null && !apply) {
      throw ApiException.notFound(t.type(), t.name());
    }
    if (apply) {
      ObjectNode config = parseApply(r.body());
      ObjectNode configMeta = Json.meta(config);
      String named = configMeta.path("name").asText("");
      if (!named.isEmpty() && !named.equals(t.name())) {
        throw ApiException.badRequest("the name of the object (" + named + ") does not match "
            + "the name on the URL (" + t.name() + ")");
      }
      configMeta.put("name", t.name());
      if (old == null) {
        // The applier's configuration is the whole object; the create records it as applied.
        Request asCreate = new Request("POST", r.path(), r.query(), r.headers(),
            Json.bytes(config), r.user());
        return create(new Target(t.type(), t.namespace(), null, null), asCreate);
      }
      ObjectNode result = fields.apply(t.type(), ListTypes.of(t.type(), store), old, config,
          manager, r.flag("force"), t.subresource());
      ObjectNode updated = merged(t, old, result);
      return Response.json(200, commit(t, r, "UPDATE", updated, old, dryRun, warnings),
          warnings);
    }
    ObjectNode after = (ObjectNode) patched(t, old, type, r.body());
    String rv = after.path("metadata").path("resourceVersion").asText("");
    if (!rv.isEmpty() && !rv.equals(old.path("metadata").path("resourceVersion").asText())) {
      throw ApiException.modified(t.type(), t.name());
    }
    ObjectNode updated = merged(t, old, after);
    return Response.json(200, commit(t, r, "UPDATE", updated, old, dryRun, warnings),
        warnings);
  }

  private static JsonNode patched(Target t, JsonNode old, String type, byte[] body) {
    if (type.equals(Patches.JSON_PATCH)) {
      return Patches.jsonPatch((ObjectNode) old, body);
    }
    JsonNode patch;
    try {
      patch = Json.parse(body);
    } catch (IOException e) {
      throw ApiException.badRequest("error decoding patch: " + Json.reason(e));
    }
    if (!patch.isObject()) {
      throw ApiException.badRequest("error decoding patch: json: cannot unmarshal "
          + patch.getNodeType().toString().toLowerCase() + " into Go value of type "
          + "map[string]interface {}");
    }
    JsonNode result = type.equals(Patches.STRATEGIC) ? StrategicMerge.apply(t.type(), old, patch)
        : Patches.merge(old, patch);
    return result;
  }

  private static ObjectNode parseApply(byte[] body) {
    try {
      JsonNode n = Json.parseYaml(body);
      if (n == null || !n.isObject()) {
        throw ApiException.badRequest("error decoding YAML: the apply configuration must be "
            + "an object");
      }
      return (ObjectNode) n;
    } catch (IOException e) {
      throw ApiException.badRequest("error decoding YAML: " + e.getMessage());
    }
  }

  // ---- /scale ----

  private JsonNode decodeScale(Request r) {
    try {
      return Json.parse(r.body());
    } catch (IOException e) {
      throw ApiException.badRequest("error decoding Scale: " + Json.reason(e));
    }
  }

  private Response scale(Target t, Request r, JsonNode scale, boolean dryRun) {
    ObjectNode old = store.get(t.key());
    if (old == null || t.type().scale() == null) {
      throw ApiException.notFound(t.type(), t.name());
    }
    JsonNode sm = scale.path("metadata");
    if (sm.hasNonNull("name") && !sm.get("name").asText().equals(t.name())) {
      throw ApiException.badRequest("the name of the object (" + sm.get("name").asText()
          + ") does not match the name on the URL (" + t.name() + ")");
    }
    String rv = sm.path("resourceVersion").asText("");
    if (!rv.isEmpty() && !rv.equals(old.path("metadata").path("resourceVersion").asText())) {
      throw ApiException.modified(t.type(), t.name());
    }
    JsonNode replicas = scale.path("spec").path("replicas");
    // A custom resource's replicas are checked by its own schema and scale paths instead.
    if (!t.type().custom() && replicas.isNumber() && replicas.asLong() < 0) {
      throw ApiException.invalid("autoscaling", "Scale", t.name(), List.of(
          new ApiException.Cause("FieldValueInvalid", "Invalid value: " + replicas.asLong()
              + ": must be greater than or equal to 0", "spec.replicas")));
    }
    ObjectNode updated = old.deepCopy();
    Scales.apply(t.type(), updated, scale);
    Target main = new Target(t.type(), t.namespace(), t.name(), null);
    ObjectNode stored = commit(main, r, "UPDATE", updated, old, dryRun, new ArrayList<>());
    return Response.json(200, Scales.of(t.type(), stored), null);
  }

  // ---- the common path of every write ----

  /**
   * Defaults, admission, validation, field ownership and the store. A write that changes
   * nothing stores nothing and answers the stored object, resourceVersion unchanged.
   */
  ObjectNode commit(Target t, Request r, String operation, ObjectNode object, ObjectNode old,
      boolean dryRun, List<String> warnings) {
    ResourceType type = t.type();
    object.put("apiVersion", type.apiVersion());
    object.put("kind", type.kind());
    strategies.defaults(type, object, old, warnings);
    Admission.Attributes a = new Admission.Attributes(operation, type, t.subresource(),
        t.namespace(), t.name(), object, old, r.user(), dryRun, warnings);
    // The real server records field ownership before admission: webhooks see managedFields
    // already set, and what mutating admission changes is owned by no manager.
    fields.record(type, ListTypes.of(type, store), old, object, r, t.subresource() != null
        ? t.subresource() : r.path().endsWith("/scale") ? "scale" : null);
    for (Admission step : admission) {
      step.mutate(a);
    }
    List<ApiException.Cause> causes = strategies.validate(type, object, old);
    if (!causes.isEmpty()) {
      throw ApiException.invalid(type.group(), type.kind(), t.name(), causes);
    }
    for (Admission step : admission) {
      step.validate(a);
    }
    if (old != null && type.generation() && t.subresource() == null && specChanged(old, object)) {
      Json.meta(object).put("generation", old.path("metadata").path("generation").asLong(0) + 1);
    }
    if (old != null && unchanged(old, object)) {
      return old;
    }
    if (dryRun) {
      if (old == null) {
        Json.meta(object).remove("resourceVersion");
      } else {
        Json.meta(object).set("resourceVersion", old.path("metadata").get("resourceVersion"));
      }
      return object;
    }
    JsonNode meta = object.path("metadata");
    // As the registry's ShouldDeleteDuringUpdate: only an object already due (grace 0) goes
    // when its last finalizer does; a namespace or a pod in its grace period stays.
    if (old != null && meta.hasNonNull("deletionTimestamp")
        && meta.path("finalizers").isEmpty()
        && old.path("metadata").path("deletionGracePeriodSeconds").asLong(-1) == 0) {
      store.putIf(t.key(), object, version(old));
      return store.remove(t.key());
    }
    return store.putIf(t.key(), object, version(old));
  }

  private static String version(ObjectNode old) {
    return old == null ? null : old.path("metadata").path("resourceVersion").asText();
  }

  /** How often a write without a precondition is retried when it lost a race. */
  private static final int ATTEMPTS = 8;

  /**
   * Runs a write again from a fresh read when another write came in between, as the real
   * server does for updates and patches; a write that carried a resourceVersion then fails
   * its own precondition with 409, and a create of a name just taken answers AlreadyExists.
   */
  private Response retried(Target t, java.util.function.Supplier<Response> write,
      boolean create) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.get();
      } catch (Store.Stale e) {
        if (create) {
          throw ApiException.alreadyExists(t.type(), t.name());
        }
        if (attempt == ATTEMPTS) {
          throw ApiException.modified(t.type(), t.name());
        }
      }
    }
  }

  /** The manager a write is recorded under: the parameter, else the User-Agent's first word. */
  static String manager(Request r) {
    String m = r.param("fieldManager");
    if (m != null && !m.isEmpty()) {
      return m;
    }
    String agent = r.header("user-agent");
    if (agent == null || agent.isEmpty()) {
      return "unknown";
    }
    int slash = agent.indexOf('/');
    return slash < 0 ? agent : agent.substring(0, slash);
  }

  private static boolean specChanged(ObjectNode old, ObjectNode now) {
    return !strip(old).equals(strip(now));
  }

  private static JsonNode strip(ObjectNode o) {
    ObjectNode c = o.deepCopy();
    c.remove("metadata");
    c.remove("status");
    c.remove("apiVersion");
    c.remove("kind");
    return c;
  }

  private static boolean unchanged(ObjectNode old, ObjectNode now) {
    ObjectNode a = old.deepCopy();
    ObjectNode b = now.deepCopy();
    for (ObjectNode x : List.of(a, b)) {
      // managedFields count: a co-owner's apply changes nothing else but must be stored
      Json.meta(x).remove("resourceVersion");
    }
    return a.equals(b);
  }

  // ---- delete ----

  Response delete(Target t, Request r) {
    return new Deletion(store).delete(t, r);
  }

  Response deleteCollection(Target t, Request r) {
    return new Deletion(store).deleteCollection(t, r);
  }

  // ---- decoding and options ----

  private static void checkSubresource(Target t) {
    if (t.subresource() != null && !(t.subresource().equals("status") && t.type().status())) {
      throw ApiException.notFound(t.type(), t.name());
    }
  }

  private static boolean dryRun(Request r, String options) {
    List<String> values = r.query().get("dryRun");
    if (values == null || values.isEmpty()) {
      return false;
    }
    for (String v : values) {
      if (!v.equals("All")) {
        // dryRun is a list: the value shown is the whole list, as Go prints a []string.
        String shown = values.stream().map(d -> "\"" + d + "\"")
            .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        throw ApiException.invalid("meta.k8s.io", options, "", List.of(
            new ApiException.Cause("FieldValueNotSupported", "Unsupported value: " + shown
                + ": supported values: \"All\"", "dryRun")));
      }
    }
    return true;
  }

  /** The request body as an object of the URL's kind; the URL decides where the body is silent. */
  private ObjectNode decode(ResourceType t, Request r, List<String> warnings) {
    String type = r.contentType();
    if (type.contains("protobuf") || type.contains("cbor")) {
      throw ApiException.unsupportedMediaType("the body of the request was in an unknown "
          + "format - accepted media types include: application/json, application/yaml");
    }
    JsonNode n;
    try {
      n = type.contains("yaml") ? Json.parseYaml(r.body()) : Json.parse(r.body());
    } catch (IOException e) {
      throw ApiException.badRequest("the object provided is unrecognized (must be of type "
          + t.kind() + "): couldn't get version/kind; json parse error: " + Json.reason(e));
    }
    if (n == null || !n.isObject()) {
      throw ApiException.badRequest("the object provided is unrecognized (must be of type "
          + t.kind() + "): couldn't get version/kind; json parse error: not an object");
    }
    ObjectNode o = (ObjectNode) n;
    String apiVersion = Json.text(o, "apiVersion");
    String kind = Json.text(o, "kind");
    if (apiVersion != null && !apiVersion.isEmpty() && !apiVersion.equals(t.apiVersion())) {
      throw ApiException.badRequest((kind == null ? t.kind() : kind) + " in version \""
          + t.version() + "\" cannot be handled as a " + t.kind() + ": no kind \""
          + (kind == null ? t.kind() : kind) + "\" is registered for version \"" + apiVersion
          + "\" in scheme \"pkg/api/legacyscheme/scheme.go:30\"");
    }
    if (kind != null && !kind.isEmpty() && !kind.equals(t.kind())) {
      throw ApiException.badRequest("the object provided is unrecognized (must be of type "
          + t.kind() + "): no kind \"" + kind + "\" is registered for version \""
          + t.apiVersion() + "\"");
    }
    JsonNode spec = o.get("spec");
    if (!t.custom() && t.generation() && !t.kind().endsWith("WebhookConfiguration")
        && spec != null && !spec.isNull() && !spec.isObject()) {
      // a built-in kind's spec is a Go struct (the kinds with a generation have one, but the
      // webhook configurations): its decoder refuses anything else, where a strategy reading
      // it as an object would fail with an internal error
      throw ApiException.badRequest(t.kind() + " in version \"" + t.version()
          + "\" cannot be handled as a " + t.kind() + ": json: cannot unmarshal "
          + (spec.isTextual() ? "string" : spec.isNumber() ? "number" : spec.isBoolean()
              ? "bool" : "array") + " into Go struct field " + t.kind() + ".spec of type "
          + t.version() + "." + t.kind() + "Spec");
    }
    o.put("apiVersion", t.apiVersion());
    o.put("kind", t.kind());
    if (!(o.get("metadata") instanceof ObjectNode)) {
      o.putObject("metadata");
    }
    FieldValidation.apply(store, t, r, o, warnings);
    return o;
  }

  private static String randomSuffix() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      b.append(NAME_CHARS.charAt(RANDOM.nextInt(NAME_CHARS.length())));
    }
    return b.toString();
  }

  static boolean removeFinalizer(ObjectNode o, String finalizer) {
    JsonNode f = o.path("metadata").path("finalizers");
    if (!f.isArray()) {
      return false;
    }
    for (Iterator<JsonNode> it = f.elements(); it.hasNext(); ) {
      if (it.next().asText().equals(finalizer)) {
        it.remove();
        return true;
      }
    }
    return false;
  }
}
