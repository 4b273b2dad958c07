package dev.pave.policy;

import dev.cel.bundle.Cel;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.pave.source.SourceObject;
import dev.pave.spec.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes MutatingAdmissionPolicies with their bindings, applied to objects before they are
 * checked or written out: what the API server would store. Policies run in name order, each
 * binding in the order read, each mutation in order; a policy with {@code reinvocationPolicy:
 * IfNeeded} runs once more if a policy after it changed the object. Matching is the validating
 * policies' (kinds, selectors, exclusions, operations, matchPolicy, matchConditions).
 */
public final class MutatingPolicies {
  public static final String KIND = "MutatingAdmissionPolicy";
  public static final String BINDING_KIND = "MutatingAdmissionPolicyBinding";

  /** None: every object comes back as it was. */
  public static final MutatingPolicies NONE = new MutatingPolicies(List.of());

  /** One binding of one policy, compiled (once per selected parameter object). */
  private record Bound(String policy, String binding, List<String> kinds,
      Map<String, Object> params, String missingParams, boolean ignoreErrors,
      boolean reinvoke, List<Map.Entry<String, CelRuntime.Program>> variables,
      List<CelRuntime.Program> selectors, List<CelRuntime.Program> conditions,
      List<Mutation> mutations) {}

  private record Mutation(boolean jsonPatch, CelRuntime.Program program) {}

  /** The mutated object, what changed it, and the errors that would deny it. */
  public record Result(Map<String, Object> object, List<String> applied, List<String> errors) {
    public boolean changed(Map<String, Object> before) {
      return !applied.isEmpty() && !before.equals(object);
    }
  }

  /** The policies, or the problems that kept them from compiling. */
  public record Built(MutatingPolicies policies, List<Problem> problems) {}

  private final List<Bound> bound;

  private MutatingPolicies(List<Bound> bound) {
    this.bound = List.copyOf(bound);
  }

  public static boolean isPolicy(SourceObject o) {
    return o.kind().equals(KIND) && o.apiVersion().startsWith("admissionregistration.k8s.io/");
  }

  public static boolean isBinding(SourceObject o) {
    return o.kind().equals(BINDING_KIND)
        && o.apiVersion().startsWith("admissionregistration.k8s.io/");
  }

  /** The user a request for a file's object comes from, as {@code --as} gives it. */
  public static Map<String, Object> userInfo(String username, List<String> groups) {
    return FileRequest.userInfo(username, groups);
  }

  public boolean isEmpty() {
    return bound.isEmpty();
  }

