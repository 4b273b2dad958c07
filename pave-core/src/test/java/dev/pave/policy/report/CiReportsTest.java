package dev.pave.policy.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pave.policy.BuiltInPacks;
import dev.pave.policy.CheckRun;
import dev.pave.policy.Finding;
import dev.pave.policy.PolicyEngine;
import dev.pave.policy.Severity;
import dev.pave.render.Golden;
import dev.pave.spec.Position;
import dev.pave.spec.Problem;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/**
 * The reports CI systems read, for one fixed run with a finding of every severity, an excepted
 * one and an unreadable document, with the characters each format has to escape in messages
 * and paths. The golden files in examples/ci/reports/ show each format to readers too.
 */
class CiReportsTest {
  static final Path GOLDEN = Golden.root().resolve("examples/ci/reports");
  /** A path with what GitHub's properties, XML, JSON and Markdown each escape. */
  static final String SOURCE = "deploy/100% <shop> & co, v2/app:web's \"main\".yaml";

  static CheckRun run() {
    List<Finding> findings = new ArrayList<>();
    Severity[] all = Severity.values();
    for (int i = 0; i < all.length; i++) {
      Severity s = all[i];
      String rule = "demo/" + s.name().toLowerCase(java.util.Locale.ROOT);
      findings.add(new Finding(rule, s, "Title " + i, "Deployment", "shop", "web", SOURCE,
          "50% of \"containers\" <b>broke</b> a|b, c: d & e\r\nsecond line\u0007 ünï",
          "Why it matters", List.of("control " + i), List.of(new Finding.Violation("app",
              "spec.template.spec.containers[name=app].image", new Position(10 + i, 7),
              List.of(), null, i == 0 ? "image: app@sha256:abc" : null)),
          Finding.Status.FAILED, null));
    }
    findings.add(new Finding("demo/excepted", Severity.HIGH, "Excepted", "Deployment", "shop",
        "web", SOURCE, "excepted, but still here", null, List.of(), List.of(
            new Finding.Violation(null, "spec.replicas", new Position(4, 3), List.of(), null,
                null)), Finding.Status.EXCEPTED, new Finding.Excepted("shop-replicas",
        "team-shop", "load test", "OPS-1", "2027-01-31")));
    List<String> rules = findings.stream().map(Finding::ruleId).toList();
    CheckRun.Checked checked = new CheckRun.Checked(new CheckRun.Resource("Deployment", "shop",
        "web", SOURCE), rules, findings);
    CheckRun.Checked clean = new CheckRun.Checked(new CheckRun.Resource("Service", "shop",
        "web", SOURCE), List.of("demo/critical"), List.of());
    return new CheckRun(List.of(checked, clean), List.of(), List.of(new Problem(SOURCE, 30, 1,
        null, "could not find expected ':'")), List.of(), Severity.MEDIUM);
  }

  @Test
  void githubAnnotationsEscapeDataAndPropertiesAsGithubReadsThem() throws Exception {
    StringBuilder out = new StringBuilder();
    GithubReport.write(run(), out);
    Golden.assertMatches(GOLDEN.resolve("github.txt"), out.toString());
    String critical = out.toString().lines().filter(l -> l.contains("demo/critical"))
        .findFirst().orElseThrow();
    assertThat(critical).startsWith("::error file=deploy/100%25 <shop> & co%2C v2/app%3Aweb's"
        + " \"main\".yaml,line=10,col=7,title=demo/critical (critical)::50%25 of ")
        .contains("c: d & e%0D%0Asecond line").doesNotContain("\n");
    assertThat(out.toString()).contains("::warning file=").contains("title=demo/low (low)")
        .contains("::notice file=").contains("title=demo/excepted (high)")
        .contains("::error file=deploy/100%25 <shop> & co%2C v2/app%3Aweb's \"main\".yaml,"
            + "line=30,col=1,title=unreadable input::could not find expected ':'");
    // Every annotation is one line: what GitHub splits commands on.
    assertThat(out.toString().lines().filter(l -> l.startsWith("::"))).hasSize(7);
  }

