package dev.pave.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.bundle.Cel;
import dev.cel.common.CelProtoAbstractSyntaxTree;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The expressions compiled by the build are those the packs hold, checked as now. */
class CompiledPacksTest {

  @Test
  void theBuildKeptEveryBuiltInExpressionCheckedAsItChecksNow() throws Exception {
    Set<String> expressions = CompiledPacks.expressions();
    assertThat(expressions).hasSizeGreaterThan(30);
    assertThat(CompiledPacks.size()).isEqualTo(expressions.size());
    Cel cel = PolicyEngine.cel();
    for (String e : expressions) {
      assertThat(CompiledPacks.find(e)).as(e).isNotNull();
      assertThat(CelProtoAbstractSyntaxTree.fromCelAst(CompiledPacks.find(e)).toCheckedExpr())
          .as(e).isEqualTo(CelProtoAbstractSyntaxTree.fromCelAst(cel.compile(e).getAst())
              .toCheckedExpr());
    }
  }

  @Test
  void anExpressionOfNoBuiltInPackIsCompiledAsWritten() throws Exception {
    assertThat(CompiledPacks.find("object.kind == 'Pod'")).isNull();
    Map<String, byte[]> table = CompiledPacks.parse(CompiledPacks.build());
    assertThat(table).hasSize(CompiledPacks.size());
    assertThat(CompiledPacks.parse(new byte[] {0, 0, 0, 1, 0, 0, 0, 0})).isEmpty();
    // Compiled against other declarations: not used.
    byte[] other = CompiledPacks.build();
    other[4] ^= 1;
    assertThat(CompiledPacks.parse(other)).isEmpty();
  }
}
