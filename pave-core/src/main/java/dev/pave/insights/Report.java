package dev.pave.insights;

import dev.pave.insights.Insights.Distribution;
import dev.pave.insights.Insights.NameCount;
import dev.pave.insights.Insights.Row;
import dev.pave.insights.Insights.Share;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Rollups, samples and inventories of one window in, the scorecard out. Pure: the store
 * selects what belongs to the window (and to the team and environment asked for), this only
 * adds up.
 */
public final class Report {
  /** What onboarding says while no Team has a recorded creation. */
  public static final String NO_TEAMS = "no Team creation recorded in the window: onboarding"
      + " is measured from a Team's creation to its first Available revision per environment";

  private Report() {}

  public static Insights compute(String team, String env, Inputs.Window window,
      List<Inputs.Rollup> rollups, List<Inputs.Sample> samples,
      List<Inputs.Workload> workloads, List<Inputs.ExceptionInUse> exceptions, Costs costs) {
    return compute(team, env, window, Inputs.Summary.of(rollups, samples), workloads,
        exceptions, costs);
  }

  public static Insights compute(String team, String env, Inputs.Window window,
      Inputs.Summary sum, List<Inputs.Workload> workloads,
      List<Inputs.ExceptionInUse> exceptions, Costs costs) {
    Map<Measure, Double> total = new EnumMap<>(Measure.class);
    for (Inputs.Total r : sum.totals()) {
      total.merge(r.measure(), r.value(), Double::sum);
    }
    Map<Measure, Distribution> dist = new EnumMap<>(Measure.class);
    for (Inputs.Spread s : sum.spreads()) {
      if (s.scope() == Inputs.Scope.ALL) {
        dist.put(s.measure(), s.distribution());
      }
    }
    double days = Duration.between(window.since(), window.now()).toMillis() / 86_400_000.0;
    List<LocalDate> weeks = weeks(window);

    long deployments = n(total, Measure.DEPLOY);
    var frequency = new Insights.DeploymentFrequency(deployments,
        days <= 0 ? 0 : deployments / (days / 7), weekly(weeks, sum, Measure.DEPLOY));
    Distribution lead = distribution(dist, Measure.LEAD_TIME);
    var leadTime = new Insights.LeadTime(lead, deployments - lead.count(),
        "measured over revisions recorded with a commit time (pave.dev/source-commit-time)");
    long changes = n(total, Measure.CHANGE);
    long failed = n(total, Measure.CHANGE_FAILED);
    var cfr = new Insights.ChangeFailureRate(ratio(failed, changes), changes, failed);
    var restore = new Insights.TimeToRestore(distribution(dist, Measure.RESTORE_INCIDENT),
        distribution(dist, Measure.RESTORE_ROLLOUT));
    var rollback = new Insights.Rollback(n(total, Measure.ROLLBACK_AUTOMATIC),
        n(total, Measure.ROLLBACK_MANUAL), distribution(dist, Measure.ROLLBACK_TO_AVAILABLE),
        "from the rollback asked (automatic: from the failed rollout detected) to the target"
            + " revision Available");

    List<Insights.OnboardingEntry> onboarded = new ArrayList<>();
    for (Inputs.Sample s : sum.onboarding()) {
      onboarded.add(new Insights.OnboardingEntry(s.key().team(), s.detail(), s.seconds()));
    }
    onboarded.sort(Comparator.comparing(Insights.OnboardingEntry::team)
        .thenComparing(Insights.OnboardingEntry::env));
    var onboarding = new Insights.Onboarding(distribution(dist, Measure.ONBOARDING),
        onboarded, onboarded.isEmpty() ? NO_TEAMS : null);

    var policy = policy(window, total, sum, dist, exceptions);
    var alerts = new Insights.AlertContext(n(total, Measure.SIGNAL),
        n(total, Measure.SIGNAL_COMPLETE),
        ratio(n(total, Measure.SIGNAL_COMPLETE), n(total, Measure.SIGNAL)),
        top(sum, Measure.SIGNAL_MISSING, Integer.MAX_VALUE));
    List<Insights.ToilWeek> toilWeeks = new ArrayList<>();
    var manual = weekly(weeks, sum, Measure.ROLLBACK_MANUAL);
    var drift = weekly(weeks, sum, Measure.DRIFT_CORRECTED);
    var dead = weekly(weeks, sum, Measure.DEAD_LETTERS_REPLAYED);
    for (int i = 0; i < weeks.size(); i++) {
      toilWeeks.add(new Insights.ToilWeek(weeks.get(i), manual.get(i).count(),
          drift.get(i).count(), dead.get(i).count()));
    }
    var toil = new Insights.Toil(n(total, Measure.ROLLBACK_MANUAL),
        n(total, Measure.DRIFT_CORRECTED), n(total, Measure.DEAD_LETTERS_REPLAYED), toilWeeks);

    var services = new TreeSet<String>();
    var teams = new TreeSet<String>();
    for (Inputs.Total r : sum.totals()) {
      if (!r.key().app().isEmpty()) {
        services.add(r.key().app());
      }
      if (!r.key().team().isEmpty()) {
        teams.add(r.key().team());
      }
    }
    var cost = cost(costs, days, services.size(), teams.size(), deployments,
        n(total, Measure.INCIDENT_OPENED));

    var breakdown = new Insights.Breakdown(rows(sum, Inputs.Scope.TEAM, Key::team),
        rows(sum, Inputs.Scope.APP, Key::app), rows(sum, Inputs.Scope.ENV, Key::env));
    return new Insights(window.since(), window.now(), team, env, frequency, leadTime, cfr,
        restore, rollback, onboarding, bypass(window, weeks, workloads), policy, alerts, toil,
        cost, breakdown);
  }