  @Test
  void githubStepSummaryIsATableWhoseCellsCannotBreakIt() throws Exception {
    StringBuilder out = new StringBuilder();
    GithubReport.summary(run(), out, 4);
    Golden.assertMatches(GOLDEN.resolve("github-step-summary.md"), out.toString());
    List<String> rows = out.toString().lines().filter(l -> l.startsWith("| ")).toList();
    assertThat(rows).hasSize(5);  // the header and 4 of the 6 findings
    for (String row : rows) {
      assertThat(row.replace("\\|", "").chars().filter(c -> c == '|').count()).as(row)
          .isEqualTo(6);
    }
    assertThat(out.toString()).contains("2 more findings").doesNotContain("<b>");
  }

  @Test
  void gitlabCodeQualityHasStableFingerprintsAndGitlabSeverities() throws Exception {
    StringWriter out = new StringWriter();
    GitlabReport.write(run(), out);
    Golden.assertMatches(GOLDEN.resolve("gl-code-quality-report.json"), out.toString());
    JsonNode issues = new ObjectMapper().readTree(out.toString());
    assertThat(issues).hasSize(6);  // five severities and the unreadable document
    List<String> severities = new ArrayList<>();
    for (JsonNode i : issues) {
      severities.add(i.get("severity").asText());
      assertThat(i.get("location").get("path").asText()).isEqualTo(SOURCE);
      assertThat(i.at("/location/lines/begin").asInt()).isPositive();
      assertThat(i.get("fingerprint").asText()).matches("[0-9a-f]{64}");
    }
    assertThat(severities).containsExactly("blocker", "critical", "major", "minor", "info",
        "blocker");
    assertThat(issues.findValuesAsText("fingerprint")).doesNotHaveDuplicates();
    assertThat(issues.get(0).get("description").asText()).contains("\r\nsecond line\u0007");
    // A finding that moved down the file is the same issue to GitLab.
    CheckRun moved = run();
    Finding f = moved.checked().get(0).findings().get(0);
    Finding.Violation v = f.violations().get(0);
    Finding shifted = new Finding(f.ruleId(), f.severity(), f.title(), f.kind(), f.namespace(),
        f.name(), f.source(), f.message(), f.rationale(), f.controls(), List.of(
            new Finding.Violation(v.element(), v.path(), new Position(99, 1), v.patch(), null,
                v.specFix())), f.status(), f.excepted());
    StringWriter again = new StringWriter();
    GitlabReport.write(new CheckRun(List.of(new CheckRun.Checked(moved.checked().get(0)
        .resource(), List.of(f.ruleId()), List.of(shifted))), List.of(), List.of(), List.of(),
        Severity.LOW), again);
    assertThat(new ObjectMapper().readTree(again.toString()).get(0).get("fingerprint"))
        .isEqualTo(issues.get(0).get("fingerprint"));
  }

  @Test
  void junitIsReadableXmlWithTheFileAndTheMessageAsWritten() throws Exception {
    String xml = JunitReport.render(run());
    Golden.assertMatches(GOLDEN.resolve("junit.xml"), xml);
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new InputSource(new StringReader(xml)));
    Element suites = doc.getDocumentElement();
    assertThat(suites.getTagName()).isEqualTo("testsuites");
    Element suite = (Element) suites.getElementsByTagName("testsuite").item(0);
    assertThat(suite.getAttribute("tests")).isEqualTo("8");  // 7 rules and the unreadable document
    assertThat(suite.getAttribute("failures")).isEqualTo("4");  // critical, high, medium, unreadable
    Element first = (Element) doc.getElementsByTagName("testcase").item(0);
    assertThat(first.getAttribute("file")).isEqualTo(SOURCE);
    Element failure = (Element) first.getElementsByTagName("failure").item(0);
    // The line break survives in the attribute; the bell, which XML 1.0 cannot hold, doesn't.
    assertThat(failure.getAttribute("message"))
        .isEqualTo("50% of \"containers\" <b>broke</b> a|b, c: d & e\r\nsecond line\uFFFD ünï");
    assertThat(doc.getElementsByTagName("skipped").getLength()).isEqualTo(1);
  }

  @Test
  void sarifIsTheSameGoldenLog() throws Exception {
    PolicyEngine engine = PolicyEngine.build(List.copyOf(BuiltInPacks.all().values()),
        Map.of()).engine();
    String sarif = SarifReport.render(run(), engine, "0.1.0-test");
    Golden.assertMatches(GOLDEN.resolve("pave.sarif"), sarif);
    assertThat(new ObjectMapper().readTree(sarif).at("/runs/0/results")).hasSize(6);
  }
}
