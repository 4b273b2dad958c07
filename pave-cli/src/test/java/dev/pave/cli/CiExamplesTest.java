package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pave.render.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI examples in examples/ci/: each report a file uploads is the one a pave command in it
 * writes, and every pave command in them runs, with the real command line, on
 * examples/checkout standing in for the repository's services/.
 */
class CiExamplesTest {
  static final Path CI = Golden.root().resolve("examples/ci");
  /** {@code $PAVE check ARGS > FILE} (GitHub, GitLab, Jenkins) or {@code pave check ...}. */
  static final Pattern COMMAND = Pattern.compile(
      "(?:\\$PAVE|^\\s*pave) (render|check) ([^>|'\\n]*?)\\s*(?:> ([^\\s']+))?\\s*(?:\\|\\||'|$)",
      Pattern.MULTILINE);

  @TempDir Path tmp;

  record Command(String name, List<String> args, String writes) {}

  static List<Command> commands(String text) {
    List<Command> out = new ArrayList<>();
    Matcher m = COMMAND.matcher(text);
    while (m.find()) {
      List<String> args = Arrays.stream(m.group(2).trim().split("\\s+"))
          .map(a -> a.replace("\"", "").replace("$(params.env)", "prod")
              .replace("$(params.fail-on)", "high"))
          .toList();
      out.add(new Command(m.group(1), args, m.group(3)));
    }
    return out;
  }

  @Test
  void githubUploadsTheSarifItsCheckWritesAndAnnotatesWithTheGithubFormat() throws Exception {
    String text = Files.readString(CI.resolve("github-actions.yaml"));
    JsonNode wf = new YAMLMapper().readTree(text);
    assertThat(wf.at("/on/pull_request").isMissingNode()).isFalse();
    assertThat(wf.at("/permissions/security-events").asText()).isEqualTo("write");
    JsonNode found = null;
    for (JsonNode step : wf.at("/jobs/check/steps")) {
      if (step.path("uses").asText().startsWith("github/codeql-action/upload-sarif@")) {
        found = step;
      }
    }
    assertThat(found).isNotNull();
    JsonNode upload = found;
    assertThat(upload.path("if").asText()).isEqualTo("always()");
    List<Command> commands = commands(text);
    assertThat(commands).anyMatch(c -> c.args().contains("sarif")
        && upload.at("/with/sarif_file").asText().equals(c.writes()));
    assertThat(commands).anyMatch(c -> c.args().contains("github"));
    runAll(commands);
  }

  @Test
  void gitlabDeclaresTheCodeQualityAndJunitReportsItsChecksWrite() throws Exception {
    String text = Files.readString(CI.resolve("gitlab-ci.yml"));
    JsonNode job = new YAMLMapper().readTree(text).get("pave-check");
    List<Command> commands = commands(text);
    String quality = job.at("/artifacts/reports/codequality").asText();
    String junit = job.at("/artifacts/reports/junit").asText();
    assertThat(job.at("/artifacts/when").asText()).isEqualTo("always");
    assertThat(commands).anyMatch(c -> c.args().contains("gitlab") && quality.equals(c.writes()));
    assertThat(commands).anyMatch(c -> c.args().contains("junit") && junit.equals(c.writes()));
    runAll(commands);
  }

  @Test
  void jenkinsRecordsTheSarifAndJunitItsChecksWrite() throws Exception {
    String text = Files.readString(CI.resolve("Jenkinsfile"));
    List<Command> commands = commands(text);
    Matcher sarif = Pattern.compile("sarif\\(pattern: '([^']+)'").matcher(text);
    Matcher junit = Pattern.compile("junit\\(testResults: '([^']+)'").matcher(text);
    assertThat(sarif.find()).isTrue();
    assertThat(junit.find()).isTrue();
    assertThat(commands).anyMatch(c -> c.args().contains("sarif")
        && sarif.group(1).equals(c.writes()));
    assertThat(commands).anyMatch(c -> c.args().contains("junit")
        && junit.group(1).equals(c.writes()));
    assertThat(text).contains("post {\n        always {");
    runAll(commands);
  }

  @Test
  void tektonTaskIsAV1TaskWhoseStepsUseOnlyWhatItDeclares() throws Exception {
    String text = Files.readString(CI.resolve("tekton-task.yaml"));
    JsonNode task = new YAMLMapper().readTree(text);
    assertThat(task.path("apiVersion").asText()).isEqualTo("tekton.dev/v1");
    assertThat(task.path("kind").asText()).isEqualTo("Task");
    List<String> declared = new ArrayList<>();
    task.at("/spec/params").forEach(p -> declared.add("params." + p.get("name").asText()));
    task.at("/spec/results").forEach(r -> declared.add("results." + r.get("name").asText()
        + ".path"));
    task.at("/spec/workspaces").forEach(w -> declared.add("workspaces." + w.get("name").asText()
        + ".path"));
    Matcher used = Pattern.compile("\\$\\(([a-z.-]+)\\)").matcher(text);
    while (used.find()) {
      assertThat(declared).as("$(%s) in a step", used.group(1)).contains(used.group(1));
    }
    List<Command> commands = new ArrayList<>();
    for (JsonNode step : task.at("/spec/steps")) {
      if (step.has("args")) {
        List<String> args = new ArrayList<>();
        step.get("args").forEach(a -> args.add(a.asText().replace("$(params.env)", "prod")));
        commands.add(new Command(args.get(0), args.subList(1, args.size()), null));
      } else {
        commands.addAll(commands(step.get("script").asText()));
      }
    }
    assertThat(commands).extracting(Command::name).containsExactly("render", "check", "check",
        "check");
    runAll(commands);
  }

  /**
   * Runs the commands in order in a copy of the repository layout the examples assume; each
   * check must write a report its CI reads (exit 0 or 1: findings, never a usage error).
   */
  private void runAll(List<Command> commands) throws Exception {
    Path services = tmp.resolve("services/checkout");
    Files.createDirectories(services);
    Files.copy(Golden.root().resolve("examples/checkout/pave.yaml"),
        services.resolve("pave.yaml"));
    for (Command c : commands) {
      List<String> args = new ArrayList<>();
      args.add(c.name());
      for (String a : c.args()) {
        args.add(a.startsWith("services/") || a.startsWith("rendered/")
            ? tmp.resolve(a).toString() : a);
      }
      Cli r = Cli.run(args.toArray(String[]::new));
      assertThat(r.exit()).as("%s: %s", args, r.err()).isBetween(0, c.name().equals("render")
          ? 0 : 1);
      String format = c.args().contains("-o") ? c.args().get(c.args().indexOf("-o") + 1)
          : "text";
      switch (format) {
        case "sarif" -> assertThat(new ObjectMapper().readTree(r.out()).get("version").asText())
            .isEqualTo("2.1.0");
        case "gitlab" -> assertThat(new ObjectMapper().readTree(r.out()).isArray()).isTrue();
        case "junit" -> assertThat(DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new org.xml.sax.InputSource(new java.io.StringReader(r.out())))
            .getDocumentElement().getTagName()).isEqualTo("testsuites");
        default -> assertThat(r.out()).as("%s", args).contains(c.name().equals("check")
            ? "checked" : "");
      }
    }
    if (commands.stream().anyMatch(c -> c.name().equals("render"))) {
      assertThat(tmp.resolve("rendered/prod")).isNotEmptyDirectory();
    }
  }
}
