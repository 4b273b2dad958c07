package dev.pave.signals.insights;

import dev.pave.insights.Insights;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;

/**
 * The scorecard's headline numbers over the last 30 days, as gauges on /metrics. Read from the
 * rollups at most once a minute however often Prometheus scrapes; a number with nothing to
 * measure (no deploys, no incidents) is NaN, as Prometheus expects of an unknown value.
 */
public final class InsightsMetrics {
  static final Duration WINDOW = Duration.ofDays(30);
  static final Duration EVERY = Duration.ofMinutes(1);

  private final Callable<Insights> read;
  private final Clock clock;
  private Insights last;
  private Instant readAt;

  public InsightsMetrics(InsightsStore store, Clock clock) {
    this(store, clock, null);
  }

  /** {@code costs}: the stated costs (null: none), for the cost per service and per deploy. */
  public InsightsMetrics(InsightsStore store, Clock clock, dev.pave.insights.Costs costs) {
    this.clock = clock;
    this.read = () -> {
      Instant now = clock.instant();
      return store.insights(null, null, now.minus(WINDOW), now, costs);
    };
  }

  public void register(MeterRegistry registry) {
    gauge(registry, "pave_insights_deployments", "Revisions that became Available, last 30 days",
        i -> i.deploymentFrequency().deployments());
    gauge(registry, "pave_insights_change_failure_rate",
        "Changes that failed, were rolled back or opened an incident, of all changes (0..1),"
            + " last 30 days", i -> nan(i.changeFailureRate().value()));
    gauge(registry, "pave_insights_lead_time_p50_seconds",
        "Median commit time to Available, last 30 days",
        i -> nan(i.leadTimeForChanges().distribution().p50()));
    gauge(registry, "pave_insights_time_to_restore_p50_seconds",
        "Median incident opened to resolved, last 30 days",
        i -> nan(i.timeToRestore().incidents().p50()));
    gauge(registry, "pave_insights_rollback_to_available_p90_seconds",
        "90th percentile of rollback asked to target Available, last 30 days",
        i -> nan(i.rollback().toAvailable().p90()));
    gauge(registry, "pave_insights_unmanaged_workloads", "Workloads seen that bypass Pave",
        i -> i.bypass().unmanaged());
    gauge(registry, "pave_insights_build_cost_per_deploy",
        "Stated cost of building and running the platform per deploy, last 30 days (NaN"
            + " without insights.costs)", i -> nan(i.cost().buildPerDeploy()));
    gauge(registry, "pave_insights_buy_cost_per_deploy",
        "A vendor's stated price plus the people still needed, per deploy, last 30 days",
        i -> nan(i.cost().buyPerDeploy()));
    gauge(registry, "pave_insights_build_cost_per_service",
        "Stated cost of building and running the platform per service, last 30 days",
        i -> nan(i.cost().buildPerService()));
    gauge(registry, "pave_insights_buy_cost_per_service",
        "A vendor's stated price plus the people still needed, per service, last 30 days",
        i -> nan(i.cost().buyPerService()));
    gauge(registry, "pave_insights_alert_context_complete_ratio",
        "Alerts whose enrichment was complete, of all alerts (0..1), last 30 days",
        i -> nan(i.alertContext().completeShare()));
  }

  private void gauge(MeterRegistry r, String name, String help, ToDoubleFunction<Insights> f) {
    Gauge.builder(name, this, m -> {
      Insights i = m.current();
      return i == null ? Double.NaN : f.applyAsDouble(i);
    }).description(help).register(r);
  }

  private synchronized Insights current() {
    Instant now = clock.instant();
    if (readAt == null || !now.isBefore(readAt.plus(EVERY))) {
      readAt = now;
      try {
        last = read.call();
      } catch (Exception e) {
        // The database is away: the gauges say unknown rather than a stale number.
        last = null;
      }
    }
    return last;
  }

  private static double nan(Double d) {
    return d == null ? Double.NaN : d;
  }
}
