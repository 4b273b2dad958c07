package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The Swagger 2.0 form of the v3 documents, as /openapi/v2 serves it: operations list their
 * body as a parameter and their media types as consumes/produces (in the server's order, not
 * v3's sorted one), schema references point into {@code definitions}, and a parameter the
 * real server shares between operations is a reference into the top-level {@code
 * parameters}, whose names and texts are the real server's (resource
 * openapi-v2-parameters.json, as recorded from v1.36.2).
 */
final class OpenApiV2 {
  static final JsonNode PARAMETERS = load("openapi-v2-parameters.json");
  /** The order the real server lists media types in consumes and produces. */
  private static final List<String> MEDIA_ORDER = List.of("application/json",
      "application/yaml", "application/vnd.kubernetes.protobuf",
      "application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch",
      "application/json-patch+json", "application/merge-patch+json",
      "application/strategic-merge-patch+json", "application/apply-patch+yaml", "*/*");
  private static final List<String> METHODS = List.of("get", "put", "post", "delete",
      "options", "head", "patch");

  private OpenApiV2() {}

  static JsonNode load(String resource) {
    try (InputStream in = OpenApiV2.class.getResourceAsStream(resource)) {
      return Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds the v2 form of every path item of a v3 document to {@code out}. */
  static void paths(JsonNode v3Paths, ObjectNode out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = v3Paths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      ObjectNode item = out.putObject(p.getKey());
      for (String method : METHODS) {
        if (p.getValue().has(method)) {
          item.set(method, operation(p.getValue().get(method)));
        }
      }
      if (p.getValue().has("parameters")) {
        ArrayNode params = item.putArray("parameters");
        p.getValue().get("parameters").forEach(q -> params.add(shared(parameter(q))));
      }
    }
  }

  private static ObjectNode operation(JsonNode v3) {
    ObjectNode op = Json.object();
    op.set("description", v3.get("description"));
    JsonNode body = v3.path("requestBody");
    ArrayNode consumes = op.putArray("consumes");
    if (body.isObject()) {
      ordered(body.path("content")).forEach(consumes::add);
    } else {
      consumes.add("*/*");
    }
    ArrayNode produces = op.putArray("produces");
    for (Iterator<JsonNode> rs = v3.path("responses").elements(); rs.hasNext(); ) {
      JsonNode r = rs.next();
      if (r.has("content")) {
        ordered(r.get("content")).forEach(produces::add);
        break;
      }
    }
    op.putArray("schemes").add("https");
    op.set("tags", v3.get("tags"));
    op.set("operationId", v3.get("operationId"));
    ArrayNode params = Json.MAPPER.createArrayNode();
    if (body.isObject()) {
      ObjectNode b = Json.object();
      b.put("name", "body");
      b.put("in", "body");
      if (body.path("required").asBoolean()) {
        b.put("required", true);
      }
      JsonNode schema = body.path("content").elements().next().path("schema");
      b.set("schema", definitions(schema));
      params.add(shared(b));
    }
    v3.path("parameters").forEach(q -> params.add(shared(parameter(q))));
    if (!params.isEmpty()) {
      op.set("parameters", params);
    }
    ObjectNode responses = op.putObject("responses");
    v3.path("responses").fields().forEachRemaining(r -> {
      ObjectNode resp = responses.putObject(r.getKey());
      resp.set("description", r.getValue().get("description"));
      if (r.getValue().has("content")) {
        resp.set("schema", definitions(r.getValue().get("content").elements().next()
            .path("schema")));
      }
    });
    op.set("x-kubernetes-action", v3.get("x-kubernetes-action"));
    op.set("x-kubernetes-group-version-kind", v3.get("x-kubernetes-group-version-kind"));
    return op;
  }

  private static List<String> ordered(JsonNode content) {
    List<String> types = new ArrayList<>();
    content.fieldNames().forEachRemaining(types::add);
    types.sort(java.util.Comparator.comparingInt(t -> MEDIA_ORDER.indexOf(t) < 0
        ? MEDIA_ORDER.size() : MEDIA_ORDER.indexOf(t)));
    return types;
  }

  /** A v3 parameter in v2 form: its schema's type and uniqueItems inline. */
  private static ObjectNode parameter(JsonNode v3) {
    ObjectNode p = Json.object();
    JsonNode schema = v3.path("schema");
    if (schema.has("uniqueItems")) {
      p.set("uniqueItems", schema.get("uniqueItems"));
    }
    if (schema.has("type")) {
      p.set("type", schema.get("type"));
    }
    if (v3.has("description")) {
      p.set("description", v3.get("description"));
    }
    p.set("name", v3.get("name"));
    p.set("in", v3.get("in"));
    if (v3.path("required").asBoolean()) {
      p.put("required", true);
    }
    return p;
  }

  /** A reference to the shared parameter equal to {@code p}, or {@code p} itself. */
  private static JsonNode shared(ObjectNode p) {
    for (Iterator<Map.Entry<String, JsonNode>> it = PARAMETERS.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> s = it.next();
      if (s.getValue().equals(p)) {
        return Json.object().put("$ref", "#/parameters/" + s.getKey());
      }
    }
    return p;
  }

  /**
   * A v3 schema in v2 form: references into #/definitions, and a reference v3 wraps in a
   * one-element allOf (to give it a description or default) written as the reference itself.
   */
  static JsonNode definitions(JsonNode v3) {
    if (v3.isArray()) {
      ArrayNode out = Json.MAPPER.createArrayNode();
      v3.forEach(e -> out.add(definitions(e)));
      return out;
    }
    if (!v3.isObject()) {
      return v3;
    }
    ObjectNode out = Json.object();
    JsonNode allOf = v3.get("allOf");
    boolean wrapped = allOf != null && allOf.size() == 1 && allOf.get(0).has("$ref");
    v3.fields().forEachRemaining(f -> {
      if (wrapped && (f.getKey().equals("allOf") || f.getKey().equals("default"))) {
        return;
      }
      if (f.getKey().equals("$ref") && f.getValue().isTextual()) {
        out.put("$ref", f.getValue().asText().replace("#/components/schemas/",
            "#/definitions/"));
      } else {
        out.set(f.getKey(), definitions(f.getValue()));
      }
    });
    if (wrapped) {
      out.put("$ref", allOf.get(0).get("$ref").asText().replace("#/components/schemas/",
          "#/definitions/"));
    }
    return out;
  }
}
