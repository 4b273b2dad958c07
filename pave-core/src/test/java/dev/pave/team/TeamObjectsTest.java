package dev.pave.team;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pave.render.Golden;
import dev.pave.render.Manifests;
import dev.pave.spec.Application;
import dev.pave.spec.Environment;
import dev.pave.spec.EnvironmentSpec;
import dev.pave.spec.Environments;
import dev.pave.spec.Metadata;
import dev.pave.spec.Records;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a Team gets in an environment, exactly. */
class TeamObjectsTest {
  static final Team PAYMENTS = TeamReader.read("team.yaml", TeamReaderTest.PAYMENTS).teams()
      .get(0).value();
  static final Environment PROD = Environments.builtIn().get("prod");

  static Environment with(Environment env, EnvironmentSpec top) {
    return new Environment(env.apiVersion(), env.kind(), env.metadata(),
        Records.overlay(env.spec(), top));
  }

  static EnvironmentSpec spec() {
    return new EnvironmentSpec(null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null);
  }

  @Test
  void thePaymentsTeamGetsExactlyTheseObjectsInProd() throws Exception {
    List<HasMetadata> objects = TeamObjects.render(PAYMENTS, PROD, "pave-apps");
    assertThat(objects).extracting(o -> o.getKind() + " " + o.getMetadata().getNamespace()
        + "/" + o.getMetadata().getName()).containsExactly(
            "Namespace null/payments-prod",
            "ResourceQuota payments-prod/pave-team",
            "LimitRange payments-prod/pave-team",
            "NetworkPolicy payments-prod/pave-default-deny",
            "RoleBinding payments-prod/pave-developer-group-payments-devs",
            "RoleBinding payments-prod/pave-admin-group-payments-leads",
            "RoleBinding payments-prod/pave-viewer-user-auditor-example-com-015d7ad8",
            "ServiceAccount payments-prod/pave-ci",
            "RoleBinding pave-apps/pave-ci-payments-prod");
    Golden.assertMatches(Golden.root().resolve(
        "pave-core/src/test/resources/team/payments-prod.yaml"), Manifests.yaml(objects));
  }

  @Test
  void theNamespaceCarriesThePodSecurityLevelOfTheEnvironmentAndTheIdentityLabels() {
    Environment baseline = with(PROD, new EnvironmentSpec(null, null, null, null, null, null,
        null, null, null, EnvironmentSpec.PolicyLevel.BASELINE, null, null, null, null, null,
        null, null));
    Namespace ns = (Namespace) TeamObjects.render(PAYMENTS, baseline, "pave-apps").get(0);
    assertThat(ns.getMetadata().getLabels()).containsEntry(
        "pod-security.kubernetes.io/enforce", "baseline").containsEntry("pave.dev/team",
        "payments").containsEntry("pave.dev/environment", "prod")
        .containsEntry("app.kubernetes.io/managed-by", "pave");
    assertThat(ns.getMetadata().getAnnotations()).containsEntry("pave.dev/on-call",
        "payments-oncall");
  }

  @Test
  void theNamespaceFollowsTheEnvironmentsTemplateWhenItPlacesApplicationsByTeam() {
    Environment byTeam = with(PROD, new EnvironmentSpec(null, "team-{team}-{env}", null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null));
    assertThat(TeamObjects.namespace("payments", byTeam)).isEqualTo("team-payments-prod");
    Environment byApp = with(PROD, new EnvironmentSpec(null, "{app}-{env}", null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null));
    assertThat(TeamObjects.namespace("payments", byApp)).isEqualTo("payments-prod");
  }

