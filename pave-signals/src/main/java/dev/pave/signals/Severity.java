package dev.pave.signals;

import java.util.Locale;

/**
 * Five levels, with the numbers each target schema wants: ECS uses Elastic's 21/47/73/99,
 * OCSF severity_id 1-5, syslog severities 2-6, CEF 0-10.
 */
public enum Severity {
  INFO(0, 1, 6, 1),
  LOW(21, 2, 5, 3),
  MEDIUM(47, 3, 4, 5),
  HIGH(73, 4, 3, 8),
  CRITICAL(99, 5, 2, 10);

  private final int ecs;
  private final int ocsf;
  private final int syslog;
  private final int cef;

  Severity(int ecs, int ocsf, int syslog, int cef) {
    this.ecs = ecs;
    this.ocsf = ocsf;
    this.syslog = syslog;
    this.cef = cef;
  }

  public int ecs() {
    return ecs;
  }

  public int ocsf() {
    return ocsf;
  }

  public int syslog() {
    return syslog;
  }

  public int cef() {
    return cef;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads the usual spellings of Prometheus rules, PagerDuty and ITSM tools; anything else is
   * medium, so an unknown word never hides an alert as informational.
   */
  public static Severity parse(String s) {
    if (s == null || s.isBlank()) {
      return MEDIUM;
    }
    return switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "critical", "crit", "page", "p1", "sev1", "fatal", "emergency", "alert" -> CRITICAL;
      case "high", "error", "err", "major", "p2", "sev2" -> HIGH;
      case "warning", "warn", "medium", "moderate", "p3", "sev3" -> MEDIUM;
      case "low", "minor", "notice", "p4", "sev4" -> LOW;
      case "info", "informational", "none", "debug", "p5", "normal" -> INFO;
      default -> MEDIUM;
    };
  }
}
