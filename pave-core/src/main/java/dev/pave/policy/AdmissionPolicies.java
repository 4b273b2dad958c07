package dev.pave.policy;

import dev.pave.source.SourceObject;
import dev.pave.spec.Application;
import dev.pave.spec.Document;
import dev.pave.spec.Metadata;
import dev.pave.spec.SourceMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns Kubernetes ValidatingAdmissionPolicy objects, with their bindings, into packs, so that
 * teams who already write VAP get the CLI and the audit for them. Each validation becomes a rule
 * {@code <policy>/validation-<n>}; the bindings' actions give the severity (Deny: high, Warn:
 * medium, Audit: low).
 */
public final class AdmissionPolicies {
  public static final String KIND = "ValidatingAdmissionPolicy";
  public static final String BINDING_KIND = "ValidatingAdmissionPolicyBinding";

  /** Resource names to kinds, for matchConstraints.resourceRules. */
  private static final Map<String, String> KINDS = Map.ofEntries(
      Map.entry("pods", "Pod"), Map.entry("deployments", "Deployment"),
      Map.entry("statefulsets", "StatefulSet"), Map.entry("daemonsets", "DaemonSet"),
      Map.entry("replicasets", "ReplicaSet"), Map.entry("jobs", "Job"),
      Map.entry("cronjobs", "CronJob"), Map.entry("services", "Service"),
      Map.entry("ingresses", "Ingress"), Map.entry("configmaps", "ConfigMap"),
      Map.entry("secrets", "Secret"), Map.entry("namespaces", "Namespace"),
      Map.entry("serviceaccounts", "ServiceAccount"),
      Map.entry("networkpolicies", "NetworkPolicy"),
      Map.entry("horizontalpodautoscalers", "HorizontalPodAutoscaler"),
      Map.entry("poddisruptionbudgets", "PodDisruptionBudget"),
      Map.entry("persistentvolumeclaims", "PersistentVolumeClaim"),
      Map.entry("podtemplates", "PodTemplate"),
      Map.entry("replicationcontrollers", "ReplicationController"));

  private AdmissionPolicies() {}

  public static boolean isPolicy(SourceObject o) {
    return o.kind().equals(KIND) && o.apiVersion().startsWith("admissionregistration.k8s.io/");
  }

  public static boolean isBinding(SourceObject o) {
    return o.kind().equals(BINDING_KIND)
        && o.apiVersion().startsWith("admissionregistration.k8s.io/");
  }

  public static List<Document<Policy>> toPacks(List<SourceObject> policies,
      List<SourceObject> bindings) {
    return toPacks(policies, bindings, List.of());
  }

  /**
   * As above, one pack per binding of a policy (named {@code <policy>} for a single binding,
   * {@code <policy>.<binding>} for several; an unbound policy is checked as if bound with Deny).
   * A policy with paramKind gets {@code params} from the object or objects the binding's
   * paramRef names or selects among {@code paramObjects}.
   */
  public static List<Document<Policy>> toPacks(List<SourceObject> policies,
      List<SourceObject> bindings, List<SourceObject> paramObjects) {
    List<Document<Policy>> out = new ArrayList<>();
    for (SourceObject vap : policies) {
      Map<String, Object> paramKind = Pods.map(Pods.map(vap.object().get("spec"))
          .get("paramKind"));
      List<SourceObject> mine = bindings.stream().filter(b -> vap.name().equals(
          Pods.map(b.object().get("spec")).get("policyName"))).toList();
      if (mine.isEmpty()) {
        out.add(pack(vap, vap.name(), null, null, null));
        continue;
      }
      for (SourceObject b : mine) {
        String name = mine.size() == 1 ? vap.name() : vap.name() + "." + b.name();
        if (paramKind.isEmpty()) {
          out.add(pack(vap, name, b, null, null));
          continue;
        }
        Map<String, Object> ref = Pods.map(Pods.map(b.object().get("spec")).get("paramRef"));
        List<SourceObject> params = Bindings.params(paramKind, ref, paramObjects);
        if (params.isEmpty()) {
          if (!"Allow".equals(ref.get("parameterNotFoundAction"))) {
            out.add(pack(vap, name, b, null, "no params found for policy binding " + b.name()
                + " (" + paramKind.get("kind") + " " + (ref.get("name") != null
                ? ref.get("name") : "selected by " + ref.get("selector")) + ")"));
          }
          continue;
        }
        // Kubernetes evaluates the policy once per selected parameter object.
        for (int i = 0; i < params.size(); i++) {
          out.add(pack(vap, params.size() == 1 ? name : name + "." + params.get(i).name(), b,
              params.get(i).object(), null));
        }
      }
    }
    return out;
  }

