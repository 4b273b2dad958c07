package dev.pave.policy;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.pave.source.SourceObject;
import dev.pave.spec.Document;
import dev.pave.spec.Position;
import dev.pave.spec.Problem;
import dev.pave.spec.SourceMap;
import dev.pave.spec.WireName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates policy packs against Kubernetes objects. Built once from the packs (compiling every
 * expression, rejecting duplicates), then immutable and safe to share between threads. The CLI,
 * the admission handler and the audit all call {@link #evaluate}, so their verdicts cannot
 * differ.
 */
public final class PolicyEngine {
  /** Comprehension steps one expression may take before it is stopped. */
  public static final int ITERATION_BUDGET = 100_000;

  private final List<CompiledRule> rules;
  private final Limits limits;

  /** Thrown from the evaluation listener to stop a rule that ran past its deadline. */
  private static final class DeadlineExceeded extends RuntimeException {
    DeadlineExceeded() {
      super(null, null, false, false);
    }
  }

  private record CompiledRule(String id, Policy.Rule rule, Map<String, Object> params,
      CelRuntime.Program validate, CelRuntime.Program message, Shared shared,
      boolean iterates, Tracing.Predicates predicates, Memo validateMemo, Memo messageMemo,
      Memo fixedMemo) {}

  /** The variables every expression may read; see {@link #cel()}. */
  private static final java.util.Set<String> VARIABLES = java.util.Set.of("object", "pod",
      "podMeta", "container", "volume", "params", "variables", "related", "oldObject",
      "request", "namespaceObject");

  /** Only comprehensions can run long; other expressions are linear in their own size. */
  private static final java.util.regex.Pattern COMPREHENSION = java.util.regex.Pattern.compile(
      "\\.(all|exists|exists_one|map|filter|transformList|transformMap)\\s*\\(");

  /** What every rule of a pack shares: its variables and its conditions. */
  private record Shared(List<Map.Entry<String, CelRuntime.Program>> variables,
      List<CelRuntime.Program> conditions) {
    static final Shared NONE = new Shared(List.of(), List.of());
  }

  /** The engine, or the problems that kept it from being built. */
  public record Built(PolicyEngine engine, List<Problem> problems) {}

  /** Who the request synthesised for files comes from; null where there is no request. */
  private final Map<String, Object> userInfo;

  private PolicyEngine(List<CompiledRule> rules, Limits limits) {
    this(rules, limits, null);
  }

  private PolicyEngine(List<CompiledRule> rules, Limits limits, Map<String, Object> userInfo) {
    this.rules = List.copyOf(rules);
    this.limits = limits;
    this.userInfo = userInfo;
  }

  /**
   * The same engine for files: each object is checked as the API server would check its
   * creation by this user, so {@code request} (operation CREATE, kind, resource, name,
   * namespace, userInfo) reads as it would at admission.
   */
  public PolicyEngine asCreatedBy(String username, List<String> groups) {
    return new PolicyEngine(rules, limits, FileRequest.userInfo(username, groups));
  }

  /**
   * The one CEL environment of every engine. Immutable, so it is built once per process: its
   * construction (the standard library and the extensions) is most of what building an engine
   * costs when the expressions come compiled.
   */
  static Cel cel() {
    return Environment.CEL;
  }

  /**
   * Builds the CEL environment now, for a shell to call on a thread of its own while it reads
   * the packs; building an engine afterwards finds it ready.
   */
  public static void prepare() {
    cel();
  }

  private static final CelOptions OPTIONS = CelOptions.current()
      .comprehensionMaxIterations(ITERATION_BUDGET)
      .enableOptionalSyntax(true)
      .enableHeterogeneousNumericComparisons(true)
      .build();

  /** The variables' types, in the order declared. */
  private static final Map<String, dev.cel.common.types.CelType> DECLARED = declared();

  private static Map<String, dev.cel.common.types.CelType> declared() {
    Map<String, dev.cel.common.types.CelType> out = new LinkedHashMap<>();
    dev.cel.common.types.CelType map = MapType.create(SimpleType.STRING, SimpleType.DYN);
    for (String name : List.of("object", "pod", "podMeta", "container", "volume", "params",
        "variables", "related", "oldObject", "request", "namespaceObject")) {
      out.put(name, name.equals("oldObject") ? SimpleType.DYN : map);
    }
    out.put("authorizer", dev.pave.policy.cel.Authz.AUTHORIZER);
    out.put("authorizer.requestResource", dev.pave.policy.cel.Authz.RESOURCE_CHECK);
    return java.util.Collections.unmodifiableMap(out);
  }

  /**
   * What type-checking an expression depends on besides its text and cel-java itself: the
   * options, Pave's own function declarations and the variables. Expressions compiled ahead
   * are used only when it is the same as when they were compiled.
   */
  static String declarations() {
    return OPTIONS + " " + dev.pave.policy.cel.KubernetesLibrary.declarations() + " "
        + DECLARED;
  }

  private static final dev.pave.policy.cel.Authz.ResourceCheck NO_RESOURCE =
      new dev.pave.policy.cel.Authz.ResourceCheck("", "", "", "", "");

  private static final class Environment {
    static final Cel CEL = standard();

    private Environment() {}
  }

  private static Cel standard() {
    return CelFactory.standardCelBuilder()
        .setOptions(OPTIONS)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addCompilerLibraries(CelExtensions.strings(), CelExtensions.bindings(),
            CelExtensions.optional(), CelExtensions.math(CelOptions.current().build()),
            CelExtensions.sets(CelOptions.current().build()), CelExtensions.comprehensions())
        .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.optional(),
            CelExtensions.math(CelOptions.current().build()),
            CelExtensions.sets(CelOptions.current().build()), CelExtensions.comprehensions())
        .addFunctionDeclarations(dev.pave.policy.cel.KubernetesLibrary.declarations())
        .addFunctionBindings(dev.pave.policy.cel.KubernetesLibrary.bindings())
        .addVarDeclarations(DECLARED.entrySet().stream()
            .map(e -> dev.cel.common.CelVarDecl.newVarDeclaration(e.getKey(), e.getValue()))
            .toList())
        .build();
  }

  /**
   * Compiles the packs. Parameters given by the user override each pack's defaults by name:
   * {@code overrides.get("platform").get("allowedRegistries")}.
   */
  public static Built build(List<Document<Policy>> packs,
      Map<String, Map<String, Object>> overrides) {
    return build(packs, overrides, Limits.NONE);
  }

  /** As {@link #build(List, Map)}, with a deadline per rule and object. */
  public static Built build(List<Document<Policy>> packs,
      Map<String, Map<String, Object>> overrides, Limits limits) {
    return build(packs, overrides, limits, true);
  }

  /**
   * As {@link #build(List, Map, Limits)}; {@code share} false evaluates every expression on
   * every object, which the tests compare against and the benchmarks measure beside sharing.
   */
  public static Built build(List<Document<Policy>> packs, Map<String, Map<String, Object>> overrides,
      Limits limits, boolean share) {
    Cel cel = cel();
    // Each rule compiles on its own, so rules are compiled on every core; what they give is
    // then taken in pack and rule order, so problems are reported in the order written.
    List<java.util.function.Supplier<Compiled>> steps = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (Document<Policy> doc : packs) {
      Policy pack = doc.value();
      SourceMap at = doc.positions();
      String previous = seen.put(pack.name(), at.source());
      if (previous != null) {
        Problem p = at.problem("metadata.name", "pack \"" + pack.name()
            + "\" is already defined in " + previous + "; pack names must be unique");
        steps.add(() -> new Compiled(null, List.of(p)));
        continue;
      }
      Map<String, Object> params = new LinkedHashMap<>();
      if (pack.spec().parameters() != null) {
        params.putAll(pack.spec().parameters());
      }
      if (overrides.containsKey(pack.name())) {
        params.putAll(overrides.get(pack.name()));
      }
      Map<String, Object> packParams = Map.copyOf(params);
      List<Problem> sharedProblems = new ArrayList<>();
      Shared shared = shared(cel, pack, at, sharedProblems);
      steps.add(() -> new Compiled(null, sharedProblems));
      java.util.Set<String> ids = new java.util.HashSet<>();
      List<Policy.Rule> list = pack.spec().rules();
      for (int i = 0; i < list.size(); i++) {
        Policy.Rule r = list.get(i);
        String path = "spec.rules[" + i + "]";
        if (!ids.add(r.id())) {
          Problem p = at.problem(path + ".id", "rule \"" + r.id() + "\" is defined twice in"
              + " pack " + pack.name());
          steps.add(() -> new Compiled(null, List.of(p)));
          continue;
        }
        steps.add(() -> compileRule(cel, pack.name(), r, path, at, packParams, shared, share));
      }
    }
    List<Compiled> done = (steps.size() > 8 ? steps.parallelStream() : steps.stream())
        .map(java.util.function.Supplier::get).toList();
    List<CompiledRule> compiled = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (Compiled c : done) {
      problems.addAll(c.problems());
      if (c.rule() != null) {
        compiled.add(c.rule());
      }
    }
    return new Built(problems.isEmpty() ? new PolicyEngine(compiled, limits) : null, problems);
  }

  /** One rule compiled, or why it could not be. */
  private record Compiled(CompiledRule rule, List<Problem> problems) {}

  private static Compiled compileRule(Cel cel, String pack, Policy.Rule r, String path,
      SourceMap at, Map<String, Object> params, Shared shared, boolean share) {
    List<Problem> problems = new ArrayList<>();
    CelAbstractSyntaxTree ast = check(cel, r.validate(), at, path + ".validate", problems);
    CelRuntime.Program validate = ast == null ? null : program(cel, ast, at,
        path + ".validate", problems);
    Tracing.Predicates predicates = validate == null ? null : Tracing.predicates(ast);
    CelAbstractSyntaxTree messageAst = r.messageExpression() == null ? null
        : check(cel, r.messageExpression(), at, path + ".messageExpression", problems);
    CelRuntime.Program message = messageAst == null ? null
        : program(cel, messageAst, at, path + ".messageExpression", problems);
    if (validate != null && (r.messageExpression() == null || message != null)) {
      Memo validateMemo = share ? Memo.of(Reads.of(ast.getExpr(), VARIABLES)) : null;
      Memo messageMemo = share && message != null
          ? Memo.of(Reads.of(messageAst.getExpr(), VARIABLES)) : null;
      return new Compiled(new CompiledRule(pack + "/" + r.id(), r, params, validate, message,
          shared, COMPREHENSION.matcher(r.validate()).find(), predicates, validateMemo,
          messageMemo, share && r.fix() != null && (r.fix().at() == null
              || r.fix().at() == Policy.Fix.At.ELEMENT) ? Memo.ofValues() : null), problems);
    }
    return new Compiled(null, problems);
  }

  private static Shared shared(Cel cel, Policy pack, SourceMap at, List<Problem> problems) {
    List<Map.Entry<String, CelRuntime.Program>> variables = new ArrayList<>();
    List<CelRuntime.Program> conditions = new ArrayList<>();
    List<Policy.Variable> vs = pack.spec().variables() == null ? List.of()
        : pack.spec().variables();
    for (int i = 0; i < vs.size(); i++) {
      CelRuntime.Program p = compile(cel, vs.get(i).expression(), at,
          "spec.variables[" + i + "].expression", problems);
      if (p != null) {
        variables.add(Map.entry(vs.get(i).name(), p));
      }
    }
    List<String> cs = pack.spec().conditions() == null ? List.of() : pack.spec().conditions();
    for (int i = 0; i < cs.size(); i++) {
      CelRuntime.Program p = compile(cel, cs.get(i), at, "spec.conditions[" + i + "]", problems);
      if (p != null) {
        conditions.add(p);
      }
    }
    return variables.isEmpty() && conditions.isEmpty() ? Shared.NONE
        : new Shared(List.copyOf(variables), List.copyOf(conditions));
  }

  private static CelRuntime.Program compile(Cel cel, String expression, SourceMap at,
      String path, List<Problem> problems) {
    CelAbstractSyntaxTree ast = check(cel, expression, at, path, problems);
    return ast == null ? null : program(cel, ast, at, path, problems);
  }

  /**
   * Parses and type-checks an expression, or adds where it does not compile. The built-in
   * packs' expressions were checked when Pave was built.
   */
  private static CelAbstractSyntaxTree check(Cel cel, String expression, SourceMap at,
      String path, List<Problem> problems) {
    CelAbstractSyntaxTree compiled = CompiledPacks.find(expression);
    if (compiled != null) {
      return compiled;
    }
    try {
      return cel.compile(expression).getAst();
    } catch (CelValidationException e) {
      Position p = at.valueOf(path);
      for (CelIssue issue : e.getErrors()) {
        int column = issue.getSourceLocation().getColumn();
        // The column is inside the expression; on a one-line YAML value it adds to the start.
        int shown = issue.getSourceLocation().getLine() <= 1 && column >= 0
            ? p.column() + column + (startsQuoted(expression) ? 1 : 0) : p.column();
        problems.add(new Problem(at.source(), p.line(), shown, path,
            "does not compile: " + issue.getMessage()));
      }
      return null;
    }
  }

  private static CelRuntime.Program program(Cel cel, CelAbstractSyntaxTree ast, SourceMap at,
      String path, List<Problem> problems) {
    try {
      return cel.createProgram(ast);
    } catch (dev.cel.common.CelException e) {
      problems.add(at.problem(path, "cannot be evaluated: " + e.getMessage()));
      return null;
    }
  }

  private static boolean startsQuoted(String expression) {
    return false;
  }

  /** How many evaluations were answered by an earlier object's result, for tests. */
  int sharedResults() {
    return rules.stream().mapToInt(r -> (r.validateMemo() == null ? 0 : r.validateMemo().hits())
        + (r.messageMemo() == null ? 0 : r.messageMemo().hits())).sum();
  }

  /** How many fixed forms were those of an earlier element, for tests. */
  int sharedFixedForms() {
    return rules.stream().mapToInt(r -> r.fixedMemo() == null ? 0 : r.fixedMemo().hits()).sum();
  }

  public List<String> ruleIds() {
    return rules.stream().map(CompiledRule::id).toList();
  }

  /** Evaluates every rule against one object. Objects of kinds no rule matches give nothing. */
  public List<Finding> evaluate(SourceObject target, List<PolicyException> exceptions,
      Instant now) {
    return evaluate(target, exceptions, now, Inventory.NONE);
  }

  /** As {@link #evaluate(SourceObject, List, Instant)}, with the objects around it known. */
  public List<Finding> evaluate(SourceObject target, List<PolicyException> exceptions,
      Instant now, Inventory inventory) {
    List<Finding> out = new ArrayList<>();
    Subject subject = new Subject(target);
    if (userInfo != null) {
      subject.vars.put("request", FileRequest.of(target, userInfo));
    }
    for (CompiledRule r : rules) {
      if (!Matching.matches(r.rule().match(), target, subject.pod != null)) {
        continue;
      }
      List<String> needs = r.rule().needs();
      if (needs != null && !needs.isEmpty()) {
        if (!inventory.known()) {
          continue;
        }
        subject.vars.put("related", inventory.related(needs, target.namespace()));
      }
      Finding f = evaluate(r, subject);
      if (f != null) {
        out.add(exceptions.isEmpty() ? f : Exemptions.apply(f, target, exceptions, now));
      }
    }
    return out;
  }

  /**
   * One object as the rules see it, worked out once: its pod, containers and volumes, and the
   * CEL variables, which each rule then only adjusts.
   */
  private static final class Subject {
    final SourceObject target;
    final Pods.Pod pod;
    final List<Pods.Element> containers;
    final List<Pods.Element> volumes;
    final Map<String, Object> vars = new HashMap<>();
    final Map<Shared, Map<String, Object>> variables = new java.util.IdentityHashMap<>();
    /**
     * The values the result-sharing keys read, copied once per object: several rules read
     * the same securityContext or labels, and each copy would otherwise be made and hashed
     * again. By identity, as the object does not change while it is evaluated.
     */
    final Map<Object, Object> frozen = new java.util.IdentityHashMap<>();
    /** The variables for CEL, one resolver for every rule evaluated on the object. */
    final dev.cel.runtime.CelVariableResolver resolver = resolver(vars);

    /** The object as the API server would hold it: what every rule reads. */
    final Map<String, Object> object;

    Subject(SourceObject target) {
      this.target = target;
      this.object = Decoded.of(target.object());
      this.pod = Pods.of(object);
      this.containers = pod == null ? List.of() : Pods.containers(pod);
      this.volumes = pod == null ? List.of() : Pods.volumes(pod);
      vars.put("object", object);
      vars.put("pod", pod == null ? Map.of() : pod.spec());
      vars.put("podMeta", pod == null ? Map.of() : pod.metadata());
      vars.put("container", Map.of());
      vars.put("volume", Map.of());
      vars.put("oldObject", dev.cel.common.values.NullValue.NULL_VALUE);
      vars.put("request", Map.of());
      vars.put("namespaceObject", Map.of());
      vars.put("variables", Map.of());
      vars.put("related", Map.of());
      // Constant: without a cluster every authorizer check gives the same errored decision.
      vars.put("authorizer", dev.pave.policy.cel.Authz.NONE);
      vars.put("authorizer.requestResource", NO_RESOURCE);
    }
  }

  /** The ids of the rules that look at this object, whether they pass or not. */
  public List<String> rulesFor(SourceObject target, Inventory inventory) {
    boolean hasPod = Pods.of(target.object()) != null;
    List<String> out = new ArrayList<>();
    for (CompiledRule r : rules) {
      if (Matching.matches(r.rule().match(), target, hasPod) && (inventory.known()
          || r.rule().needs() == null || r.rule().needs().isEmpty())) {
        out.add(r.id());
      }
    }
    return java.util.Collections.unmodifiableList(out);
  }

  /** The kinds of related objects some rule needs: what an inventory must hold. */
  public java.util.Set<String> neededKinds() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    rules.forEach(r -> {
      if (r.rule().needs() != null) {
        out.addAll(r.rule().needs());
      }
    });
    return out;
  }

  /** Title, rationale and controls of a rule, for reports that describe rules. */
  public Policy.Rule rule(String id) {
    return rules.stream().filter(r -> r.id().equals(id)).findFirst().map(CompiledRule::rule)
        .orElse(null);
  }

  /** Whether any rule looks at objects of this kind. */
  public boolean covers(SourceObject target) {
    boolean hasPod = Pods.of(target.object()) != null;
    return rules.stream().anyMatch(r -> Matching.matches(r.rule().match(), target, hasPod));
  }

  private Finding evaluate(CompiledRule r, Subject subject) {
    SourceObject target = subject.target;
    Pods.Pod pod = subject.pod;
    Policy.Each each = r.rule().each() == null ? Policy.Each.OBJECT : r.rule().each();
    List<Pods.Element> elements = switch (each) {
      case OBJECT -> List.of(new Pods.Element(null, "", "", subject.object));
      case POD -> pod == null ? List.of()
          : List.of(new Pods.Element(null, pod.path(), pod.path(), pod.spec()));
      case CONTAINERS -> subject.containers;
      case VOLUMES -> subject.volumes;
    };
    if (elements.isEmpty()) {
      return null;
    }
    Map<String, Object> vars = subject.vars;
    vars.put("params", r.params());
    vars.put("container", Map.of());
    vars.put("volume", Map.of());
    if (r.shared() != Shared.NONE) {
      try {
        Map<String, Object> variables = subject.variables.get(r.shared());
        if (variables == null) {
          variables = new HashMap<>();
          vars.put("variables", variables);
          for (Map.Entry<String, CelRuntime.Program> v : r.shared().variables()) {
            variables.put(v.getKey(), v.getValue().eval(vars));
          }
          subject.variables.put(r.shared(), variables);
        }
        vars.put("variables", variables);
        for (CelRuntime.Program c : r.shared().conditions()) {
          if (!Boolean.TRUE.equals(c.eval(vars))) {
            return null;
          }
        }
      } catch (CelEvaluationException ex) {
        if (r.rule().onError() == Policy.OnError.IGNORE) {
          return null;
        }
        return new Finding(r.id(), r.rule().severity(), r.rule().title(), target.kind(),
            target.namespace(), target.name(), target.positions().source(), "policy error: "
            + r.id() + " could not be evaluated (" + ex.getMessage() + ")",
            r.rule().rationale(), List.of(), List.of(violation(r, target, pod,
            new Pods.Element(null, "", "", target.object()))), Finding.Status.ERROR, null);
      }
    }
    List<Finding.Violation> violations = new ArrayList<>();
    List<String> details = new ArrayList<>();
    String error = null;
    for (Pods.Element e : elements) {
      if (each == Policy.Each.CONTAINERS) {
        vars.put("container", e.value());
      } else if (each == Policy.Each.VOLUMES) {
        vars.put("volume", e.value());
      }
      Object result;
      try {
        result = validate(r, subject);
      } catch (CelEvaluationException ex) {
        if (r.rule().onError() == Policy.OnError.IGNORE) {
          continue;
        }
        error = ex.getMessage();
        violations.add(violation(r, target, pod, e));
        continue;
      }
      if (!Boolean.TRUE.equals(result)) {
        List<String> failing = each == Policy.Each.OBJECT && r.rule().field() == null
            ? Tracing.failingElements(r.validate(), r.predicates(), vars, subject.object)
            : List.of();
        if (failing.isEmpty()) {
          violations.add(violation(r, target, pod, e));
        }
        for (String indexPath : failing) {
          Object element = Fixes.pointerGet(subject.object, Fixes.pointer(indexPath));
          String name = element instanceof Map<?, ?> m && m.get("name") instanceof String s
              ? s : null;
          violations.add(violation(r, target, pod, new Pods.Element(name, indexPath,
              Pods.namePath(indexPath, subject.object), Pods.map(element))));
        }
        if (r.message() != null) {
          try {
            details.add(message(r, vars, subject.frozen));
          } catch (CelEvaluationException ex) {
            details.add(r.rule().message() != null ? r.rule().message().replace("{elements}",
                elements(each, violations.subList(violations.size() - 1, violations.size())))
                : r.rule().title());
          }
        }
      }
    }
    if (violations.isEmpty()) {
      return null;
    }
    String reason = r.rule().reason() != null ? r.rule().reason() : r.rule().title();
    String message;
    // A reason ending in a colon (admission policies' "... denied request:") is followed by
    // the message itself, as the API server words it.
    boolean colon = reason.endsWith(":");
    if (error != null) {
      message = colon ? reason + " expression '" + r.rule().validate().strip()
          + "' resulted in error: " + error
          : "policy error: " + r.id() + " could not be evaluated (" + error + ")";
    } else if (!details.isEmpty()) {
      String joined = String.join("; ", new java.util.LinkedHashSet<>(details));
      message = colon ? reason + " " + joined : reason + " (" + joined + ")";
    } else if (r.rule().message() != null) {
      String detail = r.rule().message().replace("{elements}", elements(each, violations));
      message = colon ? reason + " " + detail : reason + " (" + detail + ")";
    } else {
      message = reason;
    }
    return new Finding(r.id(), r.rule().severity(), r.rule().title(), target.kind(),
        target.namespace(), target.name(), target.positions().source(), message,
        r.rule().rationale(), r.rule().controls() == null ? List.of() : r.rule().controls(),
        List.copyOf(violations), error != null ? Finding.Status.ERROR : Finding.Status.FAILED,
        null);
  }

  /** The rule's verdict, shared with an earlier object that is the same in what it reads. */
  private Object validate(CompiledRule r, Subject subject) throws CelEvaluationException {
    List<Object> key = r.validateMemo() == null ? null
        : r.validateMemo().key(subject.vars, subject.frozen);
    Object kept = key == null ? null : r.validateMemo().get(key);
    if (kept != null) {
      return kept;
    }
    Object result = run(r, subject.resolver);
    if (key != null) {
      r.validateMemo().put(key, result);
    }
    return result;
  }

  private static String message(CompiledRule r, Map<String, Object> vars,
      Map<Object, Object> frozen)
      throws CelEvaluationException {
    List<Object> key = r.messageMemo() == null ? null : r.messageMemo().key(vars, frozen);
    Object kept = key == null ? null : r.messageMemo().get(key);
    if (kept != null) {
      return (String) kept;
    }
    Object value = r.message().eval(resolver(vars));
    if (!(value instanceof String text)) {
      // Anything but a string (an unknown, a list) is an internal value no one should read:
      // the rule's own message is given instead.
      throw new CelEvaluationException("messageExpression gave no string");
    }
    if (key != null) {
      r.messageMemo().put(key, text);
    }
    return text;
  }

  /**
   * Evaluates a rule, stopping it at the deadline when it iterates. The listener sees every
   * sub-expression, so the clock is read only every 256 of them.
   */
  private Object run(CompiledRule r, dev.cel.runtime.CelVariableResolver resolver)
      throws CelEvaluationException {
    if (!r.iterates() || !limits.enabled()) {
      return r.validate().eval(resolver);
    }
    long deadline = limits.ticker().getAsLong() + limits.deadline().toNanos();
    int[] steps = {0};
    try {
      return r.validate().trace(resolver, (expr, value) -> {
        if ((++steps[0] & 255) == 0 && limits.ticker().getAsLong() > deadline) {
          throw new DeadlineExceeded();
        }
      });
    } catch (DeadlineExceeded e) {
      throw new CelEvaluationException("evaluation took longer than its deadline of "
          + limits.deadline().toMillis() + " ms");
    } catch (CelEvaluationException e) {
      if (e.getCause() instanceof DeadlineExceeded) {
        throw new CelEvaluationException("evaluation took longer than its deadline of "
            + limits.deadline().toMillis() + " ms");
      }
      throw e;
    }
  }

  /**
   * The variables for CEL read from the live map: eval(Map) and trace(Map) would copy every
   * variable on every call.
   */
  static dev.cel.runtime.CelVariableResolver resolver(Map<String, Object> vars) {
    return name -> java.util.Optional.ofNullable(vars.get(name));
  }

  /** PSA's wording: container "a" / containers "a", "b" (and likewise volumes). */
  static String elements(Policy.Each each, List<Finding.Violation> violations) {
    String noun = each == Policy.Each.VOLUMES ? "volume" : "container";
    List<String> names = new ArrayList<>();
    for (Finding.Violation v : violations) {
      String quoted = v.element() == null ? null : "\"" + v.element() + "\"";
      if (quoted != null && !names.contains(quoted)) {
        names.add(quoted);
      }
    }
    if (names.isEmpty()) {
      return each == Policy.Each.POD || each == Policy.Each.OBJECT ? "the pod" : noun;
    }
    return (names.size() == 1 ? noun + " " : noun + "s ") + String.join(", ", names);
  }

  private static Finding.Violation violation(CompiledRule r, SourceObject target, Pods.Pod pod,
      Pods.Element e) {
    String field = r.rule().field();
    String indexPath = join(e.indexPath(), field);
    String namePath = join(e.namePath(), field);
    Position position = target.positions().valueOf(indexPath);
    List<Map<String, Object>> patch = List.of();
    Finding.Deferred fixed = null;
    Policy.Fix fix = r.rule().fix();
    if (fix != null) {
      Policy.Fix.At at = fix.at() == null ? Policy.Fix.At.ELEMENT : fix.at();
      String anchor = switch (at) {
        case ELEMENT -> e.indexPath();
        case POD -> pod == null ? "" : pod.path();
        case OBJECT -> "";
      };
      patch = Fixes.patch(target.object(), anchor, fix.ops());
      Object before = Fixes.pointerGet(target.object(), Fixes.pointer(anchor));
      if (before instanceof Map<?, ?> m && !fix.ops().isEmpty()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> element = (Map<String, Object>) m;
        boolean whole = at == Policy.Fix.At.ELEMENT;
        // Worked out only if a report shows it: a large check must not copy every object.
        fixed = new Finding.Deferred(() -> fixedForm(r, element, whole));
      }
    }
    return new Finding.Violation(e.name(), namePath, position, patch, fixed,
        fix == null ? null : fix.spec());
  }

  /** Stands for "no fixed form" among the kept ones, which cannot hold null. */
  private static final Object NO_FIXED_FORM = new Object();

  /**
   * The element after the rule's fix, as YAML: the whole element, or only the fields the fix
   * changes. It depends on nothing but the element and the fix, so elements that are alike
   * (one sidecar in thousands of pods) share it, as they share the verdict. Only fixes of an
   * element are kept so: a pod or an object as a whole is rarely alike another.
   */
  private static String fixedForm(CompiledRule r, Map<String, Object> element, boolean whole) {
    List<Object> key = r.fixedMemo() == null ? null : r.fixedMemo().keyOf(element);
    Object kept = key == null ? null : r.fixedMemo().get(key);
    if (kept != null) {
      return kept == NO_FIXED_FORM ? null : (String) kept;
    }
    List<Policy.Operation> ops = r.rule().fix().ops();
    Map<String, Object> after = Fixes.apply(element, Fixes.patch(element, "", ops));
    String yaml = after == null ? null
        : Snippets.yaml(whole ? after : Fixes.changedFields(after, "", ops));
    if (key != null) {
      r.fixedMemo().put(key, yaml == null ? NO_FIXED_FORM : yaml);
    }
    return yaml;
  }

  private static String join(String base, String field) {
    if (field == null || field.isEmpty()) {
      return base;
    }
    return base.isEmpty() ? field : base + "." + field;
  }

  static String wire(Enum<?> e) {
    return WireName.of(e);
  }
}
