package dev.pave.policy.fix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.policy.BuiltInPacks;
import dev.pave.policy.PolicyEngine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A field written without a value ({@code securityContext:} with nothing under it) is edited in
 * place: the null becomes the block the fix needs, and every other byte stays as it was.
 */
class NullValueFixTest {
  static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  static String resource(String name) throws IOException {
    try (InputStream in = NullValueFixTest.class.getResourceAsStream("/fix/null-value/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void fieldsWithoutAValueAreFilledInAndTheRestOfTheFileIsByteIdentical() throws IOException {
    PolicyEngine engine = PolicyEngine.build(BuiltInPacks.select(BuiltInPacks.all(),
        List.of("pod-security-restricted")), Map.of()).engine();
    InPlaceFixer.Result r = InPlaceFixer.fix("before.yaml", resource("before.yaml"), engine,
        List.of(), NOW);
    assertThat(r.left()).isEmpty();
    assertThat(r.fixed()).isNotEmpty();
    assertThat(r.text()).isEqualTo(resource("after.yaml"));
  }

  @Test
  void aNullValueIsReplacedByTheBlockAtTheKeysIndentation() {
    String doc = "a:\n  b:\n  c: 1\n";
    assertThat(TextEdits.apply(doc, Map.of("op", "add", "path", "/a/b/x", "value", "y")))
        .isEqualTo("a:\n  b:\n    x: \"y\"\n  c: 1\n");
    assertThat(TextEdits.apply(doc, Map.of("op", "replace", "path", "/a/b",
        "value", Map.of("x", List.of(1, 2)))))
        .isEqualTo("a:\n  b:\n    x:\n      - 1\n      - 2\n  c: 1\n");
  }

  @Test
  void aNullWrittenOutLosesItsTextAndAFlowMappingGetsAFlowValue() {
    assertThat(TextEdits.apply("a:\n  b: ~\n  c: 1\n",
        Map.of("op", "add", "path", "/a/b/x", "value", "y")))
        .isEqualTo("a:\n  b:\n    x: \"y\"\n  c: 1\n");
    assertThat(TextEdits.apply("a: {b: null, c: 1}\n",
        Map.of("op", "add", "path", "/a/b/x", "value", "y")))
        .isEqualTo("a: {b: {\"x\":\"y\"}, c: 1}\n");
  }

  @Test
  void aCommentAfterTheEmptyKeyIsKept() {
    String doc = "a:\n  b:   # later\n  c: 1\n";
    assertThat(TextEdits.apply(doc, Map.of("op", "add", "path", "/a/b/x", "value", "y")))
        .isEqualTo("a:\n  b:   # later\n    x: \"y\"\n  c: 1\n");
  }

  @Test
  void aNullAtTheEndOfTheTextIsFilledIn() {
    assertThat(TextEdits.apply("a:\n  b:", Map.of("op", "add", "path", "/a/b/x", "value", "y")))
        .isEqualTo("a:\n  b:\n    x: \"y\"\n");
  }
}
