package dev.pave.insights;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The scorecard over one window: each metric as a record, in the order and with the names the
 * API answers with ({@code GET /api/v1/insights}, {@code pave insights -o json}). Durations are
 * in seconds; shares and rates are between 0 and 1, null when there is nothing to divide by.
 */
public record Insights(Instant since, Instant now, String team, String env,
    DeploymentFrequency deploymentFrequency, LeadTime leadTimeForChanges,
    ChangeFailureRate changeFailureRate, TimeToRestore timeToRestore, Rollback rollback,
    Onboarding onboarding, Bypass bypass, PolicyFriction policyFriction,
    AlertContext alertContext, Toil toil, Cost cost, Breakdown breakdown) {

  /** A distribution of durations in seconds (nearest-rank percentiles); nulls when empty. */
  public record Distribution(long count, Double p50, Double p90, Double max, Double mean) {}

  public record WeekCount(LocalDate week, long count) {}

  public record DeploymentFrequency(long deployments, double perWeek, List<WeekCount> weeks) {}

  /** Commit time to Available, over the revisions that carried a commit time. */
  public record LeadTime(Distribution distribution, long deploymentsWithoutCommitTime,
      String note) {}

  public record ChangeFailureRate(Double value, long changes, long failed) {}

  public record TimeToRestore(Distribution incidents, Distribution failedRollouts) {}

  public record Rollback(long automatic, long manual, Distribution toAvailable, String note) {}

  public record OnboardingEntry(String team, String env, double seconds) {}

  public record Onboarding(Distribution distribution, List<OnboardingEntry> teams,
      String reason) {}

  public record Share(String name, long managed, long unmanaged) {}

  public record BypassWeek(LocalDate week, long managed, long unmanaged, long newUnmanaged) {}

  public record WorkloadRef(String namespace, String kind, String name, String team,
      Instant firstSeen) {}

  public record Bypass(long managed, long unmanaged, Double managedShare,
      List<Share> byNamespace, List<Share> byTeam, List<BypassWeek> weeks,
      List<WorkloadRef> newThisWeek) {}

  public record NameCount(String name, long count) {}

  public record ExceptionAge(String name, String team, String app, String env, double ageDays,
      Instant expiresAt, boolean expired) {}

  public record PolicyFriction(long deniedAtAdmission, List<NameCount> rulesThatBlockMost,
      Distribution firstFindingToFix, List<ExceptionAge> exceptions, long exceptionsExpired,
      long exceptionsExpiringIn7Days, String note) {}

  public record AlertContext(long signals, long complete, Double completeShare,
      List<NameCount> missingMost) {}

  public record ToilWeek(LocalDate week, long manualRollbacks, long driftCorrections,
      long deadLettersReplayed) {}

  public record Toil(long manualRollbacks, long driftCorrections, long deadLettersReplayed,
      List<ToilWeek> weeks) {}

  /**
   * Build against buy over the window. Build: people and infrastructure prorated; buy: the
   * vendor's price for the nodes and clusters plus the people still needed. Per service and per
   * deploy: divided by the measured counts (null when a count is 0 or no costs are stated).
   */
  public record Cost(long services, long teams, long deployments, long incidents,
      double windowDays, Double build, Double buy, Double buildPerService, Double buildPerDeploy,
      Double buyPerService, Double buyPerDeploy, String reason) {}

  /** One team, application or environment's headline numbers. */
  public record Row(String name, long deployments, long changes, long failedChanges,
      Double changeFailureRate, Double leadTimeP50, Double timeToRestoreP50, long rollbacks) {}

  public record Breakdown(List<Row> teams, List<Row> applications, List<Row> environments) {}
}
