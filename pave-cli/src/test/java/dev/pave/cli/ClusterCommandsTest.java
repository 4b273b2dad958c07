package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.control.ApplicationReconciler;
import dev.pave.control.ApplicationResource;
import dev.pave.control.Owner;
import dev.pave.control.Releases;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import dev.pave.render.Renderer;
import dev.pave.render.Specs;
import dev.pave.spec.Environments;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** history and rollback against the in-process API, through a kubeconfig as kubectl uses. */
class ClusterCommandsTest {
  @TempDir Path tmp;
  KubernetesClient client;
  Path kubeconfig;
  InProcessCluster cluster;

  ApplicationResource application;

  @BeforeEach
  void start() throws Exception {
    cluster = new InProcessCluster(tmp, InProcessCluster.paveCrds());
    client = cluster.client;
    kubeconfig = cluster.kubeconfig;
    // The namespace the install creates, and the Application as the operator leaves it there,
    // its revisions in checkout-dev.
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata().withName("pave-apps").endMetadata().build()).create();
    ApplicationResource a = new ApplicationResource();
    a.setMetadata(new ObjectMetaBuilder().withName("checkout").withNamespace("pave-apps")
        .withLabels(Map.of(ApplicationReconciler.ENVIRONMENT_LABEL, "dev")).build());
    a.setSpec(Map.of("team", "payments", "image", "registry.example.com/payments/checkout:1.4.2"));
    application = client.resource(a).create();
    application.setStatus(Map.of("revisionNamespace", "checkout-dev", "revision", 2));
    application = client.resource(application).updateStatus();
    Releases releases = new Releases(client, Clock.systemUTC(), System::nanoTime, 20);
    Releases.Target t = new Releases.Target("checkout", "dev", "checkout-dev",
        Owner.of(application));
    releases.deploy(t, Renderer.render(Specs.app("port: 8080\nenv: {LOG_LEVEL: info}"),
        Environments.builtIn().get("dev")), "v1", "ana", "abc123");
    releases.deploy(t, Renderer.render(Specs.app("port: 8080\nenv: {LOG_LEVEL: debug}"),
        Environments.builtIn().get("dev")), "v2", "bo", "def456");
  }

  Map<String, String> annotations() {
    Map<String, String> a = client.resources(ApplicationResource.class).inNamespace("pave-apps")
        .withName("checkout").get().getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  String logLevel() {
    return client.apps().deployments().inNamespace("checkout-dev").withName("checkout")
        .get().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("LOG_LEVEL")).findFirst().orElseThrow().getValue();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void historyListsTheKeptRevisions() {
    Cli r = Cli.run("history", "checkout", "-e", "dev", "--kubeconfig", kubeconfig.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("REVISION  CHANGED-BY")
        .containsPattern("(?m)^1 +ana +\\S+ +abc123 ")
        .containsPattern("(?m)^2 +bo +\\S+ +def456 ");
  }

  @Test
  void rollbackPinsTheApplicationAppliesThePreviousRevisionAndSaysHowLongItTook() {
    Cli r = Cli.run("rollback", "checkout", "-e", "dev", "--kubeconfig", kubeconfig.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("checkout in dev rolled back to revision 1 in \\d+ ms"
        + " \\(recorded as revision 3\\)");
    assertThat(logLevel()).isEqualTo("info");
    assertThat(annotations()).containsEntry(ApplicationReconciler.PINNED_REVISION, "1")
        .containsEntry(ApplicationReconciler.PINNED_GENERATION,
            String.valueOf(application.getMetadata().getGeneration()));
  }

  @Test
  void dashNIsTheApplicationsNamespaceInHistoryAndRollback() {
    Cli history = Cli.run("history", "checkout", "-e", "dev", "-n", "pave-apps",
        "--kubeconfig", kubeconfig.toString());
    assertThat(history.exit()).as(history.err()).isZero();
    assertThat(history.out()).containsPattern("(?m)^2 +bo ");
    Cli r = Cli.run("rollback", "checkout", "-e", "dev", "-n", "pave-apps", "--kubeconfig",
        kubeconfig.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(annotations()).containsEntry(ApplicationReconciler.PINNED_REVISION, "1");
    Cli elsewhere = Cli.run("history", "checkout", "-e", "dev", "-n", "checkout-dev",
        "--kubeconfig", kubeconfig.toString());
    assertThat(elsewhere.exit()).isEqualTo(2);
    assertThat(elsewhere.err()).startsWith("error: application checkout-dev/checkout not"
        + " found; pass -n with the namespace of the Application resource");
  }

  @Test
  void aRevisionThatIsNotKeptIsAUsageErrorAndChangesNothing() {
    Cli r = Cli.run("rollback", "checkout", "-e", "dev", "--to", "9", "--kubeconfig",
        kubeconfig.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: revision 9 is not kept; kept revisions: [1, 2]\n");
    assertThat(annotations()).doesNotContainKeys(ApplicationReconciler.PINNED_REVISION,
        ApplicationReconciler.PINNED_GENERATION);
    assertThat(logLevel()).isEqualTo("debug");
  }

  @Test
  void anotherEnvironmentThanTheApplicationsIsAUsageError() {
    Cli r = Cli.run("rollback", "checkout", "-e", "prod", "--kubeconfig",
        kubeconfig.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: application pave-apps/checkout is deployed to dev,"
        + " not prod; use -e dev\n");
    assertThat(annotations()).doesNotContainKey(ApplicationReconciler.PINNED_REVISION);
  }

  @Test
  void aRollbackWhoseApplyFailsFailsAndLeavesNoPin() {
    // Another Application has taken the Deployment: Pave may not write it back.
    client.apps().deployments().inNamespace("checkout-dev").withName("checkout").patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"" + Owner.UID_LABEL
        + "\":\"someone-else\"}}}");
    Cli r = Cli.run("rollback", "checkout", "-e", "dev", "--kubeconfig", kubeconfig.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("error: Deployment/checkout: Deployment/checkout belongs to");
    assertThat(r.out()).contains("rollback to revision 1 failed").contains("pin was removed");
    assertThat(annotations()).doesNotContainKeys(ApplicationReconciler.PINNED_REVISION,
        ApplicationReconciler.PINNED_GENERATION);
    assertThat(logLevel()).isEqualTo("debug");
  }

  @Test
  void diffShowsWhatDeployingWouldChangeAndNothingWhenInStep() throws Exception {
    Path spec = tmp.resolve("pave.yaml");
    Files.writeString(spec, Specs.HEAD + "  port: 8080\n  env: {LOG_LEVEL: debug}\n");
    Cli same = Cli.run("diff", spec.toString(), "-e", "dev", "--kubeconfig",
        kubeconfig.toString());
    assertThat(same.exit()).as(same.out()).isZero();
    assertThat(same.err()).isEqualTo("no changes\n");
    Files.writeString(spec, Specs.HEAD + "  port: 8080\n  env: {LOG_LEVEL: warn}\n");
    Cli changed = Cli.run("diff", spec.toString(), "-e", "dev", "--kubeconfig",
        kubeconfig.toString());
    assertThat(changed.exit()).isEqualTo(1);
    assertThat(changed.out()).contains("--- live/Deployment/checkout-dev/checkout")
        .contains("-              value: debug").contains("+              value: warn")
        .doesNotContain("\u001b[");
    assertThat(changed.err()).isEqualTo("1 object would change\n");
  }

  @Test
  void diffRendersWithTheClustersEnvironmentAsTheOperatorDoes() throws Exception {
    Path spec = tmp.resolve("pave.yaml");
    Files.writeString(spec, Specs.HEAD + "  port: 8080\n  env: {LOG_LEVEL: debug}\n");
    dev.pave.control.EnvironmentResource env = new dev.pave.control.EnvironmentResource();
    env.setMetadata(new ObjectMetaBuilder().withName("dev").build());
    env.setSpec(Map.of("replicaFloor", 2));
    client.resource(env).create();
    Cli r = Cli.run("diff", spec.toString(), "-e", "dev", "--kubeconfig",
        kubeconfig.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("--- live/Deployment/checkout-dev/checkout")
        .contains("+  replicas: 2");

    env = client.resources(dev.pave.control.EnvironmentResource.class).withName("dev").get();
    env.setSpec(Map.of("namespaceTemplate", "{tem}-dev"));
    client.resource(env).update();
    Cli invalid = Cli.run("diff", spec.toString(), "-e", "dev", "--kubeconfig",
        kubeconfig.toString());
    assertThat(invalid.exit()).isNotZero();
    assertThat(invalid.err()).contains("Environment dev is not valid: spec.namespaceTemplate")
        .doesNotContain("\tat ");
  }

  @Test
  void anUnreachableClusterIsSaidPlainlyWithoutAStackTrace() throws Exception {
    Path closed = tmp.resolve("closed");
    Files.writeString(closed, Files.readString(kubeconfig)
        .replaceAll("server: \\S+", "server: http://127.0.0.1:9/"));
    Cli r = Cli.run("history", "checkout", "-e", "dev", "--kubeconfig", closed.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: cannot reach the Kubernetes API")
        .contains("check the kubeconfig context").doesNotContain("\tat ");
  }

  @Test
  void aRollbackThatCannotPinFailsAndChangesNothing() throws Exception {
    client.serviceAccounts().inNamespace("pave-apps").resource(
        new io.fabric8.kubernetes.api.model.ServiceAccountBuilder().withNewMetadata()
            .withName("deployer").endMetadata().build()).create();
    client.rbac().clusterRoles().resource(new io.fabric8.kubernetes.api.model.rbac
        .ClusterRoleBuilder().withNewMetadata().withName("deployer").endMetadata()
        .addNewRule().withApiGroups("pave.dev").withResources("applications",
            "applicationrevisions").withVerbs("get", "list").endRule()
        .addNewRule().withApiGroups("", "apps", "networking.k8s.io", "policy")
        .withResources("namespaces", "serviceaccounts", "services", "deployments", "ingresses",
            "networkpolicies", "poddisruptionbudgets", "configmaps")
        .withVerbs("get", "list", "create", "update", "delete").endRule().build()).create();
    client.rbac().clusterRoleBindings().resource(new io.fabric8.kubernetes.api.model.rbac
        .ClusterRoleBindingBuilder().withNewMetadata().withName("deployer").endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "deployer")
        .addNewSubject().withKind("ServiceAccount").withName("deployer")
        .withNamespace("pave-apps").endSubject().build()).create();
    String token = client.serviceAccounts().inNamespace("pave-apps").withName("deployer")
        .tokenRequest(new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder()
            .withNewSpec().withExpirationSeconds(3600L).endSpec().build())
        .getStatus().getToken();
    Path asDeployer = tmp.resolve("deployer");
    Files.writeString(asDeployer, Files.readString(kubeconfig)
        .replace(cluster.cluster.adminToken(), token));
    Cli r = Cli.run("rollback", "checkout", "-e", "dev", "--kubeconfig", asDeployer.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: could not pin application pave-apps/checkout to"
        + " revision 1 (HTTP 403").contains("nothing was rolled back");
    assertThat(annotations()).doesNotContainKey(ApplicationReconciler.PINNED_REVISION);
    assertThat(logLevel()).isEqualTo("debug");
    assertThat(new Releases(client, Clock.systemUTC(), System::nanoTime, 20).history(
        new Releases.Target("checkout", "dev", "checkout-dev", Owner.of(application))))
        .hasSize(2);
  }
}
