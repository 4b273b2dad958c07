package dev.pave.policy;

import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelMutableAst;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelMutableExpr;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles the expressions of a MutatingAdmissionPolicy. Kubernetes types {@code Object{spec:
 * Object.spec{...}}} and {@code JSONPatch{op: ..., path: ...}} from the resource's schema;
 * cel-java would need a message type for each. Pave's objects are maps of JSON values, so the
 * parsed expression has each such literal turned into the map literal it stands for ({@code
 * {'spec': {...}}}), and {@code jsonpatch.escapeKey(k)} into the two replacements it makes,
 * before it is type-checked in the engine's one environment. Field names are therefore not
 * checked against a schema: a misspelt field is merged as written.
 */
final class MutationExpressions {
  private MutationExpressions() {}

  static CelAbstractSyntaxTree compile(Cel cel, String expression)
      throws CelValidationException {
    CelAbstractSyntaxTree parsed = cel.parse(expression).getAst();
    CelMutableAst mutable = CelMutableAst.fromCelAst(parsed);
    long[] next = {maxId(mutable.expr()) + 1};
    rewrite(mutable.expr(), next);
    mutable.source().clearMacroCalls();
    return cel.check(mutable.toParsedAst()).getAst();
  }

  private static void rewrite(CelMutableExpr e, long[] next) {
    switch (e.getKind()) {
      case STRUCT -> {
        String type = e.struct().messageName();
        List<CelMutableExpr.CelMutableMap.Entry> entries = new ArrayList<>();
        for (CelMutableExpr.CelMutableStruct.Entry f : e.struct().entries()) {
          rewrite(f.value(), next);
          entries.add(CelMutableExpr.CelMutableMap.Entry.create(f.id(),
              CelMutableExpr.ofConstant(next[0]++, CelConstant.ofValue(f.fieldKey())),
              f.value(), f.optionalEntry()));
        }
        if (type.equals("Object") || type.startsWith("Object.") || type.equals("JSONPatch")) {
          e.setMap(CelMutableExpr.CelMutableMap.create(entries));
        }
      }
      case CALL -> {
        var call = e.call();
        call.target().ifPresent(t -> rewrite(t, next));
        call.args().forEach(a -> rewrite(a, next));
        if (call.function().equals("escapeKey") && call.args().size() == 1
            && call.target().isPresent()
            && call.target().get().getKind() == dev.cel.common.ast.CelExpr.ExprKind.Kind.IDENT
            && call.target().get().ident().name().equals("jsonpatch")) {
          // RFC 6901: "~" first, so the "~" that "/" becomes is not escaped again.
          CelMutableExpr tilde = CelMutableExpr.ofCall(next[0]++,
              CelMutableExpr.CelMutableCall.create(call.args().get(0), "replace",
                  constant(next, "~"), constant(next, "~0")));
          e.setCall(CelMutableExpr.CelMutableCall.create(tilde, "replace",
              constant(next, "/"), constant(next, "~1")));
        }
      }
      case SELECT -> rewrite(e.select().operand(), next);
      case LIST -> e.list().elements().forEach(x -> rewrite(x, next));
      case MAP -> e.map().entries().forEach(x -> {
        rewrite(x.key(), next);
        rewrite(x.value(), next);
      });
      case COMPREHENSION -> {
        var c = e.comprehension();
        for (CelMutableExpr x : List.of(c.iterRange(), c.accuInit(), c.loopCondition(),
            c.loopStep(), c.result())) {
          rewrite(x, next);
        }
      }
      default -> { }
    }
  }

  private static CelMutableExpr constant(long[] next, String s) {
    return CelMutableExpr.ofConstant(next[0]++, CelConstant.ofValue(s));
  }

  private static long maxId(CelMutableExpr e) {
    long max = e.id();
    List<CelMutableExpr> children = new ArrayList<>();
    switch (e.getKind()) {
      case STRUCT -> e.struct().entries().forEach(f -> children.add(f.value()));
      case CALL -> {
        e.call().target().ifPresent(children::add);
        children.addAll(e.call().args());
      }
      case SELECT -> children.add(e.select().operand());
      case LIST -> children.addAll(e.list().elements());
      case MAP -> e.map().entries().forEach(x -> {
        children.add(x.key());
        children.add(x.value());
        });
      case COMPREHENSION -> children.addAll(List.of(e.comprehension().iterRange(),
          e.comprehension().accuInit(), e.comprehension().loopCondition(),
          e.comprehension().loopStep(), e.comprehension().result()));
      default -> { }
    }
    for (CelMutableExpr c : children) {
      max = Math.max(max, maxId(c));
    }
    if (e.getKind() == dev.cel.common.ast.CelExpr.ExprKind.Kind.STRUCT) {
      for (var f : e.struct().entries()) {
        max = Math.max(max, f.id());
      }
    } else if (e.getKind() == dev.cel.common.ast.CelExpr.ExprKind.Kind.MAP) {
      for (var f : e.map().entries()) {
        max = Math.max(max, f.id());
      }
    }
    return max;
  }
}
