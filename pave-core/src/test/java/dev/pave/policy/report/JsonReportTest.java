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
    assertThat(plain).contains("\"patch\" : [ {", "\"exception\" : {");
  }
}