  /**
   * Compiles the policies found among {@code objects} with their bindings; the rest of {@code
   * objects} are parameter objects. A policy without a binding does nothing, as on a cluster.
   */
  public static Built compile(List<SourceObject> objects) {
    Cel cel = PolicyEngine.cel();
    List<SourceObject> policies = objects.stream().filter(MutatingPolicies::isPolicy)
        .sorted(Comparator.comparing(SourceObject::name)).toList();
    List<SourceObject> bindings = objects.stream().filter(MutatingPolicies::isBinding).toList();
    List<SourceObject> params = objects.stream()
        .filter(o -> !isPolicy(o) && !isBinding(o)).toList();
    List<Problem> problems = new ArrayList<>();
    List<Bound> out = new ArrayList<>();
    for (SourceObject p : policies) {
      Map<String, Object> spec = Pods.map(p.object().get("spec"));
      List<Map.Entry<String, CelRuntime.Program>> variables = new ArrayList<>();
      int i = 0;
      for (Object v : list(spec.get("variables"))) {
        Map<String, Object> m = Pods.map(v);
        CelRuntime.Program prog = compile(cel, p, "spec.variables[" + i++ + "].expression",
            m.get("expression"), false, problems);
        variables.add(Map.entry(String.valueOf(m.get("name")), prog));
      }
      List<Mutation> mutations = new ArrayList<>();
      i = 0;
      for (Object x : list(spec.get("mutations"))) {
        Map<String, Object> m = Pods.map(x);
        String type = String.valueOf(m.get("patchType"));
        String path = "spec.mutations[" + i++ + "]";
        boolean jsonPatch = type.equals("JSONPatch");
        if (!jsonPatch && !type.equals("ApplyConfiguration")) {
          problems.add(p.positions().problem(path + ".patchType", "unknown patchType \""
              + type + "\"; valid values are ApplyConfiguration and JSONPatch"));
          continue;
        }
        String field = jsonPatch ? "jsonPatch" : "applyConfiguration";
        mutations.add(new Mutation(jsonPatch, compile(cel, p, path + "." + field
            + ".expression", Pods.map(m.get(field)).get("expression"), true, problems)));
      }
      Map<String, Object> constraints = Pods.map(spec.get("matchConstraints"));
      List<String> kinds = AdmissionPolicies.kinds(constraints);
      List<String> baseConditions = new ArrayList<>();
      Bindings.conditions(constraints, "spec.matchConstraints")
          .forEach(c -> baseConditions.add(c.getValue()));
      List<CelRuntime.Program> matchConditions = new ArrayList<>();
      i = 0;
      for (Object c : list(spec.get("matchConditions"))) {
        matchConditions.add(compile(cel, p, "spec.matchConditions[" + i++ + "].expression",
            Pods.map(c).get("expression"), false, problems));
      }
      boolean ignore = "Ignore".equals(spec.get("failurePolicy"));
      boolean reinvoke = "IfNeeded".equals(spec.get("reinvocationPolicy"));
      Map<String, Object> paramKind = Pods.map(spec.get("paramKind"));
      for (SourceObject b : bindings) {
        Map<String, Object> bspec = Pods.map(b.object().get("spec"));
        if (!p.name().equals(bspec.get("policyName"))) {
          continue;
        }
        Map<String, Object> resources = Pods.map(bspec.get("matchResources"));
        List<String> bindingKinds = list(resources.get("resourceRules")).isEmpty() ? kinds
            : AdmissionPolicies.kinds(resources).stream()
                .filter(k -> kinds.contains(k) || kinds.contains("*")).toList();
        List<CelRuntime.Program> conditions = new ArrayList<>();
        List<String> texts = new ArrayList<>(baseConditions);
        Bindings.conditions(resources, "spec.matchResources")
            .forEach(c -> texts.add(c.getValue()));
        for (String t : texts) {
          conditions.add(compile(cel, p, "spec.matchConstraints", t, false, problems));
        }
        List<Map<String, Object>> selected = new ArrayList<>();
        String missing = null;
        if (paramKind.isEmpty()) {
          selected.add(null);
        } else {
          Map<String, Object> ref = Pods.map(bspec.get("paramRef"));
          Bindings.params(paramKind, ref, params).forEach(o -> selected.add(o.object()));
          if (selected.isEmpty()) {
            if ("Allow".equals(ref.get("parameterNotFoundAction"))) {
              continue;
            }
            missing = "no params found for policy binding " + b.name() + " ("
                + paramKind.get("kind") + " " + (ref.get("name") != null ? ref.get("name")
                : "selected by " + ref.get("selector")) + ")";
            selected.add(null);
          }
        }
        for (Map<String, Object> param : selected) {
          out.add(new Bound(p.name(), b.name(), bindingKinds, param, missing, ignore, reinvoke,
              variables, conditions, matchConditions, mutations));
        }
      }
    }
    return new Built(problems.isEmpty() ? new MutatingPolicies(out) : null, problems);
  }

  private static CelRuntime.Program compile(Cel cel, SourceObject p, String path,
      Object expression, boolean mutation, List<Problem> problems) {
    if (!(expression instanceof String text) || text.isBlank()) {
      problems.add(p.positions().problem(path, "an expression is required"));
      return null;
    }
    try {
      return cel.createProgram(mutation ? MutationExpressions.compile(cel, text)
          : cel.compile(text).getAst());
    } catch (CelValidationException e) {
      for (CelIssue issue : e.getErrors()) {
        problems.add(p.positions().problem(path, "does not compile: " + issue.getMessage()));
      }
    } catch (dev.cel.common.CelException e) {
      problems.add(p.positions().problem(path, "cannot be evaluated: " + e.getMessage()));
    }
    return null;
  }

  /**
   * The object as admission would store it after every matching policy, created by the
   * user in {@code userInfo} (null: no request, as for live objects).
   */
  public Result mutate(Map<String, Object> object, Map<String, Object> userInfo) {
    Map<String, Object> current = Decoded.of(object);
    List<String> applied = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    // The index in applied at which each reinvocable binding last ran.
    Map<Bound, Integer> ranAt = new LinkedHashMap<>();
    for (Bound b : bound) {
      Map<String, Object> before = current;
      current = run(b, current, userInfo, errors);
      if (!before.equals(current)) {
        applied.add(label(b));
      }
      if (b.reinvoke()) {
        ranAt.put(b, applied.size());
      }
    }
    // Reinvoked once, as the API server does, when a later policy changed the object.
    for (Map.Entry<Bound, Integer> e : ranAt.entrySet()) {
      if (applied.size() > e.getValue()) {
        Map<String, Object> before = current;
        current = run(e.getKey(), current, userInfo, errors);
        if (!before.equals(current)) {
          applied.add(label(e.getKey()) + " (reinvoked)");
        }
      }
    }
    return new Result(current, List.copyOf(applied), List.copyOf(errors));
  }

