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

  /** How long ago, for a relative time: "3 d 4 h ago", "just now". */
  public static String ago(Instant now, Instant then) {
    Duration d = Duration.between(then, now);
    if (d.isNegative() || d.toSeconds() < 60) {
      return "just now";
    }
    return human(d) + " ago";
  }

  /** The exact time, for a relative time's hover text: "2026-12-08 00:19:46 UTC". */
  public static String exact(Instant t) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
        .withZone(java.time.ZoneOffset.UTC).format(t);
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
