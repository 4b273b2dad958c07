package dev.pave.console.access;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What someone may do in the console, from most to least. */
public enum Role {
  /** Everything, for every team, including replays and other people's tokens. */
  PLATFORM_ADMIN(false),
  /** Changes and exceptions for their team's services, and tokens for their team. */
  TEAM_ADMIN(true),
  /** Deploys and rollbacks of their team's services. */
  TEAM_MEMBER(true),
  /** Reads everything but Secret values, changes nothing. */
  VIEWER(false);

  private final boolean teamScoped;

  Role(boolean teamScoped) {
    this.teamScoped = teamScoped;
  }

  public boolean teamScoped() {
    return teamScoped;
  }

  @com.fasterxml.jackson.annotation.JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether this role grants at least what {@code other} grants (team aside). */
  public boolean atLeast(Role other) {
    return ordinal() <= other.ordinal();
  }

  public static Role ofWire(String s) {
    for (Role r : values()) {
      if (r.wire().equals(s)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role \"" + s + "\"; valid roles: "
        + Arrays.stream(values()).map(Role::wire).collect(Collectors.joining(", ")));
  }
}
