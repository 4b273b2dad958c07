package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * RBAC as the real authorizer evaluates it: ClusterRoleBindings first, then the RoleBindings
 * of the request's namespace, each granting the rules of its Role or ClusterRole. The default
 * roles and bindings every cluster has are built in (they are not stored, so they cannot be
 * removed); stored ClusterRoles aggregate into admin, edit and view through their
 * {@code aggregate-to-*} labels, and a stored ClusterRole with an aggregationRule gathers the
 * rules of those its selectors match.
 */
final class Rbac implements Authorizer {
  private static final String GROUP = "rbac.authorization.k8s.io";

  /** A grant, and which binding, role and subject made it, as SubjectAccessReview names it. */
  record Decision(boolean allowed, String reason) {}

  /** A binding's view: its kind and name, the role it refers to, and its subjects. */
  private record Binding(String kind, String name, String namespace, String roleKind,
      String roleName, JsonNode subjects) {}

  private final Store store;
  private final ResourceTypes types;

  Rbac(Store store, ResourceTypes types) {
    this.store = store;
    this.types = types;
  }

  @Override
  public boolean allowed(Ask ask) {
    return decide(ask).allowed();
  }

  /** Whether a resource request is allowed, and by what. */
  Decision decide(Ask ask) {
    return decide(ask.user(), ask.namespace(), rule -> resourceRuleMatches(rule, ask));
  }

  /** Whether a non-resource request (a URL path such as /healthz) is allowed, and by what. */
  Decision decideNonResource(User user, String verb, String path) {
    return decide(user, null, rule -> nonResourceRuleMatches(rule, verb, path));
  }

  private Decision decide(User user, String namespace, java.util.function.Predicate<JsonNode> m) {
    if (user.groups().contains("system:masters")) {
      return new Decision(true, "");
    }
    for (Binding b : bindings(namespace)) {
      String subject = subjectMatching(b, user);
      if (subject == null) {
        continue;
      }
      for (JsonNode rule : rules(b)) {
        if (m.test(rule)) {
          String binding = b.namespace() == null ? b.name() : b.name() + "/" + b.namespace();
          return new Decision(true, "RBAC: allowed by " + b.kind() + " \"" + binding + "\" of "
              + b.roleKind() + " \"" + b.roleName() + "\" to " + subject);
        }
      }
    }
    return new Decision(false, null);
  }

  /** The rules a user has in a namespace: resource rules, then non-resource rules. */
  List<List<JsonNode>> rulesFor(User user, String namespace) {
    List<JsonNode> resource = new ArrayList<>();
    List<JsonNode> nonResource = new ArrayList<>();
    if (user.groups().contains("system:masters")) {
      resource.add(rule(List.of("*"), List.of("*"), List.of("*")));
      ObjectNode all = Json.object();
      all.putArray("verbs").add("*");
      all.putArray("nonResourceURLs").add("*");
      nonResource.add(all);
      return List.of(resource, nonResource);
    }
    for (Binding b : bindings(namespace)) {
      if (subjectMatching(b, user) == null) {
        continue;
      }
      for (JsonNode rule : rules(b)) {
        (rule.has("nonResourceURLs") ? nonResource : resource).add(rule);
      }
    }
    return List.of(resource, nonResource);
  }

  // ---- bindings and roles ----

  private List<Binding> bindings(String namespace) {
    List<Binding> all = new ArrayList<>(DefaultRoles.BINDINGS);
    for (ObjectNode o : store.list(Store.prefix(type("clusterrolebindings"), null)).items()) {
      all.add(binding("ClusterRoleBinding", o, null));
    }
    if (namespace != null && !namespace.isEmpty()) {
      for (ObjectNode o : store.list(Store.prefix(type("rolebindings"), namespace)).items()) {
        all.add(binding("RoleBinding", o, namespace));
      }
    }
    return all;
  }

