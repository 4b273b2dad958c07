package dev.pave.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

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

  static Predicates predicates(CelAbstractSyntaxTree ast) {
    Map<Long, String> out = new HashMap<>();
    collect(ast.getExpr(), out);
    return new Predicates(out);
  }

  private static void collect(CelExpr e, Map<Long, String> out) {
    switch (e.getKind()) {
      case CALL -> {
        e.call().target().ifPresent(t -> collect(t, out));
        e.call().args().forEach(a -> collect(a, out));
      }
      case SELECT -> collect(e.select().operand(), out);
      case LIST -> e.list().elements().forEach(x -> collect(x, out));
      case MAP -> e.map().entries().forEach(x -> {
        collect(x.key(), out);
        collect(x.value(), out);
      });
      case COMPREHENSION -> {
        CelExpr.CelComprehension c = e.comprehension();
        CelExpr step = c.loopStep();
        // all(x, p) expands to a loop step `accu && p`.
        if (step.getKind() == CelExpr.ExprKind.Kind.CALL
            && step.call().function().equals("_&&_") && step.call().args().size() == 2
            && step.call().args().get(0).getKind() == CelExpr.ExprKind.Kind.IDENT
            && step.call().args().get(0).ident().name().equals(c.accuVar())) {
          out.put(step.call().args().get(1).id(), c.iterVar());
        }
        collect(c.iterRange(), out);
        collect(c.accuInit(), out);
        collect(c.loopCondition(), out);
        collect(step, out);
        collect(c.result(), out);
      }
      default -> {
      }
    }
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
      program.trace(vars, (expr, value) -> {
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
