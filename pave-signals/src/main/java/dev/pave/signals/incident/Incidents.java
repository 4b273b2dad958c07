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
    Steps r = applyAll(current, List.of(s), rules, now);
    return new Step(r.last(), r.steps().get(0).change());
  }

  /**
   * The signals of one incident key, in order. {@code last} is the full state after all of them;
   * each step carries the incident as it stood after its signal, as a {@link Incident#summary()}
   * (members are copied once per call, not once per signal, so a group of thousands of alerts
   * costs linear time).
   */
  public record Steps(Incident last, List<Step> steps) {}

  public static Steps applyAll(Incident current, List<EnrichedSignal> signals,
      IncidentRules rules, Instant now) {
    List<Step> steps = new ArrayList<>();
    Incident state = current;
    Set<String> firing = current == null ? null : new HashSet<>(current.firing());
    for (EnrichedSignal s : signals) {
      String member = member(s);
      boolean fires = s.signal().status() == Status.FIRING;
      if (state == null || state.state() == Incident.State.RESOLVED && !state.flapping()
          && state.resolvedAt() != null && fires
          && state.resolvedAt().plus(rules.reopenWindow()).isBefore(now)) {
        if (!fires) {
          // A resolution for something never seen firing (sent after our retention, or the
          // firing was lost upstream): recorded in the timeline, no incident to resolve.
          steps.add(new Step(state == null ? null : state.summary(), Change.NONE));
          continue;
        }
        int occurrence = state == null ? 1 : state.occurrence() + 1;
        String key = key(s);
        firing = new HashSet<>(Set.of(member));
        state = new Incident(key, key + "-" + occurrence, occurrence, s.signal().group(),
            s.enrichment().app(), s.enrichment().environment(), s.signal().title(),
            s.signal().severity(), Incident.State.FIRING, Set.of(), 1, now, now, null,
            List.of(), false, 1);
        steps.add(new Step(state, Change.OPENED));
        continue;
      }
      boolean changedMembers = fires ? firing.add(member) : firing.remove(member);
      Incident.State next = firing.isEmpty() ? Incident.State.RESOLVED : Incident.State.FIRING;
      Severity severity = fires && s.signal().severity().compareTo(state.severity()) > 0
          ? s.signal().severity() : state.severity();
      boolean flipped = next != state.state();
      List<Instant> flips = new ArrayList<>();
      for (Instant f : state.flips()) {
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
      boolean flapping = state.flapping() || flips.size() >= rules.flapThreshold();
      Instant resolvedAt = next == Incident.State.RESOLVED
          ? (flipped ? now : state.resolvedAt()) : null;
      Change change;
      if (flapping && !state.flapping()) {
        change = Change.FLAPPING;
      } else if (flapping) {
        // While flapping only the timeline sees each change; the tick resolves it once quiet.
        change = Change.NONE;
      } else if (flipped) {
        change = next == Incident.State.RESOLVED ? Change.RESOLVED : Change.REOPENED;
      } else if (changedMembers || severity != state.severity()) {
        change = Change.UPDATED;
      } else {
        change = Change.NONE;
      }
      state = new Incident(state.key(), state.id(), state.occurrence(), state.group(),
          state.app(), state.environment(), state.title(), severity, next, Set.of(),
          firing.size(), state.openedAt(), now, resolvedAt, flips, flapping,
          change == Change.NONE ? state.version() : state.version() + 1);
      steps.add(new Step(state, change));
    }
    Incident last = state == null ? null : new Incident(state.key(), state.id(),
        state.occurrence(), state.group(), state.app(), state.environment(), state.title(),
        state.severity(), state.state(), firing, firing.size(), state.openedAt(),
        state.updatedAt(), state.resolvedAt(), state.flips(), state.flapping(), state.version());
    return new Steps(last, steps);
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