  private static Distribution distribution(Map<Measure, Distribution> dist, Measure m) {
    return dist.getOrDefault(m, EMPTY);
  }

  private static final Distribution EMPTY = new Distribution(0, null, null, null, null);

  /** Nearest-rank percentiles: every value reported is one that was measured. */
  public static Distribution distribution(Collection<Double> values) {
    if (values == null || values.isEmpty()) {
      return new Distribution(0, null, null, null, null);
    }
    List<Double> v = new ArrayList<>(values);
    v.sort(null);
    double sum = 0;
    for (double d : v) {
      sum += d;
    }
    return new Distribution(v.size(), rank(v, 0.5), rank(v, 0.9), v.get(v.size() - 1),
        sum / v.size());
  }

  private static double rank(List<Double> sorted, double p) {
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, i));
  }

  static Insights.Cost cost(Costs c, double days, long services, long teams, long deploys,
      long incidents) {
    if (c == null) {
      return new Insights.Cost(services, teams, deploys, incidents, days, null, null, null, null,
          null, null, "no costs stated: set insights.costs in the signals configuration");
    }
    double years = days / 365;
    double months = years * 12;
    double build = c.peoplePerYear() * years + c.infrastructurePerMonth() * months;
    double buy = (c.vendorPerNodePerMonth() * c.nodes()
        + c.vendorPerClusterPerMonth() * c.clusters()) * months + c.buyPeoplePerYear() * years;
    return new Insights.Cost(services, teams, deploys, incidents, days, build, buy,
        per(build, services), per(build, deploys), per(buy, services), per(buy, deploys), null);
  }

  private static Insights.PolicyFriction policy(Inputs.Window window, Map<Measure, Double> total,
      Inputs.Summary sum, Map<Measure, Distribution> dist,
      List<Inputs.ExceptionInUse> exceptions) {
    List<Insights.ExceptionAge> ages = new ArrayList<>();
    long expired = 0;
    long soon = 0;
    for (Inputs.ExceptionInUse e : exceptions) {
      boolean gone = e.expiresAt() != null && !e.expiresAt().isAfter(window.now());
      expired += gone ? 1 : 0;
      soon += !gone && e.expiresAt() != null
          && e.expiresAt().isBefore(window.now().plus(Duration.ofDays(7))) ? 1 : 0;
      ages.add(new Insights.ExceptionAge(e.name(), e.key().team(), e.key().app(), e.key().env(),
          Duration.between(e.firstUsed(), window.now()).toMillis() / 86_400_000.0,
          e.expiresAt(), gone));
    }
    ages.sort(Comparator.comparing(Insights.ExceptionAge::ageDays).reversed()
        .thenComparing(Insights.ExceptionAge::name));
    return new Insights.PolicyFriction(n(total, Measure.DENIED), top(sum, Measure.DENIED, 10),
        distribution(dist, Measure.FINDING_TO_FIX), ages, expired, soon,
        "denials at admission; fix: the next revision recorded after the first denial");
  }

  private static Insights.Bypass bypass(Inputs.Window window, List<LocalDate> weeks,
      List<Inputs.Workload> workloads) {
    long managed = 0;
    Map<String, long[]> ns = new TreeMap<>();
    Map<String, long[]> team = new TreeMap<>();
    List<Insights.WorkloadRef> fresh = new ArrayList<>();
    var weekAgo = window.now().minus(Duration.ofDays(7));
    for (Inputs.Workload w : workloads) {
      int i = w.managed() ? 0 : 1;
      managed += w.managed() ? 1 : 0;
      ns.computeIfAbsent(w.namespace(), x -> new long[2])[i]++;
      team.computeIfAbsent(w.key().team(), x -> new long[2])[i]++;
      if (!w.managed() && !w.firstSeen().isBefore(weekAgo)) {
        fresh.add(new Insights.WorkloadRef(w.namespace(), w.kind(), w.name(), w.key().team(),
            w.firstSeen()));
      }
    }
    fresh.sort(Comparator.comparing(Insights.WorkloadRef::firstSeen)
        .thenComparing(Insights.WorkloadRef::name));
    List<Insights.BypassWeek> trend = new ArrayList<>();
    for (LocalDate week : weeks) {
      LocalDate end = week.plusDays(7);
      long m = 0;
      long u = 0;
      long nu = 0;
      for (Inputs.Workload w : workloads) {
        LocalDate first = Fold.day(w.firstSeen());
        if (first.isBefore(end)) {
          m += w.managed() ? 1 : 0;
          u += w.managed() ? 0 : 1;
          nu += !w.managed() && !first.isBefore(week) ? 1 : 0;
        }
      }
      trend.add(new Insights.BypassWeek(week, m, u, nu));
    }
    long unmanaged = workloads.size() - managed;
    return new Insights.Bypass(managed, unmanaged, ratio(managed, workloads.size()),
        shares(ns), shares(team), trend, fresh);
  }

  private static List<Share> shares(Map<String, long[]> m) {
    List<Share> out = new ArrayList<>();
    m.forEach((k, v) -> out.add(new Share(k, v[0], v[1])));
    return out;
  }

  private static List<Row> rows(Inputs.Summary sum, Inputs.Scope scope,
      Function<Key, String> by) {
    Map<String, Map<Measure, Double>> totals = new TreeMap<>();
    Map<String, Map<Measure, Distribution>> dists = new TreeMap<>();
    for (Inputs.Total r : sum.totals()) {
      totals.computeIfAbsent(by.apply(r.key()), x -> new EnumMap<>(Measure.class))
          .merge(r.measure(), r.value(), Double::sum);
    }
    for (Inputs.Spread s : sum.spreads()) {
      if (s.scope() == scope) {
        totals.computeIfAbsent(s.name(), x -> new EnumMap<>(Measure.class));
        dists.computeIfAbsent(s.name(), x -> new EnumMap<>(Measure.class))
            .put(s.measure(), s.distribution());
      }
    }
    List<Row> out = new ArrayList<>();
    totals.forEach((name, t) -> {
      var d = dists.getOrDefault(name, Map.of());
      long changes = n(t, Measure.CHANGE);
      long failed = n(t, Measure.CHANGE_FAILED);
      out.add(new Row(name, n(t, Measure.DEPLOY), changes, failed, ratio(failed, changes),
          d.getOrDefault(Measure.LEAD_TIME, EMPTY).p50(),
          d.getOrDefault(Measure.RESTORE_INCIDENT, EMPTY).p50(),
          n(t, Measure.ROLLBACK_AUTOMATIC) + n(t, Measure.ROLLBACK_MANUAL)));
    });
    return out;
  }

  private static List<NameCount> top(Inputs.Summary sum, Measure m, int limit) {
    Map<String, Double> by = new LinkedHashMap<>();
    for (Inputs.Total r : sum.totals()) {
      if (r.measure() == m) {
        by.merge(r.detail(), r.value(), Double::sum);
      }
    }
    List<NameCount> out = new ArrayList<>();
    by.forEach((k, v) -> out.add(new NameCount(k, Math.round(v))));
    out.sort(Comparator.comparingLong(NameCount::count).reversed()
        .thenComparing(NameCount::name));
    return out.size() > limit ? out.subList(0, limit) : out;
  }

  /** Mondays of the weeks the window touches, oldest first. */
  static List<LocalDate> weeks(Inputs.Window w) {
    List<LocalDate> out = new ArrayList<>();
    LocalDate end = Fold.day(w.now());
    for (LocalDate d = monday(Fold.day(w.since())); !d.isAfter(end); d = d.plusWeeks(1)) {
      out.add(d);
    }
    return out;
  }

  public static LocalDate monday(LocalDate d) {
    return d.with(DayOfWeek.MONDAY);
  }

  private static List<Insights.WeekCount> weekly(List<LocalDate> weeks, Inputs.Summary sum,
      Measure m) {
    Map<LocalDate, Double> by = new TreeMap<>();
    for (Inputs.WeekTotal r : sum.weeks()) {
      if (r.measure() == m) {
        by.merge(monday(r.week()), r.value(), Double::sum);
      }
    }
    List<Insights.WeekCount> out = new ArrayList<>();
    for (LocalDate w : weeks) {
      out.add(new Insights.WeekCount(w, Math.round(by.getOrDefault(w, 0.0))));
    }
    return out;
  }

  private static long n(Map<Measure, Double> t, Measure m) {
    return Math.round(t.getOrDefault(m, 0.0));
  }

  private static Double ratio(long part, long whole) {
    return whole == 0 ? null : (double) part / whole;
  }

  private static Double per(double amount, long count) {
    return count == 0 ? null : amount / count;
  }
}
