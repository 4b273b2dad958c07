package dev.pave.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The discovery documents, built from the resources served at the moment of the request, so
 * a CRD's kinds appear and disappear with it: {@code /version}, {@code /api}, {@code /apis},
 * a group, a group version, and the aggregated form client-go and kubectl ask for.
 */
final class Discovery {
  static final String AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

  private final ResourceTypes types;
  private final String address;

  Discovery(ResourceTypes types, String address) {
    this.types = types;
    this.address = address;
  }

  /** The document at a discovery path, or null when the path is not a discovery path. */
  Response answer(String path, String accept) {
    boolean aggregated = accept != null && accept.contains("as=APIGroupDiscoveryList");
    if (path.equals("/version") || path.equals("/version/")) {
      return Response.json(200, version(), null);
    }
    if (path.equals("/api") || path.equals("/api/")) {
      return aggregated ? aggregated(true) : Response.json(200, apiVersions(), null);
    }
    if (path.equals("/apis") || path.equals("/apis/")) {
      return aggregated ? aggregated(false) : Response.json(200, groupList(), null);
    }
    if (path.equals("/api/v1")) {
      return Response.json(200, resourceList("", "v1"), null);
    }
    String[] p = path.substring(1).split("/");
    if (p[0].equals("apis") && p.length == 2) {
      if (!types.servesGroup(p[1])) {
        throw ApiException.pageNotFound();
      }
      return Response.json(200, group(p[1], types.groups().get(p[1])), null);
    }
    if (p[0].equals("apis") && p.length == 3) {
      if (!types.servesGroupVersion(p[1], p[2])) {
        throw ApiException.pageNotFound();
      }
      return Response.json(200, resourceList(p[1], p[2]), null);
    }
    return null;
  }

  static ObjectNode version() {
    ObjectNode v = Json.object();
    v.put("major", "1");
    v.put("minor", "36");
    v.put("emulationMajor", "1");
    v.put("emulationMinor", "36");
    v.put("minCompatibilityMajor", "1");
    v.put("minCompatibilityMinor", "35");
    v.put("gitVersion", "v1.36.2");
    v.put("gitCommit", "98b35193b2ac7a23a673325f5e9b830ecd5ba406");
    v.put("gitTreeState", "clean");
    v.put("buildDate", "2026-01-01T00:00:00Z");
    v.put("goVersion", "go1.26.10");
    v.put("compiler", "gc");
    v.put("platform", "linux/amd64");
    return v;
  }

  private ObjectNode apiVersions() {
    ObjectNode o = Json.object();
    o.put("kind", "APIVersions");
    o.putArray("versions").add("v1");
    ObjectNode a = o.putArray("serverAddressByClientCIDRs").addObject();
    a.put("clientCIDR", "0.0.0.0/0");
    a.put("serverAddress", address);
    return o;
  }

  private ObjectNode groupList() {
    ObjectNode o = Json.object();
    o.put("kind", "APIGroupList");
    o.put("apiVersion", "v1");
    ArrayNode groups = o.putArray("groups");
    types.groups().forEach((g, versions) -> {
      if (!g.isEmpty()) {
        ObjectNode gn = group(g, versions);
        gn.remove("kind");
        gn.remove("apiVersion");
        groups.add(gn);
      }
    });
    return o;
  }

  private static ObjectNode group(String name, List<String> versions) {
    ObjectNode o = Json.object();
    o.put("kind", "APIGroup");
    o.put("apiVersion", "v1");
    o.put("name", name);
    ArrayNode vs = o.putArray("versions");
    for (String v : versions) {
      vs.addObject().put("groupVersion", name + "/" + v).put("version", v);
    }
    o.putObject("preferredVersion").put("groupVersion", name + "/" + versions.get(0))
        .put("version", versions.get(0));
    return o;
  }

  private ObjectNode resourceList(String group, String version) {
    ObjectNode o = Json.object();
    o.put("kind", "APIResourceList");
    o.put("apiVersion", "v1");
    o.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode list = o.putArray("resources");
    for (ResourceType t : types.all()) {
      if (!t.group().equals(group) || !t.version().equals(version)) {
        continue;
      }
      ObjectNode r = list.addObject();
      r.put("name", t.plural());
      r.put("singularName", t.singular());
      r.put("namespaced", t.namespaced());
      r.put("kind", t.kind());
      verbs(r.putArray("verbs"), t.verbs());
      if (!t.shortNames().isEmpty()) {
        verbs(r.putArray("shortNames"), t.shortNames());
      }
      if (!t.categories().isEmpty()) {
        verbs(r.putArray("categories"), t.categories());
      }
      r.put("storageVersionHash", storageVersionHash(t));
      for (String[] extra : EXTRA.getOrDefault(t.groupResource(), List.of())) {
        ObjectNode s = list.addObject();
        s.put("name", t.plural() + "/" + extra[0]);
        s.put("singularName", "");
        s.put("namespaced", t.namespaced());
        if (!extra[1].isEmpty()) {
          s.put("group", extra[1]);
          s.put("version", extra[2]);
        }
        s.put("kind", extra[3]);
        verbs(s.putArray("verbs"), List.of(extra[4].split(",")));
      }
      if (t.scale() != null) {
        ObjectNode s = list.addObject();
        s.put("name", t.plural() + "/scale");
        s.put("singularName", "");
        s.put("namespaced", t.namespaced());
        s.put("group", "autoscaling");
        s.put("version", "v1");
        s.put("kind", "Scale");
        verbs(s.putArray("verbs"), List.of("get", "patch", "update"));
      }
      if (t.status()) {
        ObjectNode s = list.addObject();
        s.put("name", t.plural() + "/status");
        s.put("singularName", "");
        s.put("namespaced", t.namespaced());
        s.put("kind", t.kind());
        verbs(s.putArray("verbs"), List.of("get", "patch", "update"));
      }
    }
    return o;
  }

