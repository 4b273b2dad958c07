package dev.pave.insights;

import java.time.LocalDate;

/**
 * What one fact adds to the rollups: a count of one (or {@code value}) for a measure on a day,
 * or one duration sample in seconds. {@code detail} refines a measure (the rule, the missing
 * field, the environment), empty otherwise.
 */
public record Contribution(Key key, LocalDate day, Measure measure, String detail, double value) {
  public Contribution {
    detail = detail == null ? "" : detail;
  }
}
