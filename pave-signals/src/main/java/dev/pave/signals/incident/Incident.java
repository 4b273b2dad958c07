package dev.pave.signals.incident;

import dev.pave.signals.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Signals of one alert group in one application and environment, from first firing to
 * resolution. {@code key} stays the same across reopenings within the reopen window, and ITSM
 * sinks keep exactly one ticket per {@code id}.
 *
 * @param key alert group + application + environment, hashed
 * @param id key and occurrence: a new occurrence starts when the group fires again after it
 *     stayed resolved longer than the reopen window
 * @param firing fingerprints (or dedup groups) currently firing; empty in the summary sinks get
 * @param firingCount how many fire
 * @param flips times of the last changes between firing and resolved, for flap detection
 * @param version bumps on every change a sink is told about; sinks apply updates in order
 */
public record Incident(String key, String id, int occurrence, String group, String app,
    String environment, String title, Severity severity, State state, Set<String> firing,
    int firingCount, Instant openedAt, Instant updatedAt, Instant resolvedAt, List<Instant> flips,
    boolean flapping, int version) {

  /** Open while something fires; resolved once nothing does. */
  public enum State {
    FIRING, RESOLVED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Incident {
    firing = Set.copyOf(firing);
    flips = List.copyOf(flips);
    firingCount = firing.isEmpty() ? firingCount : firing.size();
  }

  /** Without the member set, which can be large: what notices carry. */
  public Incident summary() {
    return new Incident(key, id, occurrence, group, app, environment, title, severity, state,
        Set.of(), firing.isEmpty() ? firingCount : firing.size(), openedAt, updatedAt,
        resolvedAt, flips, flapping, version);
  }
}
