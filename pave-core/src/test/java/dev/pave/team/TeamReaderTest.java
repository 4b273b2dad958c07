package dev.pave.team;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.spec.Problem;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Team of the feature request reads as written; bad Teams name the place and the fix. */
class TeamReaderTest {
  static final String PAYMENTS = """
      apiVersion: pave.dev/v1alpha1
      kind: Team
      metadata:
        name: payments
      spec:
        members:
          - group: payments-devs
            role: developer
          - group: payments-leads
            role: admin
          - user: auditor@example.com
            role: viewer
        environments: [prod]
        size: small
        onCall: payments-oncall
        runbook: https://runbooks.example.com/payments
      """;

  static final String HEAD = """
      apiVersion: pave.dev/v1alpha1
      kind: Team
      metadata:
        name: payments
      spec:
      """;

  @Test
  void theTeamOfTheFeatureRequestIsAcceptedAsWritten() {
    TeamReader.Read read = TeamReader.read("team.yaml", PAYMENTS);
    assertThat(read.problems()).isEmpty();
    Team team = read.teams().get(0).value();
    assertThat(team.name()).isEqualTo("payments");
    assertThat(team.spec().members()).containsExactly(
        new Member("payments-devs", null, Member.Role.DEVELOPER),
        new Member("payments-leads", null, Member.Role.ADMIN),
        new Member(null, "auditor@example.com", Member.Role.VIEWER));
    assertThat(team.spec().environments()).containsExactly("prod");
    assertThat(team.spec().size()).isEqualTo(TeamQuota.named("small"));
    assertThat(team.spec().onCall()).isEqualTo("payments-oncall");
    assertThat(team.spec().runbook()).isEqualTo("https://runbooks.example.com/payments");
  }

  @Test
  void customSizeValuesAreLaidOverTheClassTheyNameAndSmallByDefault() {
    TeamReader.Read read = TeamReader.read("team.yaml", HEAD + """
          members: [{group: g, role: admin}]
          size: {from: medium, cpu: "20", pods: 100}
        """);
    assertThat(read.problems()).isEmpty();
    TeamQuota q = SizeClasses.resolve(read.teams().get(0).value().spec().size(),
        SizeClasses.builtIn(), "dev");
    assertThat(q).isEqualTo(new TeamQuota("medium", "20", "32Gi", 100, 30, "100Gi", 20, 60, 60,
        "4", "8Gi"));
    assertThat(SizeClasses.resolve(null, SizeClasses.builtIn(), "dev").from())
        .isEqualTo("small");
  }

  static Stream<Arguments> badTeams() {
    return Stream.of(
        Arguments.of("a role that does not exist lists the roles and suggests the closest",
            HEAD + "  members: [{group: g, role: develper}]\n",
            "team.yaml:6:30: spec.members[0].role: \"develper\" is not one of admin, developer,"
                + " viewer; did you mean \"developer\"?"),
        Arguments.of("a member with both a group and a user says to set one",
            HEAD + "  members:\n    - {group: g, user: u, role: viewer}\n",
            "team.yaml:7:7: spec.members[0]: set exactly one of group or user"),
        Arguments.of("a member listed twice is named",
            HEAD + "  members:\n    - {group: g, role: viewer}\n    - {group: g, role: admin}\n",
            "team.yaml:8:7: spec.members[1]: group g is listed twice; keep one entry with the"
                + " role it needs (admin includes developer, developer includes viewer)"),
        Arguments.of("a Team without members says what one looks like",
            HEAD + "  onCall: x\n",
            "team.yaml:6:3: spec.members: missing required field \"members\": Identity-provider"
                + " groups and users, each with a role."),
        Arguments.of("an environment that is not a name says why",
            HEAD + "  members: [{group: g, role: admin}]\n  environments: [Prod]\n",
            "team.yaml:7:18: spec.environments[0]: \"Prod\" is not a valid name: use lower-case"
                + " letters, digits and '-', starting with a letter and ending with a letter or"
                + " digit; did you mean \"prod\"?"),
        Arguments.of("a misspelt field is suggested",
            HEAD + "  members: [{group: g, role: admin}]\n  oncall: x\n",
            "team.yaml:7:3: spec.oncall: unknown field \"oncall\"; did you mean \"onCall\"?"
                + " Valid fields here: members, environments, size, onCall, runbook,"
                + " costCenter, slack, email, registries."),
        Arguments.of("a size class that is not a name says what is valid",
            HEAD + "  members: [{group: g, role: admin}]\n  size: Huge!\n",
            "team.yaml:7:9: spec.size: expected a size class name (small, medium, large or one"
                + " the platform defines) or a mapping of quota values; \"Huge!\" is not a valid"
                + " name: use lower-case letters, digits and '-', starting with a letter and"
                + " ending with a letter or digit; did you mean \"huge\"?"),
        Arguments.of("a custom quota that is not a quantity shows one",
            HEAD + "  members: [{group: g, role: admin}]\n  size: {cpu: lots}\n",
            "team.yaml:7:15: spec.size.cpu: \"lots\" is not valid: CPU limits of all pods"
                + " together (for example \"8\")"),
        Arguments.of("another kind is named with what is expected",
            HEAD.replace("kind: Team", "kind: Application") + "  team: x\n",
            "team.yaml:1:1: apiVersion: expected apiVersion: pave.dev/v1alpha1 and kind: Team,"
                + " got pave.dev/v1alpha1 and Application"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTeams")
  void badInputIsNamedWithItsPlaceAndWhatWouldBeValid(String name, String yaml,
      String expected) {
    List<Problem> problems = TeamReader.read("team.yaml", yaml).problems();
    assertThat(problems).extracting(Problem::format).contains(expected);
  }
}