  private static Binding binding(String kind, ObjectNode o, String namespace) {
    JsonNode ref = o.path("roleRef");
    return new Binding(kind, o.path("metadata").path("name").asText(), namespace,
        ref.path("kind").asText(), ref.path("name").asText(), o.path("subjects"));
  }

  private List<JsonNode> rules(Binding b) {
    if (b.roleKind().equals("Role")) {
      ObjectNode role = store.get(Store.key(type("roles"), b.namespace(), b.roleName()));
      return role == null ? List.of() : list(role.path("rules"));
    }
    return clusterRoleRules(b.roleName(), new LinkedHashSet<>());
  }

  private List<JsonNode> clusterRoleRules(String name, Set<String> seen) {
    if (!seen.add(name)) {
      return List.of();
    }
    List<JsonNode> rules = new ArrayList<>(DefaultRoles.rules(name));
    ObjectNode stored = store.get(Store.key(type("clusterroles"), "", name));
    List<ObjectNode> clusterRoles = store.list(Store.prefix(type("clusterroles"), null)).items();
    if (DefaultRoles.AGGREGATED.contains(name)) {
      for (ObjectNode o : clusterRoles) {
        JsonNode labels = o.path("metadata").path("labels");
        if (labels.path(GROUP + "/aggregate-to-" + name).asText().equals("true")) {
          rules.addAll(list(o.path("rules")));
        }
      }
    }
    if (stored != null) {
      JsonNode selectors = stored.path("aggregationRule").path("clusterRoleSelectors");
      if (selectors.isArray() && !selectors.isEmpty()) {
        for (ObjectNode o : clusterRoles) {
          String other = o.path("metadata").path("name").asText();
          if (!other.equals(name) && matchesAny(selectors, o.path("metadata"))) {
            rules.addAll(list(o.path("rules")));
          }
        }
      } else {
        rules.addAll(list(stored.path("rules")));
      }
    }
    return rules;
  }

  private static boolean matchesAny(JsonNode selectors, JsonNode meta) {
    for (JsonNode s : selectors) {
      if (LabelSelectors.matches(s, meta.path("labels"))) {
        return true;
      }
    }
    return false;
  }

  /** How the subject that matched is named in a review's reason, or null when none does. */
  private static String subjectMatching(Binding b, User user) {
    for (JsonNode s : b.subjects()) {
      String kind = s.path("kind").asText();
      String name = s.path("name").asText();
      switch (kind) {
        case "User" -> {
          if (user.name().equals(name)) {
            return "User \"" + name + "\"";
          }
        }
        case "Group" -> {
          if (user.groups().contains(name)) {
            return "Group \"" + name + "\"";
          }
        }
        case "ServiceAccount" -> {
          String ns = s.path("namespace").asText(b.namespace() == null ? "" : b.namespace());
          if (user.name().equals("system:serviceaccount:" + ns + ":" + name)) {
            return "ServiceAccount \"" + name + "/" + ns + "\"";
          }
        }
        default -> { }
      }
    }
    return null;
  }

  // ---- rule matching ----

  private static boolean resourceRuleMatches(JsonNode rule, Ask ask) {
    if (!has(rule.path("verbs"), ask.verb()) || !has(rule.path("apiGroups"), ask.group())) {
      return false;
    }
    boolean resource = false;
    String combined = ask.subresource() == null ? ask.resource()
        : ask.resource() + "/" + ask.subresource();
    for (JsonNode r : rule.path("resources")) {
      String v = r.asText();
      if (v.equals("*") || v.equals(combined)
          || ask.subresource() != null && v.equals("*/" + ask.subresource())) {
        resource = true;
        break;
      }
    }
    if (!resource) {
      return false;
    }
    JsonNode names = rule.path("resourceNames");
    if (names.isEmpty()) {
      return true;
    }
    for (JsonNode n : names) {
      if (n.asText().equals(ask.name())) {
        return true;
      }
    }
    return false;
  }

