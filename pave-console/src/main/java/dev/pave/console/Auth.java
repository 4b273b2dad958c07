package dev.pave.console;

import dev.pave.console.access.Role;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** How people log in to the console. */
public sealed interface Auth {

  /**
   * The sandbox: no identity provider. The console makes one admin token at start; it logs in
   * as platform-admin, at the login page or as {@code Authorization: Bearer} for the API.
   */
  static Auth sandbox() {
    return new Sandbox();
  }

  /** OpenID Connect: authorization code with PKCE against any provider. */
  static Oidc oidc(URI issuer, String clientId, Path clientSecretFile, URI redirectUri,
      String groupClaim, List<GroupMapping> groups) {
    return new Oidc(issuer, clientId, clientSecretFile, redirectUri, groupClaim, groups);
  }

  record Sandbox() implements Auth {}

  /**
   * @param issuer the provider's issuer; its discovery document is read from
   *     {@code issuer + /.well-known/openid-configuration}
   * @param clientSecretFile file holding the client secret, or null for a public client
   *     (PKCE only)
   * @param redirectUri the console's callback, {@code <console URL>/login/callback}
   * @param groupClaim the ID token claim that lists the user's groups (e.g. {@code groups})
   * @param groups which group gives which role in which team, first match per group
   */
  record Oidc(URI issuer, String clientId, Path clientSecretFile, URI redirectUri,
      String groupClaim, List<GroupMapping> groups) implements Auth {
    public Oidc {
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(redirectUri, "redirectUri");
      groupClaim = groupClaim == null ? "groups" : groupClaim;
      groups = List.copyOf(groups);
    }
  }

  /**
   * One group of the identity provider and what it grants.
   *
   * @param team the team, or null for platform-wide roles (platform-admin, viewer)
   */
  record GroupMapping(String group, Role role, String team) {
    public GroupMapping {
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(role, "role");
      if (role.teamScoped() && (team == null || team.isBlank())) {
        throw new IllegalArgumentException("group " + group + ": role " + role.wire()
            + " needs a team");
      }
    }

    /** Parses {@code group=role[:team]}, as the command line takes it. */
    public static GroupMapping parse(String s) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("\"" + s + "\": expected GROUP=ROLE[:TEAM], e.g."
            + " payments-devs=team-member:payments");
      }
      String rest = s.substring(eq + 1);
      int colon = rest.indexOf(':');
      Role role = Role.ofWire(colon < 0 ? rest : rest.substring(0, colon));
      return new GroupMapping(s.substring(0, eq), role, colon < 0 ? null
          : rest.substring(colon + 1));
    }
  }
}
