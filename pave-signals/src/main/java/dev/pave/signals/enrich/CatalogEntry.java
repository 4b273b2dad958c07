package dev.pave.signals.enrich;

import java.time.Instant;
import java.util.List;

/**
 * What the platform knows about one application in one environment: taken from its Application
 * and ApplicationRevision resources (or, without a cluster, from the configuration file).
 * Null fields are unknown and are named as missing in each enriched signal.
 */
public record CatalogEntry(String app, String environment, String team, String owner,
    String onCall, String runbook, String tier, String cluster, String namespace,
    String version, List<Release> releases, List<ActiveException> exceptions) {

  public CatalogEntry {
    releases = releases == null ? List.of() : List.copyOf(releases);
    exceptions = exceptions == null ? List.of() : List.copyOf(exceptions);
  }

  /** One recorded revision. */
  public record Release(int number, Instant at, String changedBy, String sourceCommit) {}

  /** A policy exception covering the application, with when it stops applying. */
  public record ActiveException(String name, List<String> rules, Instant expiresAt, String owner) {}

  /** The newest revision, or null when none is recorded. */
  public Release current() {
    Release best = null;
    for (Release r : releases) {
      if (best == null || r.number() > best.number()) {
        best = r;
      }
    }
    return best;
  }

  public String instance() {
    return app + "-" + environment;
  }
}