  private static String label(Bound b) {
    return b.policy() + "/" + b.binding();
  }

  private Map<String, Object> run(Bound b, Map<String, Object> object,
      Map<String, Object> userInfo, List<String> errors) {
    String kind = object.get("kind") instanceof String k ? k : "";
    if (!b.kinds().contains(kind) && !b.kinds().contains("*")) {
      return object;
    }
    String who = "MutatingAdmissionPolicy '" + b.policy() + "' with binding '" + b.binding()
        + "'";
    Map<String, Object> vars = new HashMap<>();
    vars.put("object", object);
    vars.put("oldObject", dev.cel.common.values.NullValue.NULL_VALUE);
    vars.put("params", b.params() == null ? dev.cel.common.values.NullValue.NULL_VALUE
        : Decoded.of(b.params()));
    vars.put("namespaceObject", Map.of());
    vars.put("request", userInfo == null ? Map.of()
        : FileRequest.of(new SourceObject(object, new dev.pave.spec.SourceMap("")), userInfo));
    vars.put("authorizer", dev.pave.policy.cel.Authz.NONE);
    Map<String, Object> variables = new HashMap<>();
    vars.put("variables", variables);
    try {
      for (CelRuntime.Program c : b.selectors()) {
        if (!Boolean.TRUE.equals(c.eval(vars))) {
          return object;
        }
      }
      // Parameters are resolved before matchConditions, which may read them.
      if (b.missingParams() != null) {
        errors.add(who + " denied request: " + b.missingParams());
        return object;
      }
      for (CelRuntime.Program c : b.conditions()) {
        if (!Boolean.TRUE.equals(c.eval(vars))) {
          return object;
        }
      }
      for (Map.Entry<String, CelRuntime.Program> v : b.variables()) {
        variables.put(v.getKey(), v.getValue().eval(vars));
      }
      Map<String, Object> current = object;
      for (int i = 0; i < b.mutations().size(); i++) {
        Mutation m = b.mutations().get(i);
        vars.put("object", current);
        Object value = plain(m.program().eval(vars));
        if (m.jsonPatch()) {
          if (!(value instanceof List<?> ops)) {
            throw new CelEvaluationException("mutation[" + i + "]: JSONPatch expression must"
                + " return a list of JSONPatch, got " + describe(value));
          }
          try {
            current = JsonPatches.apply(current, ops);
          } catch (JsonPatches.PatchException e) {
            throw new CelEvaluationException("mutation[" + i + "]: " + e.getMessage());
          }
        } else {
          if (!(value instanceof Map<?, ?> config)) {
            throw new CelEvaluationException("mutation[" + i + "]: ApplyConfiguration"
                + " expression must return an Object, got " + describe(value));
          }
          @SuppressWarnings("unchecked")
          Map<String, Object> c = (Map<String, Object>) config;
          current = ApplyMerge.merge(current, c);
        }
      }
      return current;
    } catch (CelEvaluationException e) {
      if (!b.ignoreErrors()) {
        errors.add(who + " denied request: " + e.getMessage());
      }
      return object;
    }
  }

  private static String describe(Object v) {
    return v == null ? "null" : v instanceof String ? "string" : v instanceof List ? "list"
        : v.getClass().getSimpleName();
  }

  /** A CEL value as a plain tree of maps, lists and JSON scalars. */
  static Object plain(Object v) {
    if (v instanceof dev.cel.common.values.NullValue) {
      return null;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(x -> out.add(plain(x)));
      return out;
    }
    if (v instanceof com.google.common.primitives.UnsignedLong u) {
      return u.longValue();
    }
    if (v instanceof java.util.Optional<?> o) {
      return o.map(MutatingPolicies::plain).orElse(null);
    }
    return v;
  }

  private static List<?> list(Object o) {
    return o instanceof List<?> l ? l : List.of();
  }
}
