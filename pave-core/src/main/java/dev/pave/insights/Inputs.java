package dev.pave.insights;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** What the store hands to {@link Report}: rollup rows, samples and the two inventories. */
public final class Inputs {
  private Inputs() {}

  /** The sum of a measure's contributions for one key, day and detail. */
  public record Rollup(Key key, LocalDate day, Measure measure, String detail, double value) {}

  /** One duration sample, in seconds. */
  public record Sample(Key key, LocalDate day, Measure measure, String detail, double seconds) {}

  /** The newest state of a workload: managed by Pave or not, when it was first seen. */
  public record Workload(Key key, String namespace, String kind, String name, boolean managed,
      Instant firstSeen) {}

  /** A policy exception in use: when it was first used, when it expires (null: never). */
  public record ExceptionInUse(Key key, String name, Instant firstUsed, Instant expiresAt) {}

  /** The window: from {@code since} to {@code now}. */
  public record Window(Instant since, Instant now) {}

  /** A measure's sum over the whole window for one key and detail. */
  public record Total(Key key, Measure measure, String detail, double value) {}

  /** A measure's sum over one week, named by its Monday. */
  public record WeekTotal(LocalDate week, Measure measure, double value) {}

  /** Whose samples a distribution is over: the window's all, or one team's, app's or env's. */
  public enum Scope { ALL, TEAM, APP, ENV }

  /** The distribution of one measure's samples in one scope ({@code name} "" for ALL). */
  public record Spread(Measure measure, Scope scope, String name,
      Insights.Distribution distribution) {}

  /**
   * A window's rollups and samples added up: all {@link Report} needs of them. The store adds
   * them up in SQL (a year at 10,000 services is millions of rows, too many to carry over);
   * {@link #of} adds up the same in memory.
   */
  public record Summary(List<Total> totals, List<WeekTotal> weeks, List<Spread> spreads,
      List<Sample> onboarding) {
    public Summary {
      totals = List.copyOf(totals);
      weeks = List.copyOf(weeks);
      spreads = List.copyOf(spreads);
      onboarding = List.copyOf(onboarding);
    }

    public static Summary of(List<Rollup> rollups, List<Sample> samples) {
      record TotalKey(Key key, Measure measure, String detail) {}
      record WeekKey(LocalDate week, Measure measure) {}
      Map<TotalKey, Double> totals = new LinkedHashMap<>();
      Map<WeekKey, Double> weeks = new TreeMap<>((a, b) -> a.week().equals(b.week())
          ? a.measure().compareTo(b.measure()) : a.week().compareTo(b.week()));
      for (Rollup r : rollups) {
        totals.merge(new TotalKey(r.key(), r.measure(), r.detail()), r.value(), Double::sum);
        weeks.merge(new WeekKey(Report.monday(r.day()), r.measure()), r.value(), Double::sum);
      }
      List<Spread> spreads = new ArrayList<>();
      Map<Scope, Function<Key, String>> by = new EnumMap<>(Scope.class);
      by.put(Scope.ALL, k -> "");
      by.put(Scope.TEAM, Key::team);
      by.put(Scope.APP, Key::app);
      by.put(Scope.ENV, Key::env);
      by.forEach((scope, name) -> {
        Map<Measure, Map<String, List<Double>>> values = new EnumMap<>(Measure.class);
        for (Sample s : samples) {
          values.computeIfAbsent(s.measure(), m -> new TreeMap<>())
              .computeIfAbsent(name.apply(s.key()), n -> new ArrayList<>()).add(s.seconds());
        }
        values.forEach((m, names) -> names.forEach((n, v) -> spreads.add(
            new Spread(m, scope, n, Report.distribution(v)))));
      });
      List<Total> t = new ArrayList<>();
      totals.forEach((k, v) -> t.add(new Total(k.key(), k.measure(), k.detail(), v)));
      List<WeekTotal> w = new ArrayList<>();
      weeks.forEach((k, v) -> w.add(new WeekTotal(k.week(), k.measure(), v)));
      return new Summary(t, w, spreads, samples.stream()
          .filter(s -> s.measure() == Measure.ONBOARDING).toList());
    }
  }
}
