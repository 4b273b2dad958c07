package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.insights.Fact;
import dev.pave.insights.Key;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.insights.InsightsStore;
import dev.pave.signals.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InsightsCommandTest {
  @TempDir Path dir;

  private Path config() throws Exception {
    Path config = dir.resolve("signals.yaml");
    Files.writeString(config, """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake: {address: 127.0.0.1, port: 0}
        database: {url: embedded, dataDirectory: db}
        sinks: []
        routes: []
        """);
    return config;
  }

  /** Every `pave insights` line of docs/insights.md runs as written, on a seeded database. */
  @Test
  void theDocumentedCommandsPrintTheScorecard() throws Exception {
    Path config = config();
    Instant now = Instant.now();
    var cfg = ConfigReader.read(config).config();
    try (Database db = Database.open(cfg.database(), true);
        var c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      Key pay = new Key("payments", "checkout", "prod");
      InsightsStore.record(c, List.of(
          new Fact.RevisionRecorded(pay, now.minus(Duration.ofDays(2)), 1,
              now.minus(Duration.ofDays(2)).minusSeconds(600)),
          new Fact.RolloutAvailable(pay, now.minus(Duration.ofDays(2)).plusSeconds(60), 1),
          new Fact.RevisionRecorded(pay, now.minus(Duration.ofDays(1)), 2, null),
          new Fact.RolloutFailed(pay, now.minus(Duration.ofDays(1)).plusSeconds(60), 2)));
      c.commit();
    }
    List<String> lines = new ArrayList<>();
    for (String l : Files.readAllLines(Path.of("../docs/insights.md"))) {
      if (l.startsWith("pave insights ")) {
        lines.add(l);
      }
    }
    assertThat(lines).hasSize(3);
    for (String l : lines) {
      String[] args = l.substring("pave ".length()).replace("signals.yaml", config.toString())
          .split(" ");
      Cli r = Cli.run(args);
      assertThat(r.exit()).as(l + ": " + r.err()).isZero();
      if (l.contains("-o json")) {
        // narrowed to payments in prod, 90 days
        assertThat(r.out()).contains("\"deploymentFrequency\"").contains("\"team\" : \"payments\"")
            .contains("\"value\" : 0.5");
      } else if (l.contains("-o csv")) {
        assertThat(r.out()).startsWith("metric,value\n")
            .contains("deploymentFrequency.deployments,1\n")
            .contains("changeFailureRate.value,0.5000\n")
            .contains("leadTimeForChanges.p50,660\n");
      } else {
        assertThat(r.out()).startsWith("METRIC").contains("changeFailureRate.failed");
      }
    }
  }

  /** The worked example of docs/insights.md: its stated costs against one service, one deploy. */
  @Test
  void statedCostsGiveBuildAndBuyPerServiceAndPerDeploy() throws Exception {
    String doc = Files.readString(Path.of("../docs/insights.md"));
    int start = doc.indexOf("```yaml\ninsights:\n") + "```yaml\n".length();
    Path config = config();
    Files.writeString(config, Files.readString(config) + doc.substring(start,
        doc.indexOf("```", start)));
    Instant now = Instant.now();
    var cfg = ConfigReader.read(config).config();
    try (Database db = Database.open(cfg.database(), true);
        var c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      Key pay = new Key("payments", "checkout", "prod");
      InsightsStore.record(c, List.of(
          new Fact.RevisionRecorded(pay, now.minus(Duration.ofDays(2)), 1, null),
          new Fact.RolloutAvailable(pay, now.minus(Duration.ofDays(2)).plusSeconds(60), 1)));
      c.commit();
    }
    Cli r = Cli.run("insights", "--config", config.toString(), "-o", "csv");
    assertThat(r.exit()).as(r.err()).isZero();
    // 30 days of the documented figures (docs: build 54,246.58, buy 18,246.58), one service
    // and one deploy to divide them by.
    assertThat(doc).contains("**54,246.58**").contains("**18,246.58**");
    assertThat(r.out()).contains("cost.services,1\n")
        .contains("cost.buildPerService,54246.5753\n")
        .contains("cost.buildPerDeploy,54246.5753\n")
        .contains("cost.buyPerService,18246.5753\n")
        .contains("cost.buyPerDeploy,18246.5753\n");
  }

  @Test
  void badOptionsAreUsageErrorsWithoutATrace() throws Exception {
    Path config = config();
    Cli since = Cli.run("insights", "--config", config.toString(), "--since", "last week");
    assertThat(since.exit()).isEqualTo(ExitCode.INVALID);
    assertThat(since.err()).contains("--since: expected a duration such as 30d")
        .doesNotContain("Exception");
    Cli out = Cli.run("insights", "--config", config.toString(), "-o", "yaml");
    assertThat(out.exit()).isEqualTo(ExitCode.INVALID);
    assertThat(out.err()).contains("use table, json or csv");
    Cli help = Cli.run("insights", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("Examples:").contains("--team payments --env prod")
        .contains("Exit codes:");
  }
}
