package dev.pave.policy.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.policy.BuiltInPacks;
import dev.pave.policy.CheckRun;
import dev.pave.policy.Checker;
import dev.pave.policy.Finding;
import dev.pave.policy.PolicyEngine;
import dev.pave.policy.PolicyException;
import dev.pave.policy.PolicyReader;
import dev.pave.policy.Severity;
import dev.pave.source.SourceObject;
import dev.pave.source.SourceReader;
import dev.pave.render.Golden;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class JsonReportTest {

  @Test
  void findingsRenderedAheadGiveTheSameReportByte() throws Exception {
    Path dir = Golden.root().resolve("policy/conformance");
    List<SourceObject> objects = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        if (f.toString().endsWith(".yaml") && !f.endsWith("exceptions.yaml")) {
          objects.addAll(SourceReader.read(f.toString(),
              Files.readString(f, StandardCharsets.UTF_8)).objects());
        }
      }
    }
    List<PolicyException> exceptions = PolicyReader.read("exceptions.yaml",
        Files.readString(dir.resolve("exceptions.yaml"))).exceptions().stream()
        .map(d -> d.value()).toList();
    PolicyEngine engine = PolicyEngine.build(List.copyOf(BuiltInPacks.all().values()),
        Map.of()).engine();
    CheckRun run = Checker.check(objects, List.of(), null, engine, exceptions,
        Instant.parse("2026-06-01T00:00:00Z"), Severity.LOW, List.of(), 14);
    List<Finding> findings = run.findings();
    assertThat(findings).extracting(Finding::status).contains(Finding.Status.FAILED,
        Finding.Status.EXCEPTED);

    String plain = JsonReport.render(run);
    java.io.StringWriter ahead = new java.io.StringWriter();
    JsonReport.write(run, ahead, JsonReport::finding);
    assertThat(ahead.toString()).isEqualTo(plain);
    // Some rendered ahead and some not, as text and as bytes.
    java.io.StringWriter mixed = new java.io.StringWriter();
    JsonReport.write(run, mixed, f -> findings.indexOf(f) % 2 == 0 ? JsonReport.finding(f)
        : null);
    assertThat(mixed.toString()).isEqualTo(plain);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    JsonReport.write(run, bytes, f -> findings.indexOf(f) % 3 == 0 ? null
        : JsonReport.finding(f));
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(plain);
    int direct = 0;
    for (Finding f : findings) {
      byte[] written = JsonFindings.render(f);
      if (written != null) {
        direct++;
        assertThat(new String(written, StandardCharsets.UTF_8)).as(f.ruleId())
            .isEqualTo(new String(JsonReport.generated(f), StandardCharsets.UTF_8));
      }
    }
    assertThat(direct).isGreaterThan(findings.size() / 2);
    assertThat(plain).contains("\"patch\" : [ {", "\"exception\" : {");
  }

  @Test
  void findingsWrittenDirectlyAreWhatJacksonWrites() {
    java.util.Map<String, Object> nested = new java.util.LinkedHashMap<>();
    nested.put("empty", Map.of());
    nested.put("list", List.of());
    nested.put("items", List.of(1L, true, "x", List.of(List.of("deep")), Map.of("k", 7)));
    nested.put("none", null);
    nested.put("int", 3);
    java.util.Map<String, Object> op = new java.util.LinkedHashMap<>();
    op.put("op", "add");
    op.put("path", "/metadata/labels/a~1b");
    op.put("value", nested);
    String tricky = "quote \" back \\ tab \t nl \n cr \r bell \u0007 del \u007f é ü 中 / end";
    Finding.Violation full = new Finding.Violation("app", "spec.containers[name=app]",
        new dev.pave.spec.Position(3, 14), List.of(op),
        new Finding.Deferred(() -> "fixed: " + tricky + "\n"), tricky);
    Finding.Violation bare = new Finding.Violation(null, "", new dev.pave.spec.Position(1, 1),
        List.of(), null, null);
    for (List<Finding.Violation> violations : List.of(List.of(full, bare), List.of(bare),
        List.<Finding.Violation>of())) {
      Finding f = new Finding("pack/rule", Severity.HIGH, tricky, "Deployment", "", "web",
          "in.yaml", "message " + tricky, null, List.of(), violations, Finding.Status.FAILED,
          null);
      assertThat(new String(JsonFindings.render(f), StandardCharsets.UTF_8))
          .isEqualTo(new String(JsonReport.generated(f), StandardCharsets.UTF_8));
    }
    // A long text met again (one fixed form shared by many findings) is written the same
    // each time, including one with a surrogate standing alone, which goes to Jackson.
    String longText = tricky.repeat(20);
    String lonelyText = longText + "\uDC00";
    for (String text : List.of(longText, lonelyText)) {
      for (int i = 0; i < 3; i++) {
        Finding f = new Finding("pack/rule", Severity.HIGH, "t", "Pod", "", "web", "in.yaml",
            text, null, List.of(), List.of(new Finding.Violation("app", "x",
            new dev.pave.spec.Position(1, 1), List.of(), new Finding.Deferred(() -> text),
            text)), Finding.Status.FAILED, null);
        assertThat(JsonReport.finding(f)).as(i + " " + text.length())
            .isEqualTo(JsonReport.generated(f));
        assertThat(JsonFindings.render(f) == null).isEqualTo(text == lonelyText);
      }
    }
    // A number that is not an integer, and text with a character outside the basic plane,
    // go to Jackson.
    Map<String, Object> half = Map.of("op", "replace", "path", "/x", "value", 0.5);
    Finding odd = new Finding("pack/rule", Severity.LOW, "t", "Pod", "ns", "p", "in.yaml",
        "m", "r", List.of("c"), List.of(new Finding.Violation(null, "x",
        new dev.pave.spec.Position(1, 1), List.of(half), null, null)), Finding.Status.FAILED,
        null);
    assertThat(JsonFindings.render(odd)).isNull();
    Finding lone = new Finding("pack/rule", Severity.LOW, "t", "Pod", "ns", "web\uD800", "in.yaml",
        "m", "r", List.of(), List.of(), Finding.Status.FAILED, null);
    assertThat(JsonFindings.render(lone)).isNull();
    assertThat(new String(JsonReport.finding(lone), StandardCharsets.UTF_8))
        .contains("\"web\\uD800\"");
    // Characters beyond the basic plane are their UTF-8 bytes on every path.
    Finding emoji = new Finding("pack/rule", Severity.LOW, "t \uD83D\uDE00", "Pod", "ns",
        "web\uD83D\uDE00?", "in.yaml", "m", "r", List.of(), List.of(), Finding.Status.FAILED,
        null);
    assertThat(JsonFindings.render(emoji)).isEqualTo(JsonReport.generated(emoji));
    CheckRun run = new CheckRun(List.of(new CheckRun.Checked(new CheckRun.Resource("Pod", "ns",
        "web", "in.yaml"), List.of("pack/rule"), List.of(emoji))), List.of(), List.of(),
        List.of(), Severity.LOW);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    JsonReport.write(run, bytes, JsonReport::finding);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(JsonReport.render(run))
        .contains("web\uD83D\uDE00?");
    java.io.ByteArrayOutputStream generated = new java.io.ByteArrayOutputStream();
    JsonReport.write(run, generated, f -> null);
    assertThat(generated.toString(StandardCharsets.UTF_8)).isEqualTo(JsonReport.render(run));
  }
}
