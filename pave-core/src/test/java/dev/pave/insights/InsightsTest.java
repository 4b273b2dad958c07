package dev.pave.insights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pave.insights.Insights.Distribution;
import dev.pave.insights.Insights.NameCount;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two weeks of one team's history (a deploy, a failed rollout rolled back automatically, a
 * deploy that opened an incident and was rolled back by hand, denials then a fix, drift, signals
 * with gaps, dead letters replayed, an unmanaged workload appearing, an exception expiring) and
 * one deploy of another team: every metric to its exact value.
 */
class InsightsTest {
  static final Key PAY = new Key("payments", "checkout", "prod");
  static final Key SEARCH = new Key("search", "search-api", "prod");
  static final Instant NOW = t("2026-03-12T12:00:00Z");
  static final Inputs.Window WINDOW = new Inputs.Window(t("2026-02-26T12:00:00Z"), NOW);
  static final Costs COSTS = new Costs(300_000, 2_000, 50, 0, 20, 2, 100_000);

  static Instant t(String s) {
    return Instant.parse(s);
  }

  static MemoryLedger history() {
    return new MemoryLedger().add(
        new Fact.WorkloadSeen(PAY, t("2026-02-01T00:00:00Z"), "payments", "Deployment",
            "checkout", true),
        new Fact.WorkloadSeen(SEARCH, t("2026-02-15T00:00:00Z"), "search", "StatefulSet", "es",
            false),
        new Fact.ExceptionUsed(PAY, t("2026-02-20T12:00:00Z"), "legacy-root",
            t("2026-03-10T00:00:00Z")),
        new Fact.TeamCreated(PAY, t("2026-02-27T09:00:00Z")),
        new Fact.RevisionRecorded(PAY, t("2026-03-02T10:00:00Z"), 1, t("2026-03-02T09:00:00Z")),
        new Fact.RolloutAvailable(PAY, t("2026-03-02T10:05:00Z"), 1),
        new Fact.RevisionRecorded(PAY, t("2026-03-03T10:00:00Z"), 2, t("2026-03-03T08:00:00Z")),
        new Fact.RolloutFailed(PAY, t("2026-03-03T10:10:00Z"), 2),
        new Fact.RolledBack(PAY, t("2026-03-03T10:11:00Z"), 1, true),
        new Fact.RolloutAvailable(PAY, t("2026-03-03T10:12:00Z"), 1),
        new Fact.RevisionRecorded(PAY, t("2026-03-04T10:00:00Z"), 3, t("2026-03-04T09:30:00Z")),
        new Fact.RolloutAvailable(PAY, t("2026-03-04T10:04:00Z"), 3),
        new Fact.IncidentOpened(PAY, t("2026-03-04T10:30:00Z"), "inc-1"),
        new Fact.RolledBack(PAY, t("2026-03-04T10:40:00Z"), 1, false),
        new Fact.RolloutAvailable(PAY, t("2026-03-04T10:43:00Z"), 1),
        new Fact.IncidentResolved(PAY, t("2026-03-04T11:00:00Z"), "inc-1",
            t("2026-03-04T10:30:00Z")),
        new Fact.AdmissionDenied(PAY, t("2026-03-05T09:00:00Z"), "registries"),
        new Fact.AdmissionDenied(PAY, t("2026-03-05T09:05:00Z"), "registries"),
        new Fact.AdmissionDenied(PAY, t("2026-03-05T09:06:00Z"), "limits"),
        new Fact.RevisionRecorded(PAY, t("2026-03-05T09:30:00Z"), 4, null),
        new Fact.RolloutAvailable(PAY, t("2026-03-05T09:35:00Z"), 4),
        new Fact.RevisionRecorded(SEARCH, t("2026-03-06T09:00:00Z"), 1,
            t("2026-03-06T08:00:00Z")),
        new Fact.RolloutAvailable(SEARCH, t("2026-03-06T10:00:00Z"), 1),
        new Fact.DriftCorrected(PAY, t("2026-03-10T08:00:00Z")),
        new Fact.WorkloadSeen(PAY, t("2026-03-10T10:00:00Z"), "payments", "Deployment",
            "cron-hack", false),
        new Fact.Enriched(PAY, t("2026-03-10T11:00:00Z"), true, List.of()),
        new Fact.Enriched(PAY, t("2026-03-10T11:01:00Z"), false, List.of("runbook", "onCall")),
        new Fact.Enriched(PAY, t("2026-03-10T11:02:00Z"), false, List.of("runbook")),
        new Fact.DeadLettersReplayed(new Key(null, null, null), t("2026-03-11T08:00:00Z"), 3),
        new Fact.ExceptionUsed(PAY, t("2026-03-11T12:00:00Z"), "temp-port",
            t("2026-03-15T12:00:00Z")));
  }

