package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * /openapi/v2 and /openapi/v3 as clients fetch them: the v3 index of group-versions with
 * content-hashed URLs, one document per served group-version, ETags, 304 on If-None-Match,
 * the cache headers the real server sends, and an empty 404 for group-versions not served.
 *
 * <p>Documents list each resource's paths with their operations as the real server describes
 * them ({@link OpenApiOperations}); schemas are published for custom resources (from their
 * CRD) and for the built-in kinds whose schema the real server's documents were recorded with
 * (resource openapi-schemas.json: ConfigMap, with the ObjectMeta schemas every kind's metadata
 * refers to). Other built-in kinds' operations name schemas
 * this document does not hold, so kubectl computes strategic merge patches of those from its
 * compiled-in types as it does when a schema is absent. /openapi/v2 is the same in Swagger 2.0
 * form ({@link OpenApiV2}). Protobuf answers carry only the document's version and info.
 */
final class OpenApi {
  private static final String V2_PROTO = "application/com.github.proto-openapi.spec.v2.v1.0"
      + "+protobuf";
  private static final String V3_PROTO = "application/com.github.proto-openapi.spec.v3.v1.0"
      + "+protobuf";

  /** Built-in schemas as the real server publishes them in v3, by name. */
  private static final JsonNode BUILT_IN = OpenApiV2.load("openapi-schemas.json");

  /** The meta.k8s.io schemas the kinds' schemas refer to (ObjectMeta, OwnerReference, ...). */
  private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";

  private final ResourceTypes types;
  private final Store store;
  private final String lastModified = DateTimeFormatter.RFC_1123_DATE_TIME.format(
      ZonedDateTime.now(ZoneOffset.UTC));

  OpenApi(ResourceTypes types, Store store) {
    this.types = types;
    this.store = store;
  }

  /** The answer to a GET under /openapi, or null for other paths. */
  Response answer(Request r) {
    String path = r.path();
    if (path.equals("/openapi/v2")) {
      return v2(r);
    }
    if (path.equals("/openapi/v3") || path.equals("/openapi/v3/")) {
      return index();
    }
    if (path.startsWith("/openapi/v3/")) {
      return v3(r, path.substring("/openapi/v3/".length()));
    }
    return null;
  }

