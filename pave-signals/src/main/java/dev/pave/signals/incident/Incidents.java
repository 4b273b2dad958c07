package dev.pave.signals.incident;

import dev.pave.signals.Ids;
import dev.pave.signals.Origin;
import dev.pave.signals.Severity;
import dev.pave.signals.Status;
import dev.pave.signals.enrich.EnrichedSignal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Incident grouping as a pure state machine: the current incident (or null) and one signal in,
 * the next incident and what changed out. Duplicates are removed before this by the journal's
 * de-duplication key, so every signal here is new.
 */
public final class Incidents {
  private Incidents() {}

  /** The next state and the change to tell sinks about. */
  public record Step(Incident incident, Change change) {}

  /** The incident key: alert group + application + environment, stable across restarts. */
  public static String key(EnrichedSignal s) {
    String app = s.enrichment().app();
    String env = s.enrichment().environment();
    return Ids.hash(24, "incident", s.signal().group(), app == null ? "" : app,
        env == null ? "" : env);
  }

  /** What one firing or resolving member of the group is called inside the incident. */
  static String member(EnrichedSignal s) {
    return s.signal().origin() instanceof Origin.Alert a && a.fingerprint() != null
        ? a.fingerprint() : s.signal().group();
  }

  public static Step apply(Incident current, EnrichedSignal s, IncidentRules rules, Instant now) {
    String member = member(s);
    boolean fires = s.signal().status() == Status.FIRING;
    if (current == null || current.state() == Incident.State.RESOLVED && !current.flapping()
        && current.resolvedAt() != null && fires
        && current.resolvedAt().plus(rules.reopenWindow()).isBefore(now)) {
      if (!fires) {
        // A resolution for something never seen firing (sent after our retention, or the
        // firing was lost upstream): recorded in the timeline, no incident to resolve.
        return new Step(current, Change.NONE);
      }
      int occurrence = current == null ? 1 : current.occurrence() + 1;
      String key = key(s);
      Incident opened = new Incident(key, key + "-" + occurrence, occurrence, s.signal().group(),
          s.enrichment().app(), s.enrichment().environment(), s.signal().title(),
          s.signal().severity(), Incident.State.FIRING, Set.of(member), 1, now, now, null,
          List.of(), false, 1);
      return new Step(opened, Change.OPENED);
    }

    Set<String> firing = new HashSet<>(current.firing());
    if (fires) {
      firing.add(member);
    } else {
      firing.remove(member);
    }
    Incident.State state = firing.isEmpty() ? Incident.State.RESOLVED : Incident.State.FIRING;
    Severity severity = fires && s.signal().severity().compareTo(current.severity()) > 0
        ? s.signal().severity() : current.severity();
    boolean flipped = state != current.state();
    List<Instant> flips = new ArrayList<>();
    for (Instant f : current.flips()) {
      if (!f.isBefore(now.minus(rules.flapWindow()))) {
        flips.add(f);
      }
    }
    if (flipped) {
      flips.add(now);
    }
    // Only whether the threshold is reached matters: keep the list short.
    while (flips.size() > Math.max(8, rules.flapThreshold())) {
      flips.remove(0);
    }
    boolean flapping = current.flapping() || flips.size() >= rules.flapThreshold();
    Instant resolvedAt = state == Incident.State.RESOLVED
        ? (flipped ? now : current.resolvedAt()) : null;

    Change change;
    if (flapping && !current.flapping()) {
      change = Change.FLAPPING;
    } else if (flapping) {
      // While flapping only the timeline sees each change; the tick resolves it once quiet.
      change = Change.NONE;
    } else if (flipped) {
      change = state == Incident.State.RESOLVED ? Change.RESOLVED : Change.REOPENED;
    } else if (!firing.equals(current.firing()) || severity != current.severity()) {
      change = Change.UPDATED;
    } else {
      change = Change.NONE;
    }
    Incident next = new Incident(current.key(), current.id(), current.occurrence(),
        current.group(), current.app(), current.environment(), current.title(), severity, state,
        firing, firing.size(), current.openedAt(), now, resolvedAt, flips, flapping,
        change == Change.NONE ? current.version() : current.version() + 1);
    return new Step(next, change);
  }

  /**
   * Time passing: a flapping incident that stayed resolved for the quiet period ends, and sinks
   * are told it resolved. Returns null when nothing changes.
   */
  public static Step tick(Incident current, IncidentRules rules, Instant now) {
    if (current == null || !current.flapping() || current.state() != Incident.State.RESOLVED
        || current.resolvedAt() == null
        || current.resolvedAt().plus(rules.flapQuiet()).isAfter(now)) {
      return null;
    }
    Incident next = new Incident(current.key(), current.id(), current.occurrence(),
        current.group(), current.app(), current.environment(), current.title(),
        current.severity(), Incident.State.RESOLVED, Set.of(), 0, current.openedAt(), now,
        current.resolvedAt(), List.of(), false, current.version() + 1);
    return new Step(next, Change.RESOLVED);
  }
}
