package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The review kinds: questions asked by creating an object that is answered at once and never
 * stored (TokenReview, SelfSubjectReview, SubjectAccessReview, SelfSubjectAccessReview,
 * LocalSubjectAccessReview, SelfSubjectRulesReview), with the shapes the real server answers.
 */
final class Reviews {
  private final Rbac rbac;
  private final Tokens tokens;

  Reviews(Rbac rbac, Tokens tokens) {
    this.rbac = rbac;
    this.tokens = tokens;
  }

  /** Whether a target is one of the review kinds this class answers. */
  static boolean handles(Target t) {
    String g = t.type().group();
    return (g.equals("authentication.k8s.io") || g.equals("authorization.k8s.io"))
        && t.type().plural().endsWith("reviews");
  }

  Response create(Target t, Request r) {
    if (!"POST".equals(r.method()) || !t.collection() || t.subresource() != null) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the "
          + "requested resource");
    }
    ObjectNode body = decode(t, r);
    return switch (t.type().kind()) {
      case "TokenReview" -> tokenReview(t, r, body);
      case "SelfSubjectReview" -> selfSubjectReview(t, r);
      case "SelfSubjectRulesReview" -> rulesReview(t, r, body);
      case "SelfSubjectAccessReview" -> accessReview(t, r, body, r.user());
      case "SubjectAccessReview", "LocalSubjectAccessReview" -> {
        JsonNode spec = body.path("spec");
        if (t.namespace() != null && !t.namespace().equals(
            spec.path("resourceAttributes").path("namespace").asText())) {
          throw ApiException.badRequest("spec.resourceAttributes.namespace must match "
              + "namespace: " + t.namespace());
        }
        List<String> groups = new ArrayList<>();
        spec.path("groups").forEach(g -> groups.add(g.asText()));
        String user = spec.path("user").asText("");
        if (user.isEmpty() && groups.isEmpty()) {
          throw ApiException.invalid(t.type().group(), t.type().kind(), "", List.of(
              new ApiException.Cause("FieldValueInvalid", "Invalid value: \"\": at least one "
                  + "of user or group must be specified", "spec.user")));
        }
        yield accessReview(t, r, body, new User(user, spec.path("uid").asText(""), groups));
      }
      default -> throw ApiException.methodNotAllowed("the server does not allow this method "
          + "on the requested resource");
    };
  }

  private Response tokenReview(Target t, Request r, ObjectNode body) {
    JsonNode spec = body.path("spec");
    List<String> wanted = new ArrayList<>();
    spec.path("audiences").forEach(a -> wanted.add(a.asText()));
    Tokens.Identity id = tokens.verify(spec.path("token").asText(null), null);
    List<String> audiences = new ArrayList<>();
    if (id != null) {
      for (String a : wanted.isEmpty() ? List.of(Tokens.API_AUDIENCE) : wanted) {
        if (id.audiences().contains(a)) {
          audiences.add(a);
        }
      }
    }
    ObjectNode out = answer(t, r, body, true);
    ObjectNode status = out.putObject("status");
    if (id == null || audiences.isEmpty()) {
      status.putObject("user");
      status.put("error", "invalid bearer token");
      return Response.json(201, out, null);
    }
    status.put("authenticated", true);
    status.set("user", userInfo(id.user(), id.jti()));
    ArrayNode a = status.putArray("audiences");
    audiences.forEach(a::add);
    return Response.json(201, out, null);
  }

  private Response selfSubjectReview(Target t, Request r) {
    ObjectNode out = Json.object();
    out.put("kind", t.type().kind());
    out.put("apiVersion", t.type().apiVersion());
    out.putObject("metadata").put("creationTimestamp", Json.now());
    String jti = null;
    if (r.header("impersonate-user") == null) {
      Tokens.Identity id = tokens.verify(bearer(r), Tokens.API_AUDIENCE);
      jti = id == null ? null : id.jti();
    }
    ObjectNode info = userInfo(r.user(), jti);
    if (r.header("impersonate-user") != null) {
      info.remove("uid");
    }
    out.putObject("status").set("userInfo", info);
    return Response.json(201, out, null);
  }

  private Response rulesReview(Target t, Request r, ObjectNode body) {
    String namespace = body.path("spec").path("namespace").asText("");
    if (namespace.isEmpty()) {
      throw ApiException.badRequest("no namespace on request");
    }
    ObjectNode out = Json.object();
    out.put("kind", t.type().kind());
    out.put("apiVersion", t.type().apiVersion());
    out.putObject("metadata");
    out.putObject("spec");
    ObjectNode status = out.putObject("status");
    List<List<JsonNode>> rules = rbac.rulesFor(r.user(), namespace);
    ArrayNode resource = status.putArray("resourceRules");
    for (JsonNode rule : rules.get(0)) {
      ObjectNode o = Json.object();
      for (String f : List.of("verbs", "apiGroups", "resources", "resourceNames")) {
        if (rule.has(f) && !rule.get(f).isEmpty()) {
          o.set(f, rule.get(f));
        }
      }
      resource.add(o);
    }
    ArrayNode nonResource = status.putArray("nonResourceRules");
    for (JsonNode rule : rules.get(1)) {
      ObjectNode o = Json.object();
      o.set("verbs", rule.get("verbs"));
      o.set("nonResourceURLs", rule.get("nonResourceURLs"));
      nonResource.add(o);
    }
    status.put("incomplete", false);
    return Response.json(201, out, null);
  }

  private Response accessReview(Target t, Request r, ObjectNode body, User user) {
    JsonNode spec = body.path("spec");
    JsonNode res = spec.path("resourceAttributes");
    JsonNode nonRes = spec.path("nonResourceAttributes");
    if (res.isObject() == nonRes.isObject()) {
      throw ApiException.invalid(t.type().group(), t.type().kind(), "", List.of(
          new ApiException.Cause("FieldValueInvalid", "Invalid value: \"null\": exactly one of "
              + "nonResourceAttributes or resourceAttributes must be specified",
              "spec.resourceAttributes")));
    }
    Rbac.Decision d;
    if (res.isObject()) {
      String sub = res.path("subresource").asText("");
      String ns = res.path("namespace").asText("");
      String name = res.path("name").asText("");
      d = rbac.decide(new Authorizer.Ask(user, res.path("verb").asText(),
          res.path("group").asText(""), res.path("resource").asText(),
          sub.isEmpty() ? null : sub, ns.isEmpty() ? null : ns, name.isEmpty() ? null : name));
    } else {
      d = rbac.decideNonResource(user, nonRes.path("verb").asText(),
          nonRes.path("path").asText());
    }
    ObjectNode out = answer(t, r, body, true);
    ObjectNode status = out.putObject("status");
    status.put("allowed", d.allowed());
    if (d.reason() != null && !d.reason().isEmpty()) {
      status.put("reason", d.reason());
    }
    return Response.json(201, out, null);
  }

  /** The review as sent, with kind, apiVersion and the metadata the server writes. */
  private static ObjectNode answer(Target t, Request r, ObjectNode body, boolean managed) {
    ObjectNode out = Json.object();
    out.put("kind", t.type().kind());
    out.put("apiVersion", t.type().apiVersion());
    ObjectNode meta = out.putObject("metadata");
    if (t.namespace() != null) {
      meta.put("namespace", t.namespace());
    }
    if (managed) {
      meta.set("managedFields", managedFields(t.type().apiVersion(), Writes.manager(r), "spec",
          body.path("spec")));
    }
    out.set("spec", body.path("spec").isObject() ? body.get("spec") : Json.object());
    return out;
  }

  private static ObjectNode userInfo(User user, String jti) {
    ObjectNode info = Json.object();
    info.put("username", user.name());
    if (user.uid() != null && !user.uid().isEmpty()) {
      info.put("uid", user.uid());
    }
    ArrayNode groups = info.putArray("groups");
    user.groups().forEach(groups::add);
    if (jti != null) {
      info.putObject("extra").putArray(Tokens.CREDENTIAL_ID).add("JTI=" + jti);
    } else if (!user.extra().isEmpty()) {
      ObjectNode extra = info.putObject("extra");
      user.extra().forEach((k, v) -> {
        ArrayNode values = extra.putArray(k);
        v.forEach(values::add);
      });
    }
    return info;
  }

  static String bearer(Request r) {
    String auth = r.header("authorization");
    return auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
        ? auth.substring(7).strip() : null;
  }

  private static ObjectNode decode(Target t, Request r) {
    if (r.body() == null || r.body().length == 0) {
      return Json.object();
    }
    try {
      JsonNode n = r.contentType().contains("yaml") ? Json.parseYaml(r.body())
          : Json.parse(r.body());
      if (n instanceof ObjectNode o) {
        return o;
      }
    } catch (IOException e) {
      throw ApiException.badRequest("the object provided is unrecognized (must be of type "
          + t.type().kind() + "): couldn't get version/kind; json parse error: "
          + Json.reason(e));
    }
    throw ApiException.badRequest("the object provided is unrecognized (must be of type "
        + t.type().kind() + "): couldn't get version/kind; json parse error: not an object");
  }

  /** One managedFields entry for an object written once by {@code manager}. */
  static ArrayNode managedFields(String apiVersion, String manager, String field) {
    return managedFields(apiVersion, manager, field, Json.object());
  }

  static ArrayNode managedFields(String apiVersion, String manager, String field,
      JsonNode value) {
    ArrayNode a = Json.array();
    ObjectNode e = a.addObject();
    e.put("manager", manager);
    e.put("operation", "Update");
    e.put("apiVersion", apiVersion);
    e.put("time", Json.now());
    e.put("fieldsType", "FieldsV1");
    e.putObject("fieldsV1").set("f:" + field, fieldSet(value));
    return a;
  }

  private static ObjectNode fieldSet(JsonNode value) {
    ObjectNode set = Json.object();
    if (value.isObject() && !value.isEmpty()) {
      set.putObject(".");
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        set.set("f:" + f.getKey(), fieldSet(f.getValue()));
      }
    }
    return set;
  }
}
