package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAPI v3 path items of one resource as the real server publishes them: per verb the
 * tags, description, operationId, query parameters, request body and responses, and the
 * parameters every operation of a path shares. Built-in kinds answer in JSON, protobuf and
 * YAML and take any body ({@code *}/{@code *}); custom resources answer and take JSON and
 * YAML only, offer no strategic merge patch, and their read takes resourceVersion. The
 * parameter descriptions are the real server's texts (resource openapi-parameters.json).
 */
final class OpenApiOperations {
  private static final JsonNode PARAMETERS = load();
  private static final String META = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.";

  private OpenApiOperations() {}

  private static JsonNode load() {
    try (InputStream in = OpenApiOperations.class.getResourceAsStream(
        "openapi-parameters.json")) {
      return Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds the collection path and, where objects can be read by name, the item path. */
  static void paths(ResourceType t, String schema, ObjectNode paths) {
    String base = (t.group().isEmpty() ? "/api/" : "/apis/" + t.group() + "/") + t.version()
        + (t.namespaced() ? "/namespaces/{namespace}/" : "/") + t.plural();
    String ref = "#/components/schemas/" + schema;
    ObjectNode collection = paths.putObject(base);
    if (t.has("list")) {
      ObjectNode op = operation(collection, "get", t, "list or watch objects of kind "
          + t.kind(), "list", "list", List.of("allowWatchBookmarks", "continue",
          "fieldSelector", "labelSelector", "limit", "resourceVersion", "resourceVersionMatch",
          "sendInitialEvents", "shardSelector", "timeoutSeconds", "watch"));
      List<String> types = new ArrayList<>();
      for (String type : contentTypes(t)) {
        types.add(type);
        if (!type.equals("application/yaml")) {
          types.add(type + ";stream=watch");
        }
      }
      response(op, "200", "OK", ref + "List", types.stream().sorted().toList());
      unauthorized(op);
    }
    if (t.has("create")) {
      ObjectNode op = operation(collection, "post", t, "create " + article(t.kind()) + t.kind(), "create", "post", List.of("dryRun", "fieldManager", "fieldValidation"));
      body(op, t, ref, true);
      for (String[] r : new String[][] {{"200", "OK"}, {"201", "Created"}, {"202", "Accepted"}}) {
        response(op, r[0], r[1], ref, contentTypes(t));
      }
      unauthorized(op);
    }
    if (t.has("deletecollection")) {
      ObjectNode op = operation(collection, "delete", t, "delete collection of " + t.kind(),
          "deleteCollection", "deletecollection", List.of("continue", "dryRun", "fieldSelector",
          "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential",
          "labelSelector", "limit", "orphanDependents", "propagationPolicy", "resourceVersion",
          "resourceVersionMatch", "sendInitialEvents", "shardSelector", "timeoutSeconds"));
      body(op, t, META + "DeleteOptions", false);
      response(op, "200", "OK", META + "Status", contentTypes(t));
      unauthorized(op);
    }
    shared(collection, t, false);
    if (!t.has("get")) {
      return;
    }
    ObjectNode item = paths.putObject(base + "/{name}");
    ObjectNode get = operation(item, "get", t, "read the specified " + t.kind(), "read", "get",
        t.custom() ? List.of("resourceVersion") : List.of());
    response(get, "200", "OK", ref, contentTypes(t));
    unauthorized(get);
    if (t.has("update")) {
      ObjectNode op = operation(item, "put", t, "replace the specified " + t.kind(), "replace",
          "put", List.of("dryRun", "fieldManager", "fieldValidation"));
      body(op, t, ref, true);
      response(op, "200", "OK", ref, contentTypes(t));
      response(op, "201", "Created", ref, contentTypes(t));
      unauthorized(op);
    }
    if (t.has("delete")) {
      ObjectNode op = operation(item, "delete", t, "delete " + article(t.kind()) + t.kind(),
          "delete", "delete", List.of("dryRun", "gracePeriodSeconds",
          "ignoreStoreReadErrorWithClusterBreakingPotential", "orphanDependents",
          "propagationPolicy"));
      body(op, t, META + "DeleteOptions", false);
      response(op, "200", "OK", META + "Status", contentTypes(t));
      response(op, "202", "Accepted", META + "Status", contentTypes(t));
      unauthorized(op);
    }
    if (t.has("patch")) {
      ObjectNode op = operation(item, "patch", t, "partially update the specified " + t.kind(),
          "patch", "patch", List.of("dryRun", "fieldManager:patch", "fieldValidation", "force"));
      ObjectNode content = op.putObject("requestBody").putObject("content");
      List<String> patches = new ArrayList<>(List.of("application/apply-patch+yaml",
          "application/json-patch+json", "application/merge-patch+json"));
      if (!t.custom()) {
        patches.add("application/strategic-merge-patch+json");
      }
      for (String type : patches) {
        content.putObject(type).putObject("schema").put("$ref", META + "Patch");
      }
      ((ObjectNode) op.get("requestBody")).put("required", true);
      response(op, "200", "OK", ref, contentTypes(t));
      if (!t.custom()) {
        response(op, "201", "Created", ref, contentTypes(t));
      }
      unauthorized(op);
    }
    shared(item, t, true);
  }

  private static List<String> contentTypes(ResourceType t) {
    return t.custom() ? List.of("application/json", "application/yaml")
        : List.of("application/json", "application/vnd.kubernetes.protobuf", "application/yaml");
  }

  private static ObjectNode operation(ObjectNode path, String method, ResourceType t,
      String description, String verb, String action, List<String> parameters) {
    ObjectNode op = path.putObject(method);
    op.putArray("tags").add(tag(t));
    op.put("description", description);
    String collection = verb.equals("deleteCollection") ? "Collection" : "";
    op.put("operationId", (collection.isEmpty() ? verb : "delete") + capitalize(group(t))
        + capitalize(t.version()) + collection + (t.namespaced() ? "Namespaced" : "")
        + t.kind());
    if (!parameters.isEmpty()) {
      ArrayNode params = op.putArray("parameters");
      parameters.forEach(p -> params.add(PARAMETERS.get(p).deepCopy()));
    }
    op.put("x-kubernetes-action", action);
    op.putObject("x-kubernetes-group-version-kind").put("group", t.group())
        .put("version", t.version()).put("kind", t.kind());
    return op;
  }

  /** The parameters all operations of a path share: name, namespace, pretty. */
  private static void shared(ObjectNode path, ResourceType t, boolean item) {
    ArrayNode params = path.putArray("parameters");
    if (item) {
      ObjectNode name = PARAMETERS.get("name").deepCopy();
      name.put("description", name.path("description").asText().replace("{kind}", t.kind()));
      params.add(name);
    }
    if (t.namespaced()) {
      params.add(PARAMETERS.get("namespace").deepCopy());
    }
    params.add(PARAMETERS.get("pretty").deepCopy());
  }

  private static void body(ObjectNode op, ResourceType t, String ref, boolean required) {
    ObjectNode body = op.putObject("requestBody");
    ObjectNode content = body.putObject("content");
    for (String type : t.custom() ? contentTypes(t) : List.of("*/*")) {
      content.putObject(type).putObject("schema").put("$ref", ref);
    }
    if (required) {
      body.put("required", true);
    }
  }

  private static void response(ObjectNode op, String code, String description, String ref,
      List<String> types) {
    ObjectNode r = op.with("responses").putObject(code);
    r.put("description", description);
    ObjectNode content = r.putObject("content");
    for (String type : types) {
      content.putObject(type).putObject("schema").put("$ref", ref);
    }
  }

  private static void unauthorized(ObjectNode op) {
    op.with("responses").putObject("401").put("description", "Unauthorized");
  }

  /** "core_v1", "apps_v1", "rbacAuthorization_v1", "txExampleCom_v1". */
  static String tag(ResourceType t) {
    return group(t) + "_" + t.version();
  }

  /** The group as tags and operationIds spell it: "core", "rbacAuthorization". */
  private static String group(ResourceType t) {
    String group = t.group().isEmpty() ? "core" : t.group().endsWith(".k8s.io")
        ? t.group().substring(0, t.group().length() - ".k8s.io".length()) : t.group();
    StringBuilder b = new StringBuilder();
    for (String part : group.split("[.-]")) {
      b.append(b.length() == 0 ? part : capitalize(part));
    }
    return b.toString();
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** As the server's GetArticleForNoun: none for a plural-looking kind ("Endpoints"). */
  private static String article(String kind) {
    if (kind.endsWith("s") && !kind.endsWith("ss")) {
      return "";
    }
    return "AEIOU".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ";
  }
}