  private Response index() {
    ObjectNode index = Json.object();
    ObjectNode paths = index.putObject("paths");
    for (String gv : groupVersions()) {
      paths.putObject(gv).put("serverRelativeURL", "/openapi/v3/" + gv + "?hash="
          + hash(Json.bytes(document(gv))));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Cache-Control", "no-cache, private");
    headers.put("Accept-Ranges", "bytes");
    headers.put("Last-Modified", lastModified);
    return new Response(200, "text/plain; charset=utf-8", Json.bytes(index), List.of(),
        headers);
  }

  private Response v3(Request r, String gv) {
    if (!groupVersions().contains(gv)) {
      return new Response(404, "text/plain; charset=utf-8", new byte[0], List.of(),
          Map.of("Cache-Control", "no-cache, private"));
    }
    ObjectNode doc = document(gv);
    byte[] json = Json.bytes(doc);
    String hash = hash(json);
    Map<String, String> headers = new LinkedHashMap<>();
    boolean hashed = r.param("hash") != null;
    headers.put("Cache-Control", hashed ? "public, immutable" : "no-cache, private");
    if (hashed) {
      headers.put("Expires", DateTimeFormatter.RFC_1123_DATE_TIME.format(
          ZonedDateTime.now(ZoneOffset.UTC).plusYears(1)));
    }
    headers.put("Etag", "\"" + hash + "\"");
    headers.put("Vary", "Accept");
    headers.put("Accept-Ranges", "bytes");
    headers.put("Last-Modified", lastModified);
    if (("\"" + hash + "\"").equals(r.header("if-none-match"))) {
      return new Response(304, "application/json", new byte[0], List.of(), headers);
    }
    String accept = r.header("accept");
    if (accept != null && accept.contains("proto-openapi.spec.v3")) {
      return new Response(200, V3_PROTO, proto(doc.path("openapi").asText(), 1,
          doc.path("info"), 2, 6), List.of(), headers);
    }
    return new Response(200, "application/json", json, List.of(), headers);
  }

  private Response v2(Request r) {
    ObjectNode doc = Json.object();
    doc.put("swagger", "2.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", "1.36");
    doc.set("parameters", OpenApiV2.PARAMETERS.deepCopy());
    ObjectNode paths = doc.putObject("paths");
    ObjectNode definitions = doc.putObject("definitions");
    doc.putObject("securityDefinitions").putObject("BearerToken").put("description",
        "Bearer Token authentication").put("type", "apiKey").put("name", "authorization")
        .put("in", "header");
    doc.putArray("security").addObject().putArray("BearerToken");
    for (String gv : groupVersions()) {
      ObjectNode v3 = document(gv);
      OpenApiV2.paths(v3.path("paths"), paths);
      v3.path("components").path("schemas").fields()
          .forEachRemaining(e -> definitions.set(e.getKey(), OpenApiV2.definitions(e.getValue())));
    }
    byte[] json = Json.bytes(doc);
    String hash = hash(json);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Cache-Control", "no-cache, private");
    headers.put("Etag", "\"" + hash + "\"");
    headers.put("Vary", "Accept-Encoding, Accept");
    headers.put("Accept-Ranges", "bytes");
    headers.put("Last-Modified", lastModified);
    if (("\"" + hash + "\"").equals(r.header("if-none-match"))) {
      Map<String, String> notModified = new LinkedHashMap<>(headers);
      notModified.remove("Accept-Ranges");
      notModified.remove("Last-Modified");
      return new Response(304, "application/json", new byte[0], List.of(), notModified);
    }
    String accept = r.header("accept");
    if (accept != null && accept.contains("proto-openapi.spec.v2")) {
      return new Response(200, V2_PROTO, proto("2.0", 1, doc.path("info"), 2, 2), List.of(),
          headers);
    }
    return new Response(200, "application/json", json, List.of(), headers);
  }

  // ---- documents ----

  private List<String> groupVersions() {
    List<String> all = new ArrayList<>(List.of("api", "api/v1", "apis", "version",
        ".well-known/openid-configuration", "openid/v1/jwks"));
    for (Map.Entry<String, List<String>> g : types.groups().entrySet()) {
      if (g.getKey().isEmpty()) {
        continue;
      }
      // a custom resource's group has no group-level document, only its group-versions
      if (types.all().stream().noneMatch(t -> t.custom() && t.group().equals(g.getKey()))) {
        all.add("apis/" + g.getKey());
      }
      for (String v : g.getValue()) {
        all.add("apis/" + g.getKey() + "/" + v);
      }
    }
    return all;
  }

  private ObjectNode document(String gv) {
    ObjectNode doc = Json.object();
    doc.put("openapi", "3.0.0");
    String[] p = gv.split("/");
    boolean resources = p[0].equals("api") && p.length == 2 || p[0].equals("apis")
        && p.length == 3;
    String group = p[0].equals("apis") && p.length > 1 ? p[1] : "";
    String version = resources ? p[p.length - 1] : null;
    boolean crd = resources && types.all().stream().anyMatch(t -> t.custom()
        && t.group().equals(group));
    doc.putObject("info").put("title", crd ? "Kubernetes CRD Swagger" : "Kubernetes")
        .put("version", crd ? "v0.1.0" : "1.36");
    ObjectNode paths = doc.putObject("paths");
    ObjectNode components = doc.putObject("components");
    ObjectNode schemas = components.putObject("schemas");
    if (!crd) {
      components.putObject("securitySchemes").putObject("BearerToken").put("type", "apiKey")
          .put("description", "Bearer Token authentication").put("name", "authorization")
          .put("in", "header");
    }
    if (!resources) {
      return doc;
    }
    for (ResourceType t : types.all()) {
      if (!t.group().equals(group) || !t.version().equals(version)) {
        continue;
      }
      OpenApiOperations.paths(t, t.custom() ? schemaName(t) : builtInSchemaName(t), paths);
      if (!t.custom() && BUILT_IN.has(builtInSchemaName(t))) {
        schemas.set(builtInSchemaName(t), BUILT_IN.get(builtInSchemaName(t)).deepCopy());
      }
      if (t.custom()) {
        ObjectNode schema = crdSchema(t);
        if (schema != null) {
          schemas.set(schemaName(t), schema);
        }
      }
    }
    if (!schemas.isEmpty()) {
      // every published kind's metadata refers to ObjectMeta: without it kubectl cannot
      // resolve the schema (diff and apply warn and fall back to compiled-in types)
      BUILT_IN.fieldNames().forEachRemaining(name -> {
        if (name.startsWith(META)) {
          schemas.set(name, BUILT_IN.get(name).deepCopy());
        }
      });
    }
    return doc;
  }

  /** Where the real server's built-in schemas live: io.k8s.api.core.v1.ConfigMap. */
  private static String builtInSchemaName(ResourceType t) {
    String prefix = switch (t.group()) {
      case "" -> "io.k8s.api.core";
      case "apiextensions.k8s.io" -> "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions";
      case "apiregistration.k8s.io" -> "io.k8s.kube-aggregator.pkg.apis.apiregistration";
      default -> "io.k8s.api." + t.group().split("\\.")[0];
    };
    return prefix + "." + t.version() + "." + t.kind();
  }

  private static String schemaName(ResourceType t) {
    List<String> parts = new ArrayList<>(List.of(t.group().split("\\.")));
    java.util.Collections.reverse(parts);
    return String.join(".", parts) + "." + t.version() + "." + t.kind();
  }

  private ObjectNode crdSchema(ResourceType t) {
    ResourceType crds = types.find("apiextensions.k8s.io", "v1", "customresourcedefinitions")
        .orElseThrow();
    ObjectNode crd = store.get(Store.key(crds, "", ResourceTypes.crdName(t)));
    if (crd == null) {
      return null;
    }
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (!v.path("name").asText().equals(t.version())) {
        continue;
      }
      JsonNode s = v.path("schema").path("openAPIV3Schema");
      ObjectNode schema = s.isObject() ? ((ObjectNode) s).deepCopy() : Json.object();
      ObjectNode props = schema.with("properties");
      props.putObject("apiVersion").put("description", "APIVersion defines the versioned "
          + "schema of this representation of an object. Servers should convert recognized "
          + "schemas to the latest internal value, and may reject unrecognized values. More "
          + "info: https://git.k8s.io/community/contributors/devel/sig-architecture/"
          + "api-conventions.md#resources").put("type", "string");
      props.putObject("kind").put("description", "Kind is a string value representing the "
          + "REST resource this object represents. Servers may infer this from the endpoint "
          + "the client submits requests to. Cannot be updated. In CamelCase. More info: "
          + "https://git.k8s.io/community/contributors/devel/sig-architecture/"
          + "api-conventions.md#types-kinds").put("type", "string");
      ObjectNode metadata = props.putObject("metadata");
      metadata.put("description", "Standard object's metadata. More info: "
          + "https://git.k8s.io/community/contributors/devel/sig-architecture/"
          + "api-conventions.md#metadata");
      metadata.putArray("allOf").addObject()
          .put("$ref", "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
      ArrayNode gvk = schema.putArray("x-kubernetes-group-version-kind");
      gvk.addObject().put("group", t.group()).put("kind", t.kind()).put("version", t.version());
      return schema;
    }
    return null;
  }

  // ---- encodings ----

  private static String hash(byte[] body) {
    try {
      return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512")
          .digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A gnostic OpenAPI document in protobuf holding its version string (field {@code
   * versionField}) and info (field {@code infoField}: title 1, version {@code infoVersion}).
   */
  private static byte[] proto(String openapi, int versionField, JsonNode info, int infoField,
      int infoVersion) {
    ByteArrayOutputStream infoBytes = new ByteArrayOutputStream();
    field(infoBytes, 1, info.path("title").asText().getBytes(StandardCharsets.UTF_8));
    field(infoBytes, infoVersion, info.path("version").asText().getBytes(
        StandardCharsets.UTF_8));
    ByteArrayOutputStream doc = new ByteArrayOutputStream();
    field(doc, versionField, openapi.getBytes(StandardCharsets.UTF_8));
    field(doc, infoField, infoBytes.toByteArray());
    return doc.toByteArray();
  }

  private static void field(ByteArrayOutputStream out, int number, byte[] value) {
    varint(out, (number << 3) | 2);
    varint(out, value.length);
    out.writeBytes(value);
  }

  private static void varint(ByteArrayOutputStream out, int v) {
    while ((v & ~0x7F) != 0) {
      out.write((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }
}