  static final LocalDate W1 = LocalDate.parse("2026-02-23");
  static final LocalDate W2 = LocalDate.parse("2026-03-02");
  static final LocalDate W3 = LocalDate.parse("2026-03-09");

  @Test
  void everyMetricOfAKnownHistory() {
    Insights i = history().report(WINDOW, COSTS);

    assertThat(i.deploymentFrequency().deployments()).isEqualTo(4);
    assertThat(i.deploymentFrequency().perWeek()).isEqualTo(2.0);
    assertThat(i.deploymentFrequency().weeks()).containsExactly(new Insights.WeekCount(W1, 0),
        new Insights.WeekCount(W2, 4), new Insights.WeekCount(W3, 0));
    // 34 min, 65 min, 120 min; revision 4 named no commit time
    assertThat(i.leadTimeForChanges().distribution())
        .isEqualTo(new Distribution(3, 3900.0, 7200.0, 7200.0, 4380.0));
    assertThat(i.leadTimeForChanges().deploymentsWithoutCommitTime()).isEqualTo(1);
    // revision 2 failed (rolled back too: counted once), revision 3 opened an incident
    assertThat(i.changeFailureRate()).isEqualTo(new Insights.ChangeFailureRate(0.4, 5, 2));
    assertThat(i.timeToRestore()).isEqualTo(new Insights.TimeToRestore(
        new Distribution(1, 1800.0, 1800.0, 1800.0, 1800.0),
        new Distribution(1, 120.0, 120.0, 120.0, 120.0)));
    assertThat(i.rollback().automatic()).isEqualTo(1);
    assertThat(i.rollback().manual()).isEqualTo(1);
    // automatic: failure detected 10:10 -> Available 10:12; manual: asked 10:40 -> 10:43
    assertThat(i.rollback().toAvailable())
        .isEqualTo(new Distribution(2, 120.0, 180.0, 180.0, 150.0));
    // created Feb 27 09:00, first Available in prod Mar 2 10:05
    assertThat(i.onboarding().teams())
        .containsExactly(new Insights.OnboardingEntry("payments", "prod", 263_100));
    assertThat(i.onboarding().reason()).isNull();

    var b = i.bypass();
    assertThat(List.of(b.managed(), b.unmanaged())).containsExactly(1L, 2L);
    assertThat(b.managedShare()).isEqualTo(1.0 / 3);
    assertThat(b.byNamespace()).containsExactly(new Insights.Share("payments", 1, 1),
        new Insights.Share("search", 0, 1));
    assertThat(b.byTeam()).containsExactly(new Insights.Share("payments", 1, 1),
        new Insights.Share("search", 0, 1));
    assertThat(b.weeks()).containsExactly(new Insights.BypassWeek(W1, 1, 1, 0),
        new Insights.BypassWeek(W2, 1, 1, 0), new Insights.BypassWeek(W3, 1, 2, 1));
    assertThat(b.newThisWeek()).containsExactly(new Insights.WorkloadRef("payments",
        "Deployment", "cron-hack", "payments", t("2026-03-10T10:00:00Z")));

    var p = i.policyFriction();
    assertThat(p.deniedAtAdmission()).isEqualTo(3);
    assertThat(p.rulesThatBlockMost()).containsExactly(new NameCount("registries", 2),
        new NameCount("limits", 1));
    assertThat(p.firstFindingToFix()).isEqualTo(new Distribution(1, 1800.0, 1800.0, 1800.0,
        1800.0));
    assertThat(p.exceptions()).containsExactly(
        new Insights.ExceptionAge("legacy-root", "payments", "checkout", "prod", 20.0,
            t("2026-03-10T00:00:00Z"), true),
        new Insights.ExceptionAge("temp-port", "payments", "checkout", "prod", 1.0,
            t("2026-03-15T12:00:00Z"), false));
    assertThat(p.exceptionsExpired()).isEqualTo(1);
    assertThat(p.exceptionsExpiringIn7Days()).isEqualTo(1);

    assertThat(i.alertContext()).isEqualTo(new Insights.AlertContext(3, 1, 1.0 / 3,
        List.of(new NameCount("runbook", 2), new NameCount("onCall", 1))));
    assertThat(i.toil()).isEqualTo(new Insights.Toil(1, 1, 3, List.of(
        new Insights.ToilWeek(W1, 0, 0, 0), new Insights.ToilWeek(W2, 1, 0, 0),
        new Insights.ToilWeek(W3, 0, 1, 3))));

    var c = i.cost();
    assertThat(List.of(c.services(), c.teams(), c.deployments(), c.incidents()))
        .containsExactly(2L, 2L, 4L, 1L);
    double build = 324_000 * 14 / 365.0;
    double buy = 112_000 * 14 / 365.0;
    assertThat(c.build()).isCloseTo(build, within(1e-9));
    assertThat(c.buy()).isCloseTo(buy, within(1e-9));
    assertThat(c.buildPerService()).isCloseTo(build / 2, within(1e-9));
    assertThat(c.buildPerDeploy()).isCloseTo(build / 4, within(1e-9));
    assertThat(c.buyPerDeploy()).isCloseTo(buy / 4, within(1e-9));

    assertThat(i.breakdown().teams()).filteredOn(r -> r.name().equals("payments"))
        .containsExactly(new Insights.Row("payments", 3, 4, 2, 0.5, 2040.0, 1800.0, 2));
    assertThat(i.breakdown().applications()).extracting(Insights.Row::name)
        .containsExactly("", "checkout", "search-api");
  }

