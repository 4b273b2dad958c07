package dev.pave.signals.enrich;

import java.time.Instant;
import java.util.List;

/**
 * The platform's context added to a signal. {@code level} and {@code missing} make gaps visible:
 * a signal whose owner is unknown says so instead of arriving without one.
 *
 * @param matchedBy how the signal was tied to the application, e.g. "labels", "namespace and
 *     workload name"
 */
public record Enrichment(Level level, List<String> missing, String matchedBy, String app,
    String environment, String team, String owner, String onCall, String runbook, String tier,
    String cluster, String namespace, String version, Integer revision, Instant lastDeployAt,
    String lastDeployBy, List<CatalogEntry.Release> recentReleases,
    List<CatalogEntry.ActiveException> activeExceptions) {

  /** complete: every field known; partial: application known, something missing; none: no application. */
  public enum Level {
    COMPLETE, PARTIAL, NONE;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Enrichment {
    missing = missing == null ? List.of() : List.copyOf(missing);
    recentReleases = recentReleases == null ? List.of() : List.copyOf(recentReleases);
    activeExceptions = activeExceptions == null ? List.of() : List.copyOf(activeExceptions);
  }

  public static Enrichment none(List<String> missing) {
    return new Enrichment(Level.NONE, missing, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null);
  }
}