  private Response aggregated(boolean core) {
    ObjectNode o = Json.object();
    o.put("kind", "APIGroupDiscoveryList");
    o.put("apiVersion", "apidiscovery.k8s.io/v2");
    o.putObject("metadata");
    ArrayNode items = o.putArray("items");
    for (Map.Entry<String, List<String>> g : types.groups().entrySet()) {
      if (g.getKey().isEmpty() != core) {
        continue;
      }
      ObjectNode item = items.addObject();
      ObjectNode meta = item.putObject("metadata");
      if (!core) {
        meta.put("name", g.getKey());
      }
      ArrayNode versions = item.putArray("versions");
      for (String v : g.getValue()) {
        ObjectNode vn = versions.addObject();
        vn.put("version", v);
        ArrayNode rs = vn.putArray("resources");
        for (ResourceType t : types.all()) {
          if (!t.group().equals(g.getKey()) || !t.version().equals(v)) {
            continue;
          }
          ObjectNode r = rs.addObject();
          r.put("resource", t.plural());
          r.putObject("responseKind").put("group", t.custom() ? t.group() : "")
              .put("version", t.custom() ? t.version() : "").put("kind", t.kind());
          r.put("scope", t.namespaced() ? "Namespaced" : "Cluster");
          r.put("singularResource", t.singular());
          verbs(r.putArray("verbs"), t.verbs());
          if (!t.shortNames().isEmpty()) {
            verbs(r.putArray("shortNames"), t.shortNames());
          }
          if (!t.categories().isEmpty()) {
            verbs(r.putArray("categories"), t.categories());
          }
          List<String[]> extra = EXTRA.getOrDefault(t.groupResource(), List.of());
          if (t.status() || t.scale() != null || !extra.isEmpty()) {
            ArrayNode subs = r.putArray("subresources");
            List<ObjectNode> all = new java.util.ArrayList<>();
            for (String[] x : extra) {
              ObjectNode s = Json.object();
              s.put("subresource", x[0]);
              s.putObject("responseKind").put("group", x[1]).put("version", x[2])
                  .put("kind", x[3]);
              verbs(s.putArray("verbs"), List.of(x[4].split(",")));
              all.add(s);
            }
            if (t.scale() != null) {
              ObjectNode s = Json.object();
              all.add(s);
              s.put("subresource", "scale");
              s.putObject("responseKind").put("group", "autoscaling").put("version", "v1")
                  .put("kind", "Scale");
              verbs(s.putArray("verbs"), List.of("get", "patch", "update"));
            }
            if (t.status()) {
              ObjectNode s = Json.object();
              all.add(s);
              s.put("subresource", "status");
              s.putObject("responseKind").put("group", t.custom() ? t.group() : "")
                  .put("version", t.custom() ? t.version() : "").put("kind", t.kind());
              verbs(s.putArray("verbs"), List.of("get", "patch", "update"));
            }
            all.sort(java.util.Comparator.comparing(x -> x.path("subresource").asText()));
            all.forEach(subs::add);
          }
        }
        vn.put("freshness", "Current");
      }
    }
    return new Response(200, AGGREGATED, Json.bytes(o), List.of(),
        Map.of("Vary", "Accept", "Cache-Control", "public"));
  }

  /**
   * Subresources served by handlers of their own rather than by the resource's traits:
   * name, group, version, kind, verbs. Those without a handler here are listed because
   * clients check discovery for them; a request to one answers 404.
   */
  private static final Map<String, List<String[]>> EXTRA = Map.of(
      "namespaces", List.<String[]>of(new String[] {"finalize", "", "", "Namespace", "update"}),
      "pods", List.of(
          new String[] {"attach", "", "", "PodAttachOptions", "create,get"},
          new String[] {"binding", "", "", "Binding", "create"},
          new String[] {"ephemeralcontainers", "", "", "Pod", "get,patch,update"},
          new String[] {"eviction", "policy", "v1", "Eviction", "create"},
          new String[] {"exec", "", "", "PodExecOptions", "create,get"},
          new String[] {"log", "", "", "Pod", "get"},
          new String[] {"portforward", "", "", "PodPortForwardOptions", "create,get"},
          new String[] {"proxy", "", "", "PodProxyOptions",
              "create,delete,get,patch,update"},
          new String[] {"resize", "", "", "Pod", "get,patch,update"}),
      "serviceaccounts", List.<String[]>of(new String[] {"token", "authentication.k8s.io", "v1",
          "TokenRequest", "create"}));

  /** As the real server derives it: the first 8 bytes of SHA-256 of group/version/kind. */
  static String storageVersionHash(ResourceType t) {
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(
          (t.group() + "/" + t.version() + "/" + t.kind())
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(h, 8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void verbs(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }
}
