package dev.pave.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Says which element made an {@code all(...)} fail. The rule is evaluated again with a trace;
 * each time the predicate of an {@code all} comes out false, the comprehension's current element
 * is noted, and found again in the object by identity to give its path. So a rule written as
 * {@code object.spec.template.spec.containers.all(c, ...)} still points at the container.
 */
final class Tracing {
  /** Predicates of all() comprehensions, by expression id, with their iteration variable. */
  record Predicates(Map<Long, String> iterVarByPredicate) {
    boolean isEmpty() {
      return iterVarByPredicate.isEmpty();
    }
  }

  private Tracing() {}

  /**
   * The variables whose values are parts of the object, where a failing element can be found
   * again; an all() over anything else (the related objects, the parameters) names nothing
   * in the object, and tracing it would only cost.
   */
  private static final Set<String> IN_OBJECT = Set.of("object", "pod", "podMeta", "container",
      "volume", "variables");

  static Predicates predicates(CelAbstractSyntaxTree ast) {
    Map<Long, String> out = new HashMap<>();
    collect(ast.getExpr(), IN_OBJECT, out);
    return new Predicates(out);
  }

  /**
   * Collects the predicates of all() comprehensions over values that may come from the
   * object: {@code inObject} names the identifiers that may hold such values here.
   */
  private static void collect(CelExpr e, Set<String> inObject, Map<Long, String> out) {
    switch (e.getKind()) {
      case CALL -> {
        e.call().target().ifPresent(t -> collect(t, inObject, out));
        e.call().args().forEach(a -> collect(a, inObject, out));
      }
      case SELECT -> collect(e.select().operand(), inObject, out);
      case LIST -> e.list().elements().forEach(x -> collect(x, inObject, out));
      case MAP -> e.map().entries().forEach(x -> {
        collect(x.key(), inObject, out);
        collect(x.value(), inObject, out);
      });
      case COMPREHENSION -> {
        CelExpr.CelComprehension c = e.comprehension();
        boolean rangeInObject = mentions(c.iterRange(), inObject);
        Set<String> inner = new HashSet<>(inObject);
        for (String v : List.of(c.iterVar(), c.iterVar2())) {
          if (rangeInObject) {
            inner.add(v);
          } else {
            inner.remove(v);
          }
        }
        // An accumulator holds elements of the range (map, filter) or its initial value
        // (cel.bind).
        if (rangeInObject || mentions(c.accuInit(), inObject)) {
          inner.add(c.accuVar());
        } else {
          inner.remove(c.accuVar());
        }
        CelExpr step = c.loopStep();
        // all(x, p) expands to a loop step `accu && p`.
        if (rangeInObject && step.getKind() == CelExpr.ExprKind.Kind.CALL
            && step.call().function().equals("_&&_") && step.call().args().size() == 2
            && step.call().args().get(0).getKind() == CelExpr.ExprKind.Kind.IDENT
            && step.call().args().get(0).ident().name().equals(c.accuVar())) {
          out.put(step.call().args().get(1).id(), c.iterVar());
        }
        collect(c.iterRange(), inObject, out);
        collect(c.accuInit(), inObject, out);
        collect(c.loopCondition(), inner, out);
        collect(step, inner, out);
        collect(c.result(), inner, out);
      }
      default -> {
      }
    }
  }

  /** Whether an expression uses any of these identifiers (loop variables of the same name too). */
  private static boolean mentions(CelExpr e, Set<String> names) {
    return switch (e.getKind()) {
      case IDENT -> names.contains(e.ident().name());
      case CALL -> e.call().target().map(t -> mentions(t, names)).orElse(false)
          || e.call().args().stream().anyMatch(a -> mentions(a, names));
      case SELECT -> mentions(e.select().operand(), names);
      case LIST -> e.list().elements().stream().anyMatch(x -> mentions(x, names));
      case MAP -> e.map().entries().stream()
          .anyMatch(x -> mentions(x.key(), names) || mentions(x.value(), names));
      case STRUCT -> e.struct().entries().stream().anyMatch(x -> mentions(x.value(), names));
      case COMPREHENSION -> {
        CelExpr.CelComprehension c = e.comprehension();
        yield mentions(c.iterRange(), names) || mentions(c.accuInit(), names)
            || mentions(c.loopCondition(), names) || mentions(c.loopStep(), names)
            || mentions(c.result(), names);
      }
      default -> false;
    };
  }

  /** Index paths of the elements whose predicate failed, in the order they failed. */
  static List<String> failingElements(CelRuntime.Program program, Predicates predicates,
      Map<String, Object> vars, Map<String, Object> object) {
    if (predicates.isEmpty()) {
      return List.of();
    }
    List<Object> failed = new ArrayList<>();
    Map<String, Object> current = new HashMap<>();
    try {
      program.trace(PolicyEngine.resolver(vars), (expr, value) -> {
        if (expr.getKind() == CelExpr.ExprKind.Kind.IDENT
            && predicates.iterVarByPredicate().containsValue(expr.ident().name())) {
          current.put(expr.ident().name(), value);
        }
        String iterVar = predicates.iterVarByPredicate().get(expr.id());
        if (iterVar != null && Boolean.FALSE.equals(value) && current.get(iterVar) != null
            && failed.stream().noneMatch(f -> f == current.get(iterVar))) {
          failed.add(current.get(iterVar));
        }
      });
    } catch (CelEvaluationException | RuntimeException e) {
      return List.of();
    }
    Map<Object, String> paths = new IdentityHashMap<>();
    index(object, "", paths);
    List<String> out = new ArrayList<>();
    for (Object f : failed) {
      String p = paths.get(f);
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  private static void index(Object node, String path, Map<Object, String> out) {
    if (node instanceof Map<?, ?> m) {
      out.putIfAbsent(node, path);
      m.forEach((k, v) -> index(v, path.isEmpty() ? String.valueOf(k) : path + "." + k, out));
    } else if (node instanceof List<?> l) {
      out.putIfAbsent(node, path);
      for (int i = 0; i < l.size(); i++) {
        index(l.get(i), path + "[" + i + "]", out);
      }
    }
  }
}
