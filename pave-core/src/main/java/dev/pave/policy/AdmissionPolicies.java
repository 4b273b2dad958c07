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
   * As above; a policy with paramKind gets one pack per binding, with {@code params} the object
   * the binding's paramRef names among {@code paramObjects} (named {@code <policy>} for a single
   * binding, {@code <policy>.<binding>} for several).
   */
  public static List<Document<Policy>> toPacks(List<SourceObject> policies,
      List<SourceObject> bindings, List<SourceObject> paramObjects) {
    List<Document<Policy>> out = new ArrayList<>();
    for (SourceObject vap : policies) {
      Map<String, Object> paramKind = Pods.map(Pods.map(vap.object().get("spec"))
          .get("paramKind"));
      if (paramKind.isEmpty()) {
        out.add(pack(vap, vap.name(), bindings, null, null));
        continue;
      }
      List<SourceObject> mine = bindings.stream().filter(b -> vap.name().equals(
          Pods.map(b.object().get("spec")).get("policyName"))).toList();
      for (SourceObject b : mine) {
        Map<String, Object> ref = Pods.map(Pods.map(b.object().get("spec")).get("paramRef"));
        SourceObject param = paramObjects.stream()
            .filter(o -> o.kind().equals(paramKind.get("kind")))
            .filter(o -> o.name().equals(ref.get("name")))
            .filter(o -> !ref.containsKey("namespace") || o.namespace().equals(ref.get("namespace")))
            .findFirst().orElse(null);
        String name = mine.size() == 1 ? vap.name() : vap.name() + "." + b.name();
        String missing = param != null ? null
            : "Allow".equals(ref.get("parameterNotFoundAction")) ? "allow"
            : "no params found for policy binding " + b.name() + " (" + paramKind.get("kind")
                + " " + ref.get("name") + ")";
        if ("allow".equals(missing)) {
          continue;
        }
        out.add(pack(vap, name, List.of(b), param == null ? null : param.object(), missing));
      }
    }
    return out;
  }

  private static Document<Policy> pack(SourceObject vap, String packName,
      List<SourceObject> bindings, Map<String, Object> params, String missingParams) {
    Map<String, Object> spec = Pods.map(vap.object().get("spec"));
    String name = vap.name();
    Severity severity = severity(name, bindings);
    Policy.Match match = match(Pods.map(spec.get("matchConstraints")));
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
    i = 0;
    for (Object c : list(spec.get("matchConditions"))) {
      conditions.add(String.valueOf(Pods.map(c).get("expression")));
      at.putValue("spec.conditions[" + i + "]",
          vap.positions().valueOf("spec.matchConditions[" + i + "].expression"));
      i++;
    }
    List<Policy.Rule> rules = new ArrayList<>();
    i = 0;
    for (Object v : list(spec.get("validations"))) {
      Map<String, Object> m = Pods.map(v);
      String message = m.get("message") instanceof String s ? s : null;
      String reason = "denied by ValidatingAdmissionPolicy " + name;
      String title = message != null ? message
          : "failed expression: " + m.get("expression");
      rules.add(new Policy.Rule("validation-" + (i + 1), title, severity.value(), match, null,
          Policy.Each.OBJECT, String.valueOf(m.get("expression")), reason, message,
          m.get("messageExpression") instanceof String s ? s : null, null,
          "From ValidatingAdmissionPolicy " + name + ".", List.of(), null, onError));
      at.putValue("spec.rules[" + i + "].validate",
          vap.positions().valueOf("spec.validations[" + i + "].expression"));
      at.putValue("spec.rules[" + i + "].messageExpression",
          vap.positions().valueOf("spec.validations[" + i + "].messageExpression"));
      i++;
    }
    if (missingParams != null) {
      rules.replaceAll(r -> new Policy.Rule(r.id(), r.title(), r.severity(), r.match(), null,
          r.each(), "false", r.reason(), missingParams, null, null, r.rationale(),
          r.controls(), null, r.onError()));
    }
    Policy p = new Policy(Application.API_VERSION, Policy.KIND,
        new Metadata(packName, null, null, null),
        new Policy.Spec("ValidatingAdmissionPolicy " + name, null, params, variables,
            conditions, rules));
    return new Document<>(p, at);
  }

  /** The severity a policy's bindings give it. */
  record Severity(dev.pave.policy.Severity value) {}

  private static Severity severity(String policy, List<SourceObject> bindings) {
    dev.pave.policy.Severity best = null;
    for (SourceObject b : bindings) {
      Map<String, Object> spec = Pods.map(b.object().get("spec"));
      if (!policy.equals(spec.get("policyName"))) {
        continue;
      }
      for (Object action : list(spec.get("validationActions"))) {
        dev.pave.policy.Severity s = switch (String.valueOf(action)) {
          case "Deny" -> dev.pave.policy.Severity.HIGH;
          case "Warn" -> dev.pave.policy.Severity.MEDIUM;
          default -> dev.pave.policy.Severity.LOW;
        };
        if (best == null || s.atLeast(best)) {
          best = s;
        }
      }
    }
    // Unbound policies are still checked: the point of CI is to catch them before binding.
    return new Severity(best == null ? dev.pave.policy.Severity.HIGH : best);
  }

  private static Policy.Match match(Map<String, Object> constraints) {
    List<String> kinds = new ArrayList<>();
    for (Object r : list(constraints.get("resourceRules"))) {
      for (Object res : list(Pods.map(r).get("resources"))) {
        String resource = String.valueOf(res).split("/")[0].toLowerCase(Locale.ROOT);
        kinds.add(resource.equals("*") ? "*" : KINDS.getOrDefault(resource, resource));
      }
    }
    return new Policy.Match(kinds.isEmpty() ? List.of("*") : kinds, null, null, null);
  }

  private static List<?> list(Object o) {
    return o instanceof List<?> l ? l : List.of();
  }
}
