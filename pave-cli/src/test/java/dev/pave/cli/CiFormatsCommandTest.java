package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `pave check -o github|gitlab` from the command line, on the conformance corpus. */
class CiFormatsCommandTest {
  @TempDir Path tmp;

  @Test
  void githubAnnotatesTheLineAndAppendsTheTableToTheStepSummary() throws Exception {
    String pod = CheckCommandTest.CONFORMANCE.resolve("pod-fail-privileged.yaml").toString();
    Path summary = tmp.resolve("summary.md");
    Files.writeString(summary, "earlier step\n");
    Cli r = Cli.run("check", pod, "-o", "github", "--step-summary", summary.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).containsPattern("(?m)^::error file=" + java.util.regex.Pattern.quote(
        pod) + ",line=\\d+,col=\\d+,title=pod-security-baseline/privileged \\(critical\\)::"
        + "privileged ");
    assertThat(Files.readString(summary)).startsWith("earlier step\n### pave check\n")
        .contains("| critical | `pod-security-baseline/privileged` | Pod/shop/web |");
    // Without a summary file (outside GitHub Actions) nothing but standard output is written.
    Cli plain = Cli.run("check", pod, "--format", "github", "--step-summary", "");
    assertThat(plain.out()).isEqualTo(r.out());
  }

  @Test
  void gitlabWritesACodeQualityArrayAndTheExitCodeIsTheChecks() throws Exception {
    String pod = CheckCommandTest.CONFORMANCE.resolve("pod-fail-no-limits.yaml").toString();
    Cli r = Cli.run("check", pod, "--output", "gitlab", "--fail-on", "high");
    assertThat(r.exit()).isZero();
    JsonNode issues = new ObjectMapper().readTree(r.out());
    assertThat(issues.isArray()).isTrue();
    assertThat(issues.findValuesAsText("check_name")).contains("platform/resources");
    assertThat(issues.findValuesAsText("severity")).contains("major");
    assertThat(Cli.run("check", pod, "-o", "gitlab").out()).isEqualTo(r.out());
  }

  @Test
  void anUnknownFormatNamesEveryFormat() {
    Cli r = Cli.run("check", "x.yaml", "-o", "gitlb");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("did you mean \"gitlab\"?")
        .contains("text, json, sarif, junit, github, gitlab");
  }
}
