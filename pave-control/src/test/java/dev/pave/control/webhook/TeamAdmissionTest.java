package dev.pave.control.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.spec.Environment;
import dev.pave.spec.EnvironmentSpec;
import dev.pave.spec.Environments;
import dev.pave.spec.Records;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Applications refused for want of a Team, and CI accounts kept to their own team. */
class TeamAdmissionTest {
  static final Environment PROD = Environments.builtIn().get("prod");
  static final Environment PROD_REQUIRED = new Environment(PROD.apiVersion(), PROD.kind(),
      PROD.metadata(), Records.overlay(PROD.spec(), new EnvironmentSpec(null, null, null, null,
          null, null, null, null, null, null, null, null, null, null, null,
          EnvironmentSpec.TeamPolicy.REQUIRED, null)));

  static TeamAdmission.Lookup lookup(Environment env, Set<String> teams) {
    return new TeamAdmission.Lookup() {
      public boolean teamExists(String team) {
        return teams.contains(team);
      }

      public Environment environment(String name) {
        return env;
      }

      public String teamOfNamespace(String namespace) {
        return namespace.endsWith("-prod") ? namespace.substring(0, namespace.length() - 5)
            : null;
      }

      public String defaultEnvironment() {
        return "prod";
      }
    };
  }

  static Map<String, Object> request(String team, String user) {
    return Map.of("namespace", "pave-apps", "operation", "CREATE",
        "userInfo", Map.of("username", user),
        "object", Map.of("kind", "Application", "metadata", Map.of("name", "checkout",
            "labels", Map.of("pave.dev/environment", "prod")), "spec", Map.of("team", team)));
  }

  @Test
  void anApplicationWhoseTeamHasNoTeamIsRefusedWhereTeamsAreRequired() {
    assertThat(TeamAdmission.refusal(request("payments", "ana"),
        lookup(PROD_REQUIRED, Set.of()))).isEqualTo("Application pave-apps/checkout names team"
            + " \"payments\", which has no Team resource, and environment prod requires one"
            + " (teams: required); create Team payments first (pave team init payments writes"
            + " one), or name an existing team");
    assertThat(TeamAdmission.refusal(request("payments", "ana"),
        lookup(PROD_REQUIRED, Set.of("payments")))).isNull();
    assertThat(TeamAdmission.refusal(request("payments", "ana"), lookup(PROD, Set.of())))
        .as("teams are optional by default").isNull();
  }

  @Test
  void theCiAccountOfOneTeamMayNotDeployAnotherTeamsApplication() {
    String ci = "system:serviceaccount:search-prod:pave-ci";
    assertThat(TeamAdmission.refusal(request("payments", ci), lookup(PROD, Set.of())))
        .isEqualTo("Application pave-apps/checkout is of team payments, but " + ci + " is the"
            + " CI ServiceAccount of team search, which may deploy only team search's"
            + " Applications");
    assertThat(TeamAdmission.refusal(request("search", ci), lookup(PROD, Set.of()))).isNull();
  }
}
