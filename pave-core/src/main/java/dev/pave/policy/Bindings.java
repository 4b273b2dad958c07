package dev.pave.policy;

import dev.pave.source.SourceObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a ValidatingAdmissionPolicyBinding adds to its policy: the actions a failure takes, with
 * the API server's wording for each, the parameter objects it selects, and its (and the
 * policy's) selectors, exclusions and operations as CEL match conditions.
 */
final class Bindings {
  private Bindings() {}

  /** The strongest of a binding's validationActions: what a failure does. */
  enum Action {
    DENY(Severity.HIGH), WARN(Severity.MEDIUM), AUDIT(Severity.LOW);

    private final Severity severity;

    Action(Severity severity) {
      this.severity = severity;
    }

    Severity severity() {
      return severity;
    }

    /**
     * How the API server introduces the message: the text of a denial, of a warning header
     * (kubectl shows it after "Warning: "), or the audit annotation key. The trailing colon
     * tells the engine to append the message after it, as Kubernetes does.
     */
    String prefix(String policy, String binding) {
      String with = binding == null ? "" : " with binding '" + binding + "'";
      return switch (this) {
        case DENY -> "ValidatingAdmissionPolicy '" + policy + "'" + with + " denied request:";
        case WARN -> "Validation failed for ValidatingAdmissionPolicy '" + policy + "'" + with
            + ":";
        case AUDIT -> "validation.policy.admission.k8s.io/validation_failure: "
            + "ValidatingAdmissionPolicy '" + policy + "'" + with + ":";
      };
    }
  }

  /** An unbound policy is checked as if bound with Deny: CI should catch it before binding. */
  static Action action(SourceObject binding) {
    if (binding == null) {
      return Action.DENY;
    }
    Action best = null;
    for (Object a : list(Pods.map(binding.object().get("spec")).get("validationActions"))) {
      Action action = switch (String.valueOf(a)) {
        case "Deny" -> Action.DENY;
        case "Warn" -> Action.WARN;
        default -> Action.AUDIT;
      };
      if (best == null || action.ordinal() < best.ordinal()) {
        best = action;
      }
    }
    return best == null ? Action.DENY : best;
  }

  /** The parameter objects a paramRef names (name) or selects (selector), of the paramKind. */
  static List<SourceObject> params(Map<String, Object> paramKind, Map<String, Object> ref,
      List<SourceObject> objects) {
    List<SourceObject> out = new ArrayList<>();
    for (SourceObject o : objects) {
      if (!o.kind().equals(paramKind.get("kind")) || paramKind.get("apiVersion") != null
          && !o.apiVersion().equals(paramKind.get("apiVersion"))) {
        continue;
      }
      if (ref.get("namespace") != null && !ref.get("namespace").equals(o.namespace())) {
        continue;
      }
      if (ref.get("name") != null ? o.name().equals(ref.get("name"))
          : ref.get("selector") != null && selects(Pods.map(ref.get("selector")),
              Pods.map(Pods.map(o.object().get("metadata")).get("labels")))) {
        out.add(o);
      }
    }
    return out;
  }

