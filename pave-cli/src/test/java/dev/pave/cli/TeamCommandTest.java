package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pave.control.ApplicationResource;
import dev.pave.control.OperatorMetrics;
import dev.pave.control.Operators;
import dev.pave.control.TeamReconciler;
import dev.pave.control.TeamResource;
import dev.pave.render.Golden;
import dev.pave.spec.Environments;
import dev.pave.team.TeamReader;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code pave team} against the embedded API, with the Team reconciler running and the Helm
 * chart's ClusterRoles installed: the Team init writes is the Team status reads back, and the
 * token it issues is the CI ServiceAccount's, allowed its team's Applications only.
 */
class TeamCommandTest {
  @TempDir Path tmp;
  InProcessCluster cluster;
  Operator operator;

  @BeforeEach
  void start() throws Exception {
    cluster = new InProcessCluster(tmp, InProcessCluster.paveCrds());
    cluster.namespace("pave-apps");
    for (Object doc : new Yaml().loadAll(Files.readString(Golden.root().resolve(
        "deploy/helm/pave/templates/team-roles.yaml")))) {
      cluster.client.resource(cluster.client.getKubernetesSerialization().convertValue(doc,
          ClusterRole.class)).create();
    }
    operator = Operators.create(cluster.client, 4, null, new OperatorMetrics());
    operator.register(new TeamReconciler(Environments.builtIn(), "pave-apps",
        Clock.systemUTC(), Duration.ofMinutes(5)));
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.stop();
    cluster.close();
  }

  /** Writes the Team with init, applies it as kubectl would and waits until it is Ready. */
  void onboard(String name) {
    Cli init = Cli.run("team", "init", name);
    assertThat(init.exit()).as(init.err()).isZero();
    cluster.client.resource(init.out()).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      TeamResource t = cluster.client.resources(TeamResource.class).withName(name).get();
      return t != null && t.getStatus() != null && t.getStatus().get("namespaces")
          instanceof Map<?, ?> m && m.size() == 2;
    });
  }

  @Test
  void initWritesACommentedTeamThatReadsBackAndKeepsAnExistingFile() throws Exception {
    Cli out = Cli.run("team", "init", "payments");
    assertThat(out.exit()).isZero();
    assertThat(out.out()).startsWith("# A Team").contains("name: payments")
        .contains("# Quota class");
    TeamReader.Read read = TeamReader.read("init", out.out());
    assertThat(read.problems()).isEmpty();
    assertThat(read.teams().get(0).value().name()).isEqualTo("payments");

    Path file = tmp.resolve("team.yaml");
    assertThat(Cli.run("team", "init", "payments", "-f", file.toString()).exit()).isZero();
    assertThat(Files.readString(file)).isEqualTo(out.out());
    Cli again = Cli.run("team", "init", "search", "-f", file.toString());
    assertThat(again.exit()).isEqualTo(2);
    assertThat(again.err()).contains("already exists");
    assertThat(Files.readString(file)).contains("name: payments");

    Cli bad = Cli.run("team", "init", "Payments_Team");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("not a valid team name").doesNotContain("Exception");
  }

  @Test
  void statusShowsNamespacesBindingsAndQuotaAgainstLimits() throws Exception {
    onboard("payments");
    Cli text = Cli.run("team", "status", "payments", "--kubeconfig",
        cluster.kubeconfig.toString());
    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out()).contains("team payments: Ready=True Applied")
        .contains("prod: namespace payments-prod, first Available not yet")
        .contains("binding pave-developer-group-payments-devs -> pave-team-developer"
            + " (Group payments-devs)")
        .contains("quota pods 0/20");
    Cli json = Cli.run("team", "status", "payments", "-o", "json", "--kubeconfig",
        cluster.kubeconfig.toString());
    JsonNode r = new ObjectMapper().readTree(json.out());
    assertThat(r.at("/environments/dev/namespace").asText()).isEqualTo("payments-dev");
    assertThat(r.at("/environments/prod/quota/limits.cpu/hard").asText()).isEqualTo("4");
    assertThat(r.at("/created").asText()).isNotEmpty();
    assertThat(Cli.run("team", "status", "payments", "-o", "yaml", "--kubeconfig",
        cluster.kubeconfig.toString()).out()).contains("namespace: payments-prod");
  }

  @Test
  void anUnknownTeamOrOutputIsAUsageErrorWithoutAStackTrace() {
    Cli missing = Cli.run("team", "status", "nobody", "--kubeconfig",
        cluster.kubeconfig.toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("team nobody not found; pave team init nobody")
        .doesNotContain("at dev.pave");
    assertThat(Cli.run("team", "status", "nobody", "-o", "wide").exit()).isEqualTo(2);
    Cli token = Cli.run("team", "token", "nobody", "-e", "prod", "--duration", "1m",
        "--kubeconfig", cluster.kubeconfig.toString());
    assertThat(token.exit()).isEqualTo(2);
    assertThat(token.err()).contains("10m to 48h");
  }

  ApplicationResource application(String name, String team) {
    ApplicationResource a = new ApplicationResource();
    a.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("pave-apps").build());
    a.setSpec(Map.of("team", team, "image", "registry.example.com/" + team + "/" + name
        + ":1.0.0"));
    return a;
  }

  @Test
  void theTokenIsTheTeamsCiServiceAccountsAndTheKubeconfigWorks() throws Exception {
    onboard("payments");
    Cli token = Cli.run("team", "token", "payments", "-e", "prod", "--kubeconfig",
        cluster.kubeconfig.toString());
    assertThat(token.exit()).as(token.err()).isZero();
    assertThat(token.err()).contains("token for payments-prod/pave-ci, valid until");
    assertThat(token.out().trim()).doesNotContain("\n").isNotEmpty();

    Cli kubeconfig = Cli.run("team", "token", "payments", "-e", "prod", "--duration", "2h",
        "-o", "kubeconfig", "--kubeconfig", cluster.kubeconfig.toString());
    assertThat(kubeconfig.exit()).as(kubeconfig.err()).isZero();
    Path file = tmp.resolve("ci-kubeconfig");
    Files.writeString(file, kubeconfig.out());
    try (KubernetesClient ci = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(
        null, kubeconfig.out(), file.toString())).build()) {
      assertThat(ci.getConfiguration().getNamespace()).isEqualTo("pave-apps");
      assertThat(ci.resource(application("ledger", "payments")).create()).isNotNull();
      KubernetesClientException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
          () -> ci.secrets().inNamespace("payments-prod").list(),
          KubernetesClientException.class);
      assertThat(refused.getCode()).isEqualTo(403);
    }
    Cli noEnv = Cli.run("team", "token", "payments", "-e", "staging", "--kubeconfig",
        cluster.kubeconfig.toString());
    assertThat(noEnv.exit()).isEqualTo(2);
    assertThat(noEnv.err()).contains("no namespace in environment staging yet; it has: dev,"
        + " prod");
  }
}
