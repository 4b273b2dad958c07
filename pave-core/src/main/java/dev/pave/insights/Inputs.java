package dev.pave.insights;

import java.time.Instant;
import java.time.LocalDate;

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
}