  @Test
  void theQuotaAndLimitRangeComeFromTheEnvironmentsSizeClass() {
    Environment sized = with(PROD, new EnvironmentSpec(null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null,
        Map.of("small", new TeamQuota(null, "6", null, null, null, null, null, null, null,
            "250m", null))));
    List<HasMetadata> objects = TeamObjects.render(PAYMENTS, sized, "pave-apps");
    ResourceQuota quota = (ResourceQuota) objects.get(1);
    assertThat(quota.getSpec().getHard()).containsEntry("limits.cpu", new Quantity("6"))
        .containsEntry("limits.memory", new Quantity("8Gi"))
        .containsEntry("pods", new Quantity("20"));
    LimitRange limits = (LimitRange) objects.get(2);
    // The default limit of 500m would exceed the class's largest container: capped.
    assertThat(limits.getSpec().getLimits().get(0).getDefault())
        .containsEntry("cpu", new Quantity("250m"));
    assertThat(limits.getSpec().getLimits().get(0).getMax())
        .containsEntry("cpu", new Quantity("250m"));
  }

  @Test
  void aSizeClassTheEnvironmentDoesNotDefineIsNamedWithTheDefinedOnes() {
    Team huge = new Team(PAYMENTS.apiVersion(), PAYMENTS.kind(), PAYMENTS.metadata(),
        new TeamSpec(PAYMENTS.spec().members(), null, TeamQuota.named("hueg"), null, null, null,
            null, null, null));
    assertThatThrownBy(() -> TeamObjects.render(huge, PROD, "pave-apps"))
        .hasMessage("size class \"hueg\" is not defined in environment prod; defined: small,"
            + " medium, large");
  }

  @Test
  void removingAMemberRemovesItsBindingAndAChangedRoleIsANewBinding() {
    Team fewer = new Team(PAYMENTS.apiVersion(), PAYMENTS.kind(), PAYMENTS.metadata(),
        new TeamSpec(List.of(new Member("payments-devs", null, Member.Role.ADMIN)), null, null,
            null, null, null, null, null, null));
    assertThat(TeamObjects.render(fewer, PROD, "pave-apps")).filteredOn(
        o -> o instanceof RoleBinding).extracting(o -> o.getMetadata().getName())
        .containsExactly("pave-admin-group-payments-devs", "pave-ci-payments-prod");
  }

  @Test
  void everyEnvironmentByDefaultAndUnknownOnesNamed() {
    Team all = new Team(PAYMENTS.apiVersion(), PAYMENTS.kind(), PAYMENTS.metadata(),
        new TeamSpec(PAYMENTS.spec().members(), null, null, null, null, null, null, null,
            null));
    assertThat(TeamObjects.environments(all, List.of("dev", "staging", "prod")))
        .containsExactly("dev", "staging", "prod");
    Team typo = new Team(PAYMENTS.apiVersion(), PAYMENTS.kind(), PAYMENTS.metadata(),
        new TeamSpec(PAYMENTS.spec().members(), List.of("prod", "stagin"), null, null, null,
            null, null, null, null));
    assertThat(TeamObjects.unknownEnvironments(typo, List.of("dev", "staging", "prod")))
        .containsExactly("stagin");
  }

  @Test
  void applicationsInheritOnCallAndRunbookUnlessTheySetTheirOwn() {
    Application app = dev.pave.spec.SpecReader.read("pave.yaml", dev.pave.render.Specs.HEAD)
        .applications().get(0).value();
    Application inherited = TeamDefaults.inherit(app, PAYMENTS);
    assertThat(inherited.spec().onCall()).isEqualTo("payments-oncall");
    assertThat(inherited.spec().runbook()).isEqualTo("https://runbooks.example.com/payments");
    assertThat(inherited.spec().image()).isEqualTo(app.spec().image());
    Application own = dev.pave.render.Specs.app("onCall: checkout-oncall");
    assertThat(TeamDefaults.inherit(own, PAYMENTS).spec().onCall())
        .isEqualTo("checkout-oncall");
    assertThat(TeamDefaults.inherit(own, PAYMENTS).spec().runbook())
        .isEqualTo("https://runbooks.example.com/payments");
    Team silent = new Team(PAYMENTS.apiVersion(), PAYMENTS.kind(), new Metadata("payments",
        null, null, null), new TeamSpec(PAYMENTS.spec().members(), null, null, null, null, null,
        null, null, null));
    assertThat(TeamDefaults.inherit(app, silent)).isSameAs(app);
  }
}