  @Test
  void withoutTeamFactsOnboardingIsEmptyAndSaysWhy() {
    var i = new MemoryLedger().add(new Fact.RolloutAvailable(SEARCH, NOW, 1))
        .report(WINDOW, null);
    assertThat(i.onboarding().teams()).isEmpty();
    assertThat(i.onboarding().reason()).isEqualTo(Report.NO_TEAMS);
    assertThat(i.cost().build()).isNull();
    assertThat(i.cost().reason()).contains("no costs stated");
    assertThat(i.changeFailureRate().value()).isNull();
  }

  @Test
  void anIncidentLongAfterADeployIsNotAFailedChange() {
    var i = new MemoryLedger().add(
        new Fact.RevisionRecorded(SEARCH, t("2026-03-06T09:00:00Z"), 1, null),
        new Fact.RolloutAvailable(SEARCH, t("2026-03-06T09:01:00Z"), 1),
        new Fact.IncidentOpened(SEARCH, t("2026-03-06T10:01:01Z"), "late"))
        .report(WINDOW, null);
    assertThat(i.changeFailureRate()).isEqualTo(new Insights.ChangeFailureRate(0.0, 1, 0));
  }

  @Test
  void theJsonFormHasTheAgreedKeysInOrder() {
    var m = InsightsJson.of(history().report(WINDOW, COSTS));
    assertThat(m.keySet()).containsSubsequence("deploymentFrequency", "leadTimeForChanges",
        "changeFailureRate", "timeToRestore", "rollback", "onboarding", "bypass",
        "policyFriction", "alertContext", "toil", "cost");
    assertThat(((java.util.Map<?, ?>) m.get("changeFailureRate")).get("value")).isEqualTo(0.4);
    assertThat(m.get("since")).isEqualTo("2026-02-26T12:00:00Z");
  }

  @Test
  void percentilesAreNearestRankOfMeasuredValues() {
    var d = Report.distribution(List.of(5.0, 1.0, 4.0, 2.0, 3.0, 10.0, 9.0, 8.0, 7.0, 6.0));
    assertThat(d).isEqualTo(new Distribution(10, 5.0, 9.0, 10.0, 5.5));
  }
}
