package dev.pave.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.insights.Insights;
import dev.pave.insights.InsightsJson;
import dev.pave.signals.config.SignalsConfig;
import dev.pave.signals.store.Database;
import dev.pave.signals.store.Store;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pave insights}: the platform's scorecard, read from the signals database's rollups. */
@Command(name = "insights", mixinStandardHelpOptions = true,
    header = "The platform's scorecard: DORA, rollbacks, onboarding, bypass, policy, toil, cost.",
    description = {"Reads the insights rolled up by pave signals in its database (the one"
        + " --config names) over a window, for all teams or one team and environment. See"
        + " docs/insights.md for each metric's definition."},
    footer = {"", "Examples:",
        "  pave insights --config signals.yaml",
        "  pave insights --config signals.yaml --team payments --env prod --since 90d",
        "  pave insights --config signals.yaml --since 2026-01-01T00:00:00Z -o json",
        "  pave insights --config signals.yaml -o csv > scorecard.csv",
        "", "Exit codes: 0 printed, 1 the database could not be read, 2 invalid options or"
            + " configuration."})
final class InsightsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "The signals configuration (YAML): where the database is.")
  Path config;

  @Option(names = "--team", paramLabel = "TEAM", description = "Only this team.")
  String team;

  @Option(names = "--env", paramLabel = "ENV", description = "Only this environment.")
  String env;

  @Option(names = "--since", defaultValue = "30d", paramLabel = "WHEN",
      description = "Start of the window: a duration back from now (12h, 30d) or an RFC 3339"
          + " time (default ${DEFAULT-VALUE}).")
  String since;

  @Option(names = {"-o", "--output"}, defaultValue = "table",
      description = "table, json or csv (default ${DEFAULT-VALUE}).")
  String output;

  @Override
  public Integer call() throws Exception {
    if (!List.of("table", "json", "csv").contains(output)) {
      throw new UserError("-o: unknown output \"" + output + "\"; use table, json or csv");
    }
    Instant now = Instant.now();
    Instant from = since(since, now);
    SignalsConfig cfg = SignalsCommand.read(config, spec.commandLine().getErr());
    Insights i;
    try (Database db = Database.open(cfg.database(), true)) {
      i = new Store(db.dataSource()).insights().insights(team, env, from, now, cfg.costs());
    } catch (java.sql.SQLException | java.io.IOException e) {
      // No SQL or connection string: the message can carry both.
      throw new UserError("could not read the insights from the signals database of " + config
          + " (" + e.getClass().getSimpleName() + ")", ExitCode.FAILURE);
    }
    PrintWriter out = spec.commandLine().getOut();
    switch (output) {
      case "json" -> out.println(JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
          .build().writeValueAsString(InsightsJson.of(i)));
      case "csv" -> {
        out.println("metric,value");
        for (String[] r : rows(i)) {
          out.println(r[0] + "," + csv(r[1]));
        }
      }
      default -> {
        out.printf("%-40s %s%n", "METRIC", "VALUE");
        for (String[] r : rows(i)) {
          out.printf("%-40s %s%n", r[0], r[1]);
        }
      }
    }
    out.flush();
    return ExitCode.OK;
  }

  /** The headline numbers, one per row; durations in seconds, shares between 0 and 1. */
  static List<String[]> rows(Insights i) {
    List<String[]> r = new ArrayList<>();
    add(r, "deploymentFrequency.deployments", i.deploymentFrequency().deployments());
    add(r, "deploymentFrequency.perWeek", i.deploymentFrequency().perWeek());
    dist(r, "leadTimeForChanges", i.leadTimeForChanges().distribution());
    add(r, "changeFailureRate.value", i.changeFailureRate().value());
    add(r, "changeFailureRate.changes", i.changeFailureRate().changes());
    add(r, "changeFailureRate.failed", i.changeFailureRate().failed());
    dist(r, "timeToRestore.incidents", i.timeToRestore().incidents());
    dist(r, "timeToRestore.failedRollouts", i.timeToRestore().failedRollouts());
    add(r, "rollback.automatic", i.rollback().automatic());
    add(r, "rollback.manual", i.rollback().manual());
    dist(r, "rollback.toAvailable", i.rollback().toAvailable());
    dist(r, "onboarding", i.onboarding().distribution());
    add(r, "bypass.managed", i.bypass().managed());
    add(r, "bypass.unmanaged", i.bypass().unmanaged());
    add(r, "bypass.managedShare", i.bypass().managedShare());
    add(r, "bypass.newThisWeek", i.bypass().newThisWeek().size());
    add(r, "policyFriction.deniedAtAdmission", i.policyFriction().deniedAtAdmission());
    add(r, "policyFriction.topRule", i.policyFriction().rulesThatBlockMost().isEmpty() ? null
        : i.policyFriction().rulesThatBlockMost().get(0).name());
    dist(r, "policyFriction.firstFindingToFix", i.policyFriction().firstFindingToFix());
    add(r, "policyFriction.exceptionsExpired", i.policyFriction().exceptionsExpired());
    add(r, "alertContext.completeShare", i.alertContext().completeShare());
    add(r, "alertContext.missingMost", i.alertContext().missingMost().isEmpty() ? null
        : i.alertContext().missingMost().get(0).name());
    add(r, "toil.manualRollbacks", i.toil().manualRollbacks());
    add(r, "toil.driftCorrections", i.toil().driftCorrections());
    add(r, "toil.deadLettersReplayed", i.toil().deadLettersReplayed());
    add(r, "cost.services", i.cost().services());
    add(r, "cost.buildPerService", i.cost().buildPerService());
    add(r, "cost.buildPerDeploy", i.cost().buildPerDeploy());
    add(r, "cost.buyPerService", i.cost().buyPerService());
    add(r, "cost.buyPerDeploy", i.cost().buyPerDeploy());
    return r;
  }

  private static void dist(List<String[]> r, String name, Insights.Distribution d) {
    add(r, name + ".p50", d.p50());
    add(r, name + ".p90", d.p90());
    add(r, name + ".max", d.max());
  }

  private static void add(List<String[]> r, String name, Object v) {
    String s = v == null ? "-" : v instanceof Double d
        ? (d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf(d.longValue())
            : String.format(Locale.ROOT, "%.4f", d))
        : String.valueOf(v);
    r.add(new String[] {name, s});
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  static Instant since(String s, Instant now) {
    var m = java.util.regex.Pattern.compile("^(\\d{1,6})(h|d)$").matcher(s);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return now.minus(m.group(2).equals("h") ? Duration.ofHours(n) : Duration.ofDays(n));
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw new UserError("--since: expected a duration such as 30d or 12h, or an RFC 3339 time"
          + " such as 2026-01-01T00:00:00Z, got \"" + s + "\"");
    }
  }
}
