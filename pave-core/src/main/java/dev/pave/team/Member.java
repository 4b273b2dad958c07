package dev.pave.team;

import dev.pave.spec.Doc;

/** One identity-provider group or one user, and what it may do in the team's namespaces. */
public record Member(
    @Doc(value = "Group name as the identity provider sends it in the groups claim.",
        example = "payments-devs")
        String group,
    @Doc(value = "User name as the API server sees it.", example = "auditor@example.com")
        String user,
    @Doc(value = "admin, developer or viewer.", required = true) Role role) {

  /** What a member may do; each maps to a ClusterRole Pave ships. */
  public enum Role {
    ADMIN,
    DEVELOPER,
    VIEWER;

    /** The ClusterRole this role binds to. */
    public String clusterRole() {
      return "pave-team-" + name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** "group payments-devs" or "user auditor@example.com". */
  public String describe() {
    return group != null ? "group " + group : "user " + user;
  }
}