  private static boolean nonResourceRuleMatches(JsonNode rule, String verb, String path) {
    if (!has(rule.path("verbs"), verb)) {
      return false;
    }
    for (JsonNode u : rule.path("nonResourceURLs")) {
      String v = u.asText();
      if (v.equals("*") || v.equals(path)
          || v.endsWith("*") && path.startsWith(v.substring(0, v.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  private static boolean has(JsonNode values, String v) {
    for (JsonNode n : values) {
      if (n.asText().equals("*") || n.asText().equals(v)) {
        return true;
      }
    }
    return false;
  }

  private static List<JsonNode> list(JsonNode a) {
    List<JsonNode> l = new ArrayList<>();
    a.forEach(l::add);
    return l;
  }

  private ResourceType type(String plural) {
    return types.find(GROUP, "v1", plural).orElseThrow();
  }

  static ObjectNode rule(List<String> verbs, List<String> groups, List<String> resources) {
    ObjectNode r = Json.object();
    ArrayNode v = r.putArray("verbs");
    verbs.forEach(v::add);
    ArrayNode g = r.putArray("apiGroups");
    groups.forEach(g::add);
    ArrayNode res = r.putArray("resources");
    resources.forEach(res::add);
    return r;
  }

  /** The default roles and bindings of a real cluster that clients notice. */
  static final class DefaultRoles {
    static final Set<String> AGGREGATED = Set.of("admin", "edit", "view");
    private static final List<String> READ = List.of("get", "list", "watch");
    private static final List<String> WRITE = List.of("create", "delete", "deletecollection",
        "patch", "update");

    /*
     * In the order the real server's rule resolver visited them when SelfSubjectRulesReview
     * was recorded. The binding granting /.well-known is not named in the recording; its name
     * here is ours.
     */
    static final List<Binding> BINDINGS = List.of(
        cluster("system:service-account-issuer-discovery", "system:serviceaccounts"),
        cluster("system:public-info-viewer", "system:authenticated",
            "system:unauthenticated"),
        cluster("system:well-known-viewer", "system:authenticated", "system:unauthenticated"),
        cluster("system:discovery", "system:authenticated"),
        cluster("system:basic-user", "system:authenticated"),
        cluster("cluster-admin", "system:masters"));

    private static Binding cluster(String role, String... groups) {
      ArrayNode subjects = Json.array();
      for (String g : groups) {
        subjects.addObject().put("apiGroup", GROUP).put("kind", "Group").put("name", g);
      }
      return new Binding("ClusterRoleBinding", role, null, "ClusterRole", role, subjects);
    }

    static List<JsonNode> rules(String name) {
      return switch (name) {
        case "cluster-admin" -> List.of(rule(List.of("*"), List.of("*"), List.of("*")),
            nonResource(List.of("*"), "*"));
        case "system:basic-user" -> List.of(
            rule(List.of("create"), List.of("authorization.k8s.io"),
                List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews")),
            rule(List.of("create"), List.of("authentication.k8s.io"),
                List.of("selfsubjectreviews")));
        case "system:service-account-issuer-discovery" -> List.of(nonResource(List.of("get"),
            "/.well-known/openid-configuration", "/.well-known/openid-configuration/",
            "/openid/v1/jwks", "/openid/v1/jwks/"));
        case "system:public-info-viewer" -> List.of(nonResource(List.of("get"), "/healthz",
            "/livez", "/readyz", "/version", "/version/"));
        case "system:well-known-viewer" -> List.of(nonResource(List.of("get"), "/.well-known",
            "/.well-known/*"));
        case "system:discovery" -> List.of(nonResource(List.of("get"), "/api", "/api/*",
            "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz",
            "/version", "/version/"));
        case "view" -> view();
        case "edit" -> edit();
        case "admin" -> admin();
        default -> List.of();
      };
    }

    private static List<JsonNode> view() {
      return List.of(
          rule(READ, List.of(""), List.of("configmaps", "endpoints", "persistentvolumeclaims",
              "persistentvolumeclaims/status", "pods", "replicationcontrollers",
              "replicationcontrollers/scale", "serviceaccounts", "services", "services/status",
              "bindings", "events", "limitranges", "namespaces/status", "pods/log",
              "pods/status", "replicationcontrollers/status", "resourcequotas",
              "resourcequotas/status", "namespaces")),
          rule(READ, List.of("discovery.k8s.io"), List.of("endpointslices")),
          rule(READ, List.of("apps"), List.of("controllerrevisions", "daemonsets",
              "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
              "replicasets", "replicasets/scale", "replicasets/status", "statefulsets",
              "statefulsets/scale", "statefulsets/status")),
          rule(READ, List.of("autoscaling"), List.of("horizontalpodautoscalers",
              "horizontalpodautoscalers/status")),
          rule(READ, List.of("batch"), List.of("cronjobs", "cronjobs/status", "jobs",
              "jobs/status")),
          rule(READ, List.of("extensions"), List.of("daemonsets", "daemonsets/status",
              "deployments", "deployments/scale", "deployments/status", "ingresses",
              "ingresses/status", "networkpolicies", "replicasets", "replicasets/scale",
              "replicasets/status", "replicationcontrollers/scale")),
          rule(READ, List.of("policy"), List.of("poddisruptionbudgets",
              "poddisruptionbudgets/status")),
          rule(READ, List.of("networking.k8s.io"), List.of("ingresses", "ingresses/status",
              "networkpolicies")),
          rule(READ, List.of("events.k8s.io"), List.of("events")));
    }

    private static List<JsonNode> edit() {
      List<JsonNode> rules = new ArrayList<>();
      rules.add(rule(List.of("impersonate"), List.of(""), List.of("serviceaccounts")));
      rules.add(rule(WRITE, List.of(""), List.of("pods", "pods/attach", "pods/exec",
          "pods/portforward", "pods/proxy")));
      rules.add(rule(List.of("create"), List.of(""), List.of("pods/eviction")));
      rules.add(rule(WRITE, List.of(""), List.of("configmaps", "endpoints",
          "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale",
          "secrets", "serviceaccounts", "services", "services/proxy")));
      rules.add(rule(List.of("create"), List.of(""), List.of("serviceaccounts/token")));
      rules.add(rule(WRITE, List.of("apps"), List.of("daemonsets", "deployments",
          "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale",
          "statefulsets", "statefulsets/scale")));
      rules.add(rule(WRITE, List.of("autoscaling"), List.of("horizontalpodautoscalers")));
      rules.add(rule(WRITE, List.of("batch"), List.of("cronjobs", "jobs")));
      rules.add(rule(WRITE, List.of("policy"), List.of("poddisruptionbudgets")));
      rules.add(rule(WRITE, List.of("networking.k8s.io"), List.of("ingresses",
          "networkpolicies")));
      rules.add(rule(List.of("create", "delete", "deletecollection", "patch", "update", "get",
          "list", "watch"), List.of("coordination.k8s.io"), List.of("leases")));
      rules.add(rule(READ, List.of(""), List.of("secrets", "pods/attach", "pods/exec",
          "pods/portforward", "pods/proxy", "services/proxy")));
      rules.addAll(view());
      return rules;
    }

    private static List<JsonNode> admin() {
      List<JsonNode> rules = new ArrayList<>();
      rules.add(rule(List.of("create"), List.of("authorization.k8s.io"),
          List.of("localsubjectaccessreviews")));
      rules.add(rule(List.of("create", "delete", "deletecollection", "get", "list", "patch",
          "update", "watch"), List.of("rbac.authorization.k8s.io"),
          List.of("rolebindings", "roles")));
      rules.addAll(edit());
      return rules;
    }

    private static ObjectNode nonResource(List<String> verbs, String... urls) {
      ObjectNode r = Json.object();
      ArrayNode v = r.putArray("verbs");
      verbs.forEach(v::add);
      ArrayNode u = r.putArray("nonResourceURLs");
      for (String s : urls) {
        u.add(s);
      }
      return r;
    }
  }
}
