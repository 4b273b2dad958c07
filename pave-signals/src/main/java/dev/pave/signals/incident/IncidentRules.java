package dev.pave.signals.incident;

import java.time.Duration;

/**
 * @param reopenWindow a group firing again within this time of resolving reopens the same
 *     incident (and ticket) instead of opening a new one
 * @param flapWindow, flapThreshold this many changes between firing and resolved within the
 *     window mark the incident flapping: sinks are no longer told of each change
 * @param flapQuiet a flapping incident resolves for the sinks once it stayed resolved this long
 */
public record IncidentRules(Duration reopenWindow, Duration flapWindow, int flapThreshold,
    Duration flapQuiet) {
  public static final IncidentRules DEFAULT = new IncidentRules(Duration.ofHours(1),
      Duration.ofHours(1), 4, Duration.ofMinutes(30));
}
