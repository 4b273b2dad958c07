package dev.pave.console.web;

import java.time.Duration;
import java.time.Instant;

/** Time left, as people read it: "3 d 4 h", "45 min", "expired 2 d ago". */
public final class Durations {
  private Durations() {}

  public static String left(Instant now, Instant until) {
    Duration d = Duration.between(now, until);
    if (d.isNegative() || d.isZero()) {
      return "expired " + human(d.negated()) + " ago";
    }
    return human(d);
  }

  static String human(Duration d) {
    long days = d.toDays();
    long hours = d.toHoursPart();
    long minutes = d.toMinutesPart();
    if (days > 0) {
      return days + " d" + (hours > 0 ? " " + hours + " h" : "");
    }
    if (hours > 0) {
      return hours + " h" + (minutes > 0 ? " " + minutes + " min" : "");
    }
    return Math.max(minutes, 1) + " min";
  }
}
