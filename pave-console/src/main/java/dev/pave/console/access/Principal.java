package dev.pave.console.access;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Who is asking, and what they may do: a platform-wide role (platform-admin or viewer) and a
 * role per team.
 *
 * @param name the user name shown in the audit log and the timeline
 * @param platform platform-wide role: PLATFORM_ADMIN, or VIEWER for everyone else
 * @param teams role per team (TEAM_ADMIN or TEAM_MEMBER)
 * @param via how the principal authenticated: "session", "token:ID" or "admin-token"
 */
public record Principal(String name, Role platform, Map<String, Role> teams, String via) {
  public Principal {
    Objects.requireNonNull(name, "name");
    platform = platform == null ? Role.VIEWER : platform;
    if (platform.teamScoped()) {
      throw new IllegalArgumentException("platform role must be platform-admin or viewer");
    }
    teams = Map.copyOf(teams == null ? Map.of() : teams);
    via = via == null ? "session" : via;
  }

  public boolean platformAdmin() {
    return platform == Role.PLATFORM_ADMIN;
  }

  /** The role in a team: platform-admin everywhere, else the team's role, else viewer. */
  public Role roleIn(String team) {
    if (platformAdmin()) {
      return Role.PLATFORM_ADMIN;
    }
    Role r = team == null ? null : teams.get(team);
    return r == null ? Role.VIEWER : r;
  }

  /** The strongest role held anywhere, for display. */
  public Role strongest() {
    Role best = platform;
    for (Role r : teams.values()) {
      if (r.atLeast(best)) {
        best = r;
      }
    }
    return best;
  }

  public String describe() {
    if (platformAdmin() || teams.isEmpty()) {
      return platform.wire();
    }
    StringBuilder b = new StringBuilder();
    new TreeMap<>(teams).forEach((t, r) -> b.append(b.length() == 0 ? "" : ", ")
        .append(r.wire()).append(" of ").append(t));
    return b.toString();
  }

  public Principal via(String how) {
    return new Principal(name, platform, teams, how);
  }
}
