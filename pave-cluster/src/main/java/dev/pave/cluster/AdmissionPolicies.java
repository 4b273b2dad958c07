package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ValidatingAdmissionPolicy: every binding whose policy matches a write evaluates the
 * policy's CEL validations against it, and a failed one denies (with the validation's reason
 * and code), warns or only audits, as the binding's validationActions say. Also the two
 * kinds' own defaults and the binding rule the real server checks (Deny and Warn together).
 */
final class AdmissionPolicies implements Admission, Strategy {
  private static final String GROUP = "admissionregistration.k8s.io";
  private static final Cel CEL = CelFactory.standardCelBuilder()
      .setOptions(CelOptions.current().enableOptionalSyntax(true)
          .enableHeterogeneousNumericComparisons(true).build())
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addCompilerLibraries(CelExtensions.strings(), CelExtensions.optional())
      .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.optional())
      .addVar("object", SimpleType.DYN)
      .addVar("oldObject", SimpleType.DYN)
      .addVar("request", SimpleType.DYN)
      .addVar("params", SimpleType.DYN)
      .addVar("namespaceObject", SimpleType.DYN)
      .addVar("variables", SimpleType.DYN)
      .build();

  private final Store store;
  private final ResourceTypes types;
  private final Map<String, Object> programs = new ConcurrentHashMap<>();

  AdmissionPolicies(Store store, ResourceTypes types) {
    this.store = store;
    this.types = types;
  }

  // ---- the policy kinds' own rules ----

  private static boolean is(ResourceType t, String kind) {
    return t.group().equals(GROUP) && t.kind().equals(kind);
  }

  @Override
  public void defaults(ResourceType t, ObjectNode o, ObjectNode old, List<String> warnings) {
    if (is(t, "ValidatingAdmissionPolicy")) {
      ObjectNode spec = o.with("spec");
      ObjectNode mc = spec.with("matchConstraints");
      matchDefaults(mc);
      for (JsonNode r : mc.path("resourceRules")) {
        if (r instanceof ObjectNode rule && !rule.has("scope")) {
          rule.put("scope", "*");
        }
      }
      if (!spec.has("failurePolicy")) {
        spec.put("failurePolicy", "Fail");
      }
      if (old == null && !o.has("status")) {
        o.putObject("status");
      }
    } else if (is(t, "ValidatingAdmissionPolicyBinding")) {
      JsonNode mr = o.path("spec").path("matchResources");
      if (mr instanceof ObjectNode m) {
        if (!m.has("matchPolicy")) {
          m.put("matchPolicy", "Equivalent");
        }
      }
    }
  }

  private static void matchDefaults(ObjectNode m) {
    if (!m.has("namespaceSelector")) {
      m.putObject("namespaceSelector");
    }
    if (!m.has("objectSelector")) {
      m.putObject("objectSelector");
    }
    if (!m.has("matchPolicy")) {
      m.put("matchPolicy", "Equivalent");
    }
  }

  @Override
  public List<ApiException.Cause> validate(ResourceType t, ObjectNode o, ObjectNode old) {
    if (!is(t, "ValidatingAdmissionPolicyBinding")) {
      return List.of();
    }
    JsonNode actions = o.path("spec").path("validationActions");
    List<String> list = new ArrayList<>();
    actions.forEach(a -> list.add(a.asText()));
    if (list.contains("Deny") && list.contains("Warn")) {
      return List.of(new ApiException.Cause("FieldValueInvalid", "Invalid value: "
          + actions + ": must not contain both Deny and Warn (repeating the same validation "
          + "failure information in the API response and headers serves no purpose)",
          "spec.validationActions"));
    }
    return List.of();
  }

  // ---- admission ----

  @Override
  public void validate(Attributes a) {
    ResourceType bindings = types.find(GROUP, "v1", "validatingadmissionpolicybindings")
        .orElseThrow();
    ResourceType policies = types.find(GROUP, "v1", "validatingadmissionpolicies")
        .orElseThrow();
    for (ObjectNode binding : store.list(Store.prefix(bindings, null)).items()) {
      JsonNode spec = binding.path("spec");
      ObjectNode policy = store.get(Store.key(policies, "", spec.path("policyName").asText()));
      if (policy == null) {
        continue;
      }
      JsonNode constraints = policy.path("spec").path("matchConstraints");
      if (!matches(constraints, a, true) || spec.has("matchResources")
          && !matches(spec.path("matchResources"), a, false)) {
        continue;
      }
      evaluate(policy, binding, a);
    }
  }

  private boolean matches(JsonNode m, Attributes a, boolean rulesRequired) {
    JsonNode rules = m.path("resourceRules");
    if ((rulesRequired || rules.isArray() && !rules.isEmpty()) && !Matching.rules(rules, a)) {
      return false;
    }
    JsonNode excluded = m.path("excludeResourceRules");
    if (excluded.isArray() && !excluded.isEmpty() && Matching.rules(excluded, a)) {
      return false;
    }
    return Matching.objectSelector(m.path("objectSelector"), a)
        && Matching.namespaceSelector(m.path("namespaceSelector"), a, store, types);
  }

  private void evaluate(ObjectNode policy, ObjectNode binding, Attributes a) {
    String policyName = policy.path("metadata").path("name").asText();
    String bindingName = binding.path("metadata").path("name").asText();
    List<String> actions = new ArrayList<>();
    binding.path("spec").path("validationActions").forEach(x -> actions.add(x.asText()));
    boolean ignore = policy.path("spec").path("failurePolicy").asText("Fail").equals("Ignore");
    Map<String, Object> vars = variables(a);
    for (JsonNode c : policy.path("spec").path("matchConditions")) {
      try {
        if (!Boolean.TRUE.equals(eval(c.path("expression").asText(), vars))) {
          return;
        }
      } catch (PolicyError e) {
        if (ignore) {
          return;
        }
        deny(a, policyName, bindingName, "expression '" + c.path("expression").asText()
            + "' resulted in error: " + e.getMessage(), "Invalid");
      }
    }
    for (JsonNode v : policy.path("spec").path("validations")) {
      String expression = v.path("expression").asText();
      String message;
      String reason = v.path("reason").asText("Invalid");
      try {
        if (Boolean.TRUE.equals(eval(expression, vars))) {
          continue;
        }
        message = message(v, vars, expression);
      } catch (PolicyError e) {
        if (ignore) {
          continue;
        }
        message = "expression '" + expression + "' resulted in error: " + e.getMessage();
        reason = "Invalid";
      }
      if (actions.contains("Deny")) {
        deny(a, policyName, bindingName, message, reason);
      }
      if (actions.contains("Warn")) {
        a.warnings().add("Validation failed for ValidatingAdmissionPolicy '" + policyName
            + "' with binding '" + bindingName + "': " + message);
      }
    }
  }

  private String message(JsonNode v, Map<String, Object> vars, String expression) {
    if (v.hasNonNull("message") && !v.get("message").asText().isEmpty()) {
      return v.get("message").asText();
    }
    if (v.hasNonNull("messageExpression")) {
      try {
        Object m = eval(v.get("messageExpression").asText(), vars);
        if (m instanceof String s && !s.isBlank()) {
          return s.strip();
        }
      } catch (PolicyError e) {
        // the real server falls back to the expression, as below
      }
    }
    return "failed expression: " + expression;
  }

  private static void deny(Attributes a, String policy, String binding, String message,
      String reason) {
    String text = "ValidatingAdmissionPolicy '" + policy + "' with binding '" + binding
        + "' denied request: " + message;
    int code = switch (reason) {
      case "Forbidden" -> 403;
      case "Unauthorized" -> 401;
      case "RequestEntityTooLarge" -> 413;
      default -> 422;
    };
    ResourceType t = a.type();
    String name = a.name() == null ? "" : a.name();
    throw ApiException.of(code, reason, t.groupResource() + " \"" + name + "\" is forbidden: "
        + text, name, t.group(), t.plural(), List.of(new ApiException.Cause(null, text, null)));
  }

  // ---- CEL ----

  private Map<String, Object> variables(Attributes a) {
    Map<String, Object> vars = new HashMap<>();
    vars.put("object", a.object() == null ? NullValue.NULL_VALUE : cel(a.object()));
    vars.put("oldObject", a.oldObject() == null ? NullValue.NULL_VALUE : cel(a.oldObject()));
    vars.put("params", NullValue.NULL_VALUE);
    vars.put("variables", new HashMap<String, Object>());
    ObjectNode request = Json.object();
    request.putObject("kind").put("group", a.type().group()).put("version", a.type().version())
        .put("kind", a.type().kind());
    request.putObject("resource").put("group", a.type().group())
        .put("version", a.type().version()).put("resource", a.type().plural());
    request.put("name", a.name() == null ? "" : a.name());
    request.put("namespace", a.namespace() == null ? "" : a.namespace());
    request.put("operation", a.operation());
    ObjectNode user = request.putObject("userInfo");
    user.put("username", a.user().name());
    ArrayNode groups = user.putArray("groups");
    a.user().groups().forEach(groups::add);
    request.put("dryRun", a.dryRun());
    vars.put("request", cel(request));
    Object ns = NullValue.NULL_VALUE;
    if (a.namespace() != null) {
      ObjectNode n = store.get(Store.key(types.find("", "v1", "namespaces").orElseThrow(), "",
          a.namespace()));
      if (n != null) {
        ns = cel(n);
      }
    }
    vars.put("namespaceObject", ns);
    return vars;
  }

  private Object eval(String expression, Map<String, Object> vars) {
    Object p = programs.computeIfAbsent(expression, e -> {
      try {
        return CEL.createProgram(CEL.compile(e).getAst());
      } catch (CelValidationException x) {
        return new PolicyError("compilation failed: " + x.getMessage());
      } catch (dev.cel.common.CelException x) {
        return new PolicyError(x.getMessage());
      }
    });
    if (p instanceof PolicyError e) {
      throw e;
    }
    try {
      return ((CelRuntime.Program) p).eval(vars);
    } catch (CelEvaluationException e) {
      throw new PolicyError(e.getMessage());
    }
  }

  /** A JSON value as CEL sees it: maps, lists, strings, int64, double, bool, null. */
  static Object cel(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), cel(e.getValue()));
      }
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(x -> l.add(cel(x)));
      return l;
    }
    if (n.isIntegralNumber()) {
      return n.asLong();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    return n.asText();
  }

  /**
   * The policy status the real server's type checker writes a moment after each change of a
   * policy: the generation it looked at, and a warning for each expression that does not
   * compile ({@code typeChecking: {}} when all do).
   */
  static final class TypeChecker extends Controller {
    private static final String KEY = GROUP + "/validatingadmissionpolicies/";

    TypeChecker() {
      super("validatingadmissionpolicy-status");
    }

    @Override
    boolean wants(Store.Event e) {
      return e.key().startsWith(KEY) && !e.type().equals("DELETED");
    }

    @Override
    void handle(Store.Event e) {
      ObjectNode policy = cluster.store().get(e.key());
      if (policy == null) {
        return;
      }
      long generation = policy.path("metadata").path("generation").asLong(0);
      if (policy.path("status").path("observedGeneration").asLong(-1) == generation) {
        return;
      }
      ObjectNode status = Json.object();
      status.put("observedGeneration", generation);
      ObjectNode checking = status.putObject("typeChecking");
      ArrayNode warnings = Json.array();
      JsonNode validations = policy.path("spec").path("validations");
      for (int i = 0; i < validations.size(); i++) {
        for (String f : List.of("expression", "messageExpression")) {
          JsonNode expr = validations.get(i).path(f);
          if (!expr.isTextual()) {
            continue;
          }
          try {
            CEL.compile(expr.asText()).getAst();
          } catch (CelValidationException x) {
            warnings.addObject().put("fieldRef", "spec.validations[" + i + "]." + f)
                .put("warning", x.getMessage());
          }
        }
      }
      if (!warnings.isEmpty()) {
        checking.set("expressionWarnings", warnings);
      }
      policy.set("status", status);
      cluster.internalWrite("PUT", "/apis/" + GROUP + "/v1/validatingadmissionpolicies/"
          + policy.path("metadata").path("name").asText() + "/status", policy);
    }
  }

  /** An expression that does not compile or fails to evaluate: failurePolicy decides. */
  private static final class PolicyError extends RuntimeException {
    PolicyError(String message) {
      super(message, null, false, false);
    }
  }
}