  /** A label selector on a set of labels, as Kubernetes matches it. */
  static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
    for (Map.Entry<String, Object> e : Pods.map(selector.get("matchLabels")).entrySet()) {
      if (!String.valueOf(e.getValue()).equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (Object x : list(selector.get("matchExpressions"))) {
      Map<String, Object> m = Pods.map(x);
      Object value = labels.get(String.valueOf(m.get("key")));
      List<?> values = list(m.get("values"));
      boolean ok = switch (String.valueOf(m.get("operator"))) {
        case "In" -> value != null && values.contains(value);
        case "NotIn" -> value == null || !values.contains(value);
        case "Exists" -> value != null;
        case "DoesNotExist" -> value == null;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * A matchConstraints or matchResources block, beyond the kinds of its resourceRules, as CEL
   * conditions keyed by the path of what each comes from: objectSelector on the object's
   * labels, namespaceSelector on namespaceObject's (where the namespace is known: a check of
   * files does not know it, and then does not exclude the object), excludeResourceRules by
   * kind, the rules' operations against request.operation (where there is a request) and
   * matchPolicy Exact against the object's apiVersion.
   */
  static List<Map.Entry<String, String>> conditions(Map<String, Object> m, String path) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    String object = selector(Pods.map(m.get("objectSelector")),
        "object.?metadata.?labels.orValue({})");
    if (object != null) {
      out.add(Map.entry(path + ".objectSelector", object));
    }
    String ns = selector(Pods.map(m.get("namespaceSelector")),
        "namespaceObject.?metadata.?labels.orValue({})");
    if (ns != null) {
      out.add(Map.entry(path + ".namespaceSelector",
          "!has(namespaceObject.metadata) || " + ns));
    }
    List<String> excluded = new ArrayList<>();
    for (Object r : list(m.get("excludeResourceRules"))) {
      for (Object res : list(Pods.map(r).get("resources"))) {
        String resource = String.valueOf(res).split("/")[0].toLowerCase(Locale.ROOT);
        excluded.add(resource.equals("*") ? "*" : AdmissionPolicies.kindOf(resource));
      }
    }
    if (excluded.contains("*")) {
      out.add(Map.entry(path + ".excludeResourceRules", "false"));
    } else if (!excluded.isEmpty()) {
      out.add(Map.entry(path + ".excludeResourceRules",
          "!(object.?kind.orValue('') in " + literal(excluded) + ")"));
    }
    List<String> operations = new ArrayList<>();
    List<String> versions = new ArrayList<>();
    boolean anyVersion = false;
    for (Object r : list(m.get("resourceRules"))) {
      Map<String, Object> rule = Pods.map(r);
      List<?> ops = list(rule.get("operations"));
      if (ops.isEmpty() || ops.contains("*")) {
        operations.add("*");
      }
      ops.forEach(o -> operations.add(String.valueOf(o)));
      for (Object g : list(rule.get("apiGroups"))) {
        for (Object v : list(rule.get("apiVersions"))) {
          anyVersion |= "*".equals(g) || "*".equals(v);
          versions.add(String.valueOf(g).isEmpty() ? String.valueOf(v) : g + "/" + v);
        }
      }
    }
    if (!operations.isEmpty() && !operations.contains("*")) {
      out.add(Map.entry(path + ".resourceRules",
          "!has(request.operation) || request.operation in " + literal(operations)));
    }
    if ("Exact".equals(m.get("matchPolicy")) && !anyVersion && !versions.isEmpty()) {
      out.add(Map.entry(path + ".matchPolicy",
          "object.?apiVersion.orValue('') in " + literal(versions)));
    }
    return out;
  }

  /** A label selector as a CEL condition on the labels {@code labels} evaluates to. */
  private static String selector(Map<String, Object> selector, String labels) {
    List<String> terms = new ArrayList<>();
    for (Map.Entry<String, Object> e : Pods.map(selector.get("matchLabels")).entrySet()) {
      String k = literal(e.getKey());
      terms.add("(" + k + " in L && L[" + k + "] == " + literal(String.valueOf(e.getValue()))
          + ")");
    }
    for (Object x : list(selector.get("matchExpressions"))) {
      Map<String, Object> m = Pods.map(x);
      String k = literal(String.valueOf(m.get("key")));
      List<String> values = list(m.get("values")).stream().map(String::valueOf).toList();
      terms.add(switch (String.valueOf(m.get("operator"))) {
        case "In" -> "(" + k + " in L && L[" + k + "] in " + literal(values) + ")";
        case "NotIn" -> "(!(" + k + " in L) || !(L[" + k + "] in " + literal(values) + "))";
        case "Exists" -> "(" + k + " in L)";
        case "DoesNotExist" -> "!(" + k + " in L)";
        default -> "false";
      });
    }
    if (terms.isEmpty()) {
      return null;
    }
    return "cel.bind(L, " + labels + ", " + String.join(" && ", terms) + ")";
  }

  private static String literal(List<String> values) {
    return "[" + String.join(", ", values.stream().map(Bindings::literal).toList()) + "]";
  }

  private static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static List<?> list(Object o) {
    return o instanceof List<?> l ? l : List.of();
  }
}