  private static Document<Policy> pack(SourceObject vap, String packName, SourceObject binding,
      Map<String, Object> params, String missingParams) {
    Map<String, Object> spec = Pods.map(vap.object().get("spec"));
    String name = vap.name();
    Bindings.Action action = Bindings.action(binding);
    Severity severity = new Severity(action.severity());
    Map<String, Object> constraints = Pods.map(spec.get("matchConstraints"));
    Policy.Match match = match(constraints);
    Policy.OnError onError = "Ignore".equals(spec.get("failurePolicy"))
        ? Policy.OnError.IGNORE : Policy.OnError.FAIL;
    SourceMap at = new SourceMap(vap.positions().source());
    at.putValue("metadata.name", vap.positions().valueOf("metadata.name"));
    List<Policy.Variable> variables = new ArrayList<>();
    int i = 0;
    for (Object v : list(spec.get("variables"))) {
      Map<String, Object> m = Pods.map(v);
      variables.add(new Policy.Variable(String.valueOf(m.get("name")),
          String.valueOf(m.get("expression"))));
      at.putValue("spec.variables[" + i + "].expression",
          vap.positions().valueOf("spec.variables[" + i + "].expression"));
      i++;
    }
    List<String> conditions = new ArrayList<>();
    // What matchConstraints and the binding's matchResources select beyond kinds, as
    // conditions: the engine matches on kinds only.
    List<Map.Entry<String, String>> selecting = new ArrayList<>(
        Bindings.conditions(constraints, "spec.matchConstraints"));
    if (binding != null) {
      Map<String, Object> resources = Pods.map(Pods.map(binding.object().get("spec"))
          .get("matchResources"));
      selecting.addAll(Bindings.conditions(resources, "spec.matchResources"));
    }
    for (Map.Entry<String, String> c : selecting) {
      at.putValue("spec.conditions[" + conditions.size() + "]", (binding != null
          && c.getKey().startsWith("spec.matchResources") ? binding : vap).positions()
          .valueOf(c.getKey()));
      conditions.add(c.getValue());
    }
    i = 0;
    for (Object c : list(spec.get("matchConditions"))) {
      at.putValue("spec.conditions[" + conditions.size() + "]",
          vap.positions().valueOf("spec.matchConditions[" + i + "].expression"));
      conditions.add(String.valueOf(Pods.map(c).get("expression")));
      i++;
    }
    String bindingName = binding == null ? null : binding.name();
    List<Policy.Rule> rules = new ArrayList<>();
    i = 0;
    for (Object v : list(spec.get("validations"))) {
      Map<String, Object> m = Pods.map(v);
      String expression = String.valueOf(m.get("expression"));
      // As the API server: the message, else the expression that failed.
      String message = m.get("message") instanceof String s && !s.isBlank() ? s
          : "failed expression: " + expression.strip();
      String reason = m.get("reason") instanceof String s ? s : "Invalid";
      rules.add(new Policy.Rule("validation-" + (i + 1), message, severity.value(), match, null,
          Policy.Each.OBJECT, missingParams != null ? "false" : expression,
          action.prefix(name, bindingName), missingParams != null ? missingParams : message,
          missingParams != null ? null
              : m.get("messageExpression") instanceof String s ? s : null, null,
          "From ValidatingAdmissionPolicy " + name + (bindingName == null ? ""
              : " with binding " + bindingName) + " (" + action.name() + ", reason " + reason
              + ").", List.of(), null, onError));
      at.putValue("spec.rules[" + i + "].validate",
          vap.positions().valueOf("spec.validations[" + i + "].expression"));
      at.putValue("spec.rules[" + i + "].messageExpression",
          vap.positions().valueOf("spec.validations[" + i + "].messageExpression"));
      i++;
    }
    Policy p = new Policy(Application.API_VERSION, Policy.KIND,
        new Metadata(packName, null, null, null),
        new Policy.Spec("ValidatingAdmissionPolicy " + name, null, params, variables,
            conditions, rules));
    return new Document<>(p, at);
  }

  /** The severity a policy's bindings give it. */
  record Severity(dev.pave.policy.Severity value) {}

  /** The resource name of a kind, as in resourceRules and request.resource. */
  static String resourceOf(String kind) {
    return KINDS.entrySet().stream().filter(e -> e.getValue().equals(kind))
        .map(Map.Entry::getKey).findFirst().orElse(FileRequest.plural(kind));
  }

  /** The kind a resource name (as in resourceRules) stands for. */
  static String kindOf(String resource) {
    return KINDS.getOrDefault(resource, resource);
  }

  private static Policy.Match match(Map<String, Object> constraints) {
    return new Policy.Match(kinds(constraints), null, null, null);
  }

  /** The kinds a matchConstraints (or matchResources) block's resourceRules select. */
  static List<String> kinds(Map<String, Object> constraints) {
    List<String> kinds = new ArrayList<>();
    for (Object r : list(constraints.get("resourceRules"))) {
      for (Object res : list(Pods.map(r).get("resources"))) {
        String resource = String.valueOf(res).split("/")[0].toLowerCase(Locale.ROOT);
        kinds.add(resource.equals("*") ? "*" : KINDS.getOrDefault(resource, resource));
      }
    }
    return kinds.isEmpty() ? List.of("*") : kinds;
  }

  private static List<?> list(Object o) {
    return o instanceof List<?> l ? l : List.of();
  }
}
