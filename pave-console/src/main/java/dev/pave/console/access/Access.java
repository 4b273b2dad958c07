package dev.pave.console.access;

/**
 * The authorisation rules, in one place and without I/O: every mutating route asks one of
 * these before it changes anything.
 */
public final class Access {
  private Access() {}

  /** Deploy or roll back a service of {@code team}: a member or admin of that team. */
  public static boolean mayChangeService(Principal p, String team) {
    return p.roleIn(team).atLeast(Role.TEAM_MEMBER);
  }

  /** Create or remove a policy exception for {@code team}'s services: its admins. */
  public static boolean mayManageExceptions(Principal p, String team) {
    return p.roleIn(team).atLeast(Role.TEAM_ADMIN);
  }

  /** Re-send dead letters of a sink: sinks are shared by every team, so platform admins. */
  public static boolean mayReplay(Principal p) {
    return p.platformAdmin();
  }

  /**
   * Create a token with {@code role} in {@code team} (null for platform-wide): never more than
   * the creator holds; team admins for their team; members for themselves as members or
   * viewers of their team; platform-wide tokens only by platform admins (viewer tokens by
   * anyone who may create tokens at all).
   */
  public static boolean mayCreateToken(Principal p, Role role, String team) {
    if (p.platformAdmin()) {
      return true;
    }
    if (role == Role.PLATFORM_ADMIN) {
      return false;
    }
    if (team == null) {
      return role == Role.VIEWER && p.strongest().atLeast(Role.TEAM_MEMBER);
    }
    Role held = p.roleIn(team);
    return held.atLeast(Role.TEAM_MEMBER) && held.atLeast(role);
  }

  /** Revoke a token: its creator, an admin of its team, or a platform admin. */
  public static boolean mayRevokeToken(Principal p, String createdBy, String team) {
    return p.platformAdmin() || p.name().equals(createdBy)
        || (team != null && p.roleIn(team).atLeast(Role.TEAM_ADMIN));
  }

  /** List every token, not only one's own and one's teams'. */
  public static boolean maySeeAllTokens(Principal p) {
    return p.platformAdmin();
  }
}
