package dev.pave.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FixesTest {

  @Test
  void indexPathsBecomeJsonPointers() {
    assertThat(Fixes.pointer("")).isEmpty();
    assertThat(Fixes.pointer("spec.template.spec.containers[1].securityContext"))
        .isEqualTo("/spec/template/spec/containers/1/securityContext");
    assertThat(Fixes.pointer("a[0][1]")).isEqualTo("/a/0/1");
    assertThat(Fixes.pointer("metadata.annotations.a~b/c")).isEqualTo(
        "/metadata/annotations/a~0b~1c");
    // Empty parts inside are kept and at the end dropped, as splitting the path gives them.
    assertThat(Fixes.pointer("a..b")).isEqualTo("/a//b");
    assertThat(Fixes.pointer(".x")).isEqualTo("//x");
    assertThat(Fixes.pointer("a.")).isEqualTo("/a");
    assertThat(Fixes.pointer("..")).isEmpty();
    assertThat(Fixes.pointer("]")).isEqualTo("/");
    assertThat(Fixes.escape("plain")).isSameAs("plain");
    assertThat(Fixes.unescape("a~0b~1c")).isEqualTo("a~b/c");
  }
  @Test
  void aPlaceholderNeverReplacesAValueAndIsReportedWhereItWouldBeWritten() {
    Policy.Operation team = new Policy.Operation(Policy.Operation.Op.ADD,
        "metadata/labels/pave.dev~1team", "<team>");
    java.util.Map<String, Object> owned = java.util.Map.of("metadata",
        java.util.Map.of("labels", java.util.Map.of("pave.dev/team", "shop")));
    assertThat(Fixes.patch(owned, "", java.util.List.of(team))).isEmpty();

    java.util.Map<String, Object> unowned = java.util.Map.of("metadata",
        java.util.Map.of("name", "p"));
    var patch = Fixes.patch(unowned, "", java.util.List.of(team));
    assertThat(patch).hasSize(1);
    assertThat(Patches.placeholder(patch)).isEqualTo("<team>");
    // A real value, even one with angle brackets elsewhere, is not a placeholder.
    assertThat(Fixes.placeholder(java.util.Map.of("a", java.util.List.of("x < y", "ok"))))
        .isNull();
  }
}
