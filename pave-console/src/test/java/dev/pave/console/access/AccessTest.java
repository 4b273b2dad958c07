package dev.pave.console.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.console.Auth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The authorisation rules and the group mapping, as tables of sentences. */
class AccessTest {
  static final Principal ADMIN = new Principal("root", Role.PLATFORM_ADMIN, Map.of(), null);
  static final Principal PAY_ADMIN = new Principal("ana", Role.VIEWER,
      Map.of("payments", Role.TEAM_ADMIN), null);
  static final Principal PAY_MEMBER = new Principal("bo", Role.VIEWER,
      Map.of("payments", Role.TEAM_MEMBER), null);
  static final Principal VIEWER = new Principal("vi", Role.VIEWER, Map.of(), null);

  @Test
  void membersChangeTheirTeamsServicesOnly() {
    assertThat(Access.mayChangeService(PAY_MEMBER, "payments")).isTrue();
    assertThat(Access.mayChangeService(PAY_MEMBER, "search")).isFalse();
    assertThat(Access.mayChangeService(VIEWER, "payments")).isFalse();
    assertThat(Access.mayChangeService(ADMIN, "anything")).isTrue();
  }

  @Test
  void exceptionsNeedTheTeamsAdminAndReplaysAPlatformAdmin() {
    assertThat(Access.mayManageExceptions(PAY_ADMIN, "payments")).isTrue();
    assertThat(Access.mayManageExceptions(PAY_MEMBER, "payments")).isFalse();
    assertThat(Access.mayReplay(PAY_ADMIN)).isFalse();
    assertThat(Access.mayReplay(ADMIN)).isTrue();
  }

  @Test
  void nobodyCreatesATokenStrongerThanThemselves() {
    assertThat(Access.mayCreateToken(PAY_MEMBER, Role.TEAM_MEMBER, "payments")).isTrue();
    assertThat(Access.mayCreateToken(PAY_MEMBER, Role.TEAM_ADMIN, "payments")).isFalse();
    assertThat(Access.mayCreateToken(PAY_ADMIN, Role.TEAM_MEMBER, "search")).isFalse();
    assertThat(Access.mayCreateToken(PAY_ADMIN, Role.PLATFORM_ADMIN, null)).isFalse();
    assertThat(Access.mayCreateToken(PAY_MEMBER, Role.VIEWER, null)).isTrue();
    assertThat(Access.mayCreateToken(VIEWER, Role.VIEWER, null)).isFalse();
  }

  @Test
  void groupsMapToThePlatformRoleAndTheStrongestRolePerTeam() {
    var rules = List.of(Auth.GroupMapping.parse("pay-devs=team-member:payments"),
        Auth.GroupMapping.parse("pay-leads=team-admin:payments"),
        Auth.GroupMapping.parse("ops=platform-admin"));
    Principal p = OidcLogin.map("ana", List.of("pay-devs", "pay-leads"), rules);
    assertThat(p.roleIn("payments")).isEqualTo(Role.TEAM_ADMIN);
    assertThat(p.platformAdmin()).isFalse();
    assertThat(p.roleIn("search")).isEqualTo(Role.VIEWER);
    assertThat(OidcLogin.map("op", List.of("ops"), rules).platformAdmin()).isTrue();
    assertThat(OidcLogin.map("x", List.of("unknown"), rules).strongest()).isEqualTo(Role.VIEWER);
  }

  @Test
  void aTeamRoleWithoutATeamIsRefusedWhenTheMappingIsRead() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
        Auth.GroupMapping.parse("devs=team-member")).hasMessageContaining("needs a team");
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
        Auth.GroupMapping.parse("devs=owner")).hasMessageContaining("valid roles:");
  }
}
