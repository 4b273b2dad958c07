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
}
