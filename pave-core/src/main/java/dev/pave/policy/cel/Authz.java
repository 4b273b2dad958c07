package dev.pave.policy.cel;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelFunctionBinding;
import java.util.ArrayList;
import java.util.List;

/**
 * Kubernetes' authorizer library ({@code authorizer.group('apps').resource('deployments')
 * .check('create').allowed()}). Pave checks files without a cluster, so there is no one to ask:
 * every check gives the decision Kubernetes gives when its authorizer fails, not allowed and
 * errored, and a policy that requires a permission fails as it would against an unreachable
 * authorizer rather than passing unseen.
 */
public final class Authz {
  public static final OpaqueType AUTHORIZER =
      OpaqueType.create("kubernetes.authorization.Authorizer");
  public static final OpaqueType PATH_CHECK =
      OpaqueType.create("kubernetes.authorization.PathCheck");
  public static final OpaqueType GROUP_CHECK =
      OpaqueType.create("kubernetes.authorization.GroupCheck");
  public static final OpaqueType RESOURCE_CHECK =
      OpaqueType.create("kubernetes.authorization.ResourceCheck");
  public static final OpaqueType DECISION =
      OpaqueType.create("kubernetes.authorization.Decision");

  static final String NO_AUTHORIZER =
      "no authorizer: pave evaluates files without a cluster to ask";

  /** The authorizer (for the request's user, or for a service account). */
  public record Authorizer(String serviceAccount) {}

  record PathCheck(String path) {}

  record GroupCheck(String group) {}

  /** What a resource check asks about. */
  public record ResourceCheck(String group, String resource, String subresource,
      String namespace, String name) {
    ResourceCheck with(String field, String value) {
      return switch (field) {
        case "subresource" -> new ResourceCheck(group, resource, value, namespace, name);
        case "namespace" -> new ResourceCheck(group, resource, subresource, value, name);
        case "name" -> new ResourceCheck(group, resource, subresource, namespace, value);
        default -> this;
      };
    }
  }

  record Decision(boolean allowed, String reason, String error) {}

  public static final Authorizer NONE = new Authorizer(null);

  private Authz() {}

  static List<CelFunctionDecl> declarations() {
    CelType str = SimpleType.STRING;
    List<CelFunctionDecl> d = new ArrayList<>(List.of(
        fn("path", member("authorizer_path", PATH_CHECK, AUTHORIZER, str)),
        fn("group", member("authorizer_group", GROUP_CHECK, AUTHORIZER, str)),
        fn("serviceAccount", member("authorizer_serviceaccount", AUTHORIZER, AUTHORIZER, str,
            str)),
        fn("resource", member("groupcheck_resource", RESOURCE_CHECK, GROUP_CHECK, str)),
        fn("check", member("pathcheck_check", DECISION, PATH_CHECK, str),
            member("resourcecheck_check", DECISION, RESOURCE_CHECK, str)),
        fn("allowed", member("decision_allowed", SimpleType.BOOL, DECISION)),
        fn("reason", member("decision_reason", str, DECISION)),
        fn("errored", member("decision_errored", SimpleType.BOOL, DECISION)),
        fn("error", member("decision_error", str, DECISION))));
    for (String f : List.of("subresource", "namespace", "name", "fieldSelector",
        "labelSelector")) {
      d.add(fn(f, member("resourcecheck_" + f, RESOURCE_CHECK, RESOURCE_CHECK, str)));
    }
    return d;
  }

  static List<CelFunctionBinding> bindings() {
    Decision none = new Decision(false, "", NO_AUTHORIZER);
    List<CelFunctionBinding> b = new ArrayList<>(List.of(
        CelFunctionBinding.from("authorizer_path", Authorizer.class, String.class,
            (a, p) -> new PathCheck(p)),
        CelFunctionBinding.from("authorizer_group", Authorizer.class, String.class,
            (a, g) -> new GroupCheck(g)),
        CelFunctionBinding.from("authorizer_serviceaccount", List.of(Authorizer.class,
            String.class, String.class), args -> new Authorizer(
                "system:serviceaccount:" + args[1] + ":" + args[2])),
        CelFunctionBinding.from("groupcheck_resource", GroupCheck.class, String.class,
            (g, r) -> new ResourceCheck(g.group(), r, "", "", "")),
        CelFunctionBinding.from("pathcheck_check", PathCheck.class, String.class,
            (p, verb) -> none),
        CelFunctionBinding.from("resourcecheck_check", ResourceCheck.class, String.class,
            (r, verb) -> none),
        CelFunctionBinding.from("decision_allowed", Decision.class, Decision::allowed),
        CelFunctionBinding.from("decision_reason", Decision.class, Decision::reason),
        CelFunctionBinding.from("decision_errored", Decision.class, d -> d.error() != null),
        CelFunctionBinding.from("decision_error", Decision.class,
            d -> d.error() == null ? "" : d.error())));
    for (String f : List.of("subresource", "namespace", "name", "fieldSelector",
        "labelSelector")) {
      b.add(CelFunctionBinding.from("resourcecheck_" + f, ResourceCheck.class, String.class,
          (r, v) -> r.with(f, v)));
    }
    return b;
  }

  private static CelFunctionDecl fn(String name, CelOverloadDecl... overloads) {
    return CelFunctionDecl.newFunctionDeclaration(name, overloads);
  }

  private static CelOverloadDecl member(String id, CelType result, CelType... params) {
    return CelOverloadDecl.newMemberOverload(id, result, params);
  }
}
