package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.control.ApplicationReconciler;
import dev.pave.control.ApplicationResource;
import dev.pave.control.Releases;
import dev.pave.render.Golden;
import dev.pave.spec.Environments;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pave deploy against the in-process API with the operator running beside it. */
class DeployCommandTest {
  @TempDir Path tmp;
  KubernetesClient client;
  Operator operator;
  Path kubeconfig;
  InProcessCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new InProcessCluster(tmp, InProcessCluster.paveCrds());
    client = cluster.client;
    kubeconfig = cluster.kubeconfig;
    // As the install leaves it: the namespace of Applications exists.
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata().withName("pave-apps").endMetadata().build()).create();
    operator = dev.pave.control.Operators.create(client, 10, null,
        new dev.pave.control.OperatorMetrics());
    operator.register(new ApplicationReconciler(new Releases(client, Clock.systemUTC(),
        System::nanoTime, 20), Environments.builtIn(), "dev", Clock.systemUTC(),
        Duration.ofMillis(300)));
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.stop();
    cluster.close();
  }

  @Test
  void deployWaitsForTheRolloutAndReportsIt() throws Exception {
    String spec = Golden.root().resolve("examples/checkout/pave.yaml").toString();
    CompletableFuture<Cli> run = CompletableFuture.supplyAsync(() -> Cli.run("deploy", spec,
        "-e", "dev", "--commit", "abc123", "--wait", "--timeout", "30s", "--kubeconfig",
        kubeconfig.toString()));
    await().atMost(Duration.ofSeconds(20)).until(() -> client.apps().deployments()
        .inNamespace("checkout-dev").withName("checkout").get() != null);
    // The embedded API's Deployment controller and kubelet stand-in bring the pods up.
    Cli r = run.get();
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("application pave-apps/checkout created for dev")
        .contains("rollout complete: revision 1 is available");
    assertThat(r.err()).contains("Available: All 1 replicas run the current revision");
    ApplicationResource app = client.resources(ApplicationResource.class)
        .inNamespace("pave-apps").withName("checkout").get();
    assertThat(app.getMetadata().getAnnotations())
        .containsEntry(ApplicationReconciler.COMMIT, "abc123");
    // Created with the operator's finalizer, so the operator never had to patch it in.
    assertThat(app.getMetadata().getFinalizers())
        .containsExactly(ApplicationReconciler.FINALIZER);
    assertThat(app.getSpec()).containsEntry("expose", "public");
    Cli status = Cli.run("status", "checkout", "--kubeconfig", kubeconfig.toString());
    assertThat(status.exit()).isZero();
    assertThat(status.out()).startsWith("pave-apps/checkout: Available, revision 1\n")
        .contains("Ready=True RolloutComplete: All 1 replicas run the current revision");
  }

  @Test
  void anInvalidSpecIsNotDeployed() throws Exception {
    Path bad = tmp.resolve("pave.yaml");
    Files.writeString(bad, Files.readString(Golden.root().resolve("examples/checkout/pave.yaml"))
        .replace("port: 8080", "port: 8080\n  replcas: 2"));
    Cli r = Cli.run("deploy", bad.toString(), "-e", "dev", "--kubeconfig",
        kubeconfig.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("spec.replcas: unknown field").contains("nothing was deployed");
    assertThat(client.resources(ApplicationResource.class).inNamespace("pave-apps").list()
        .getItems()).isEmpty();
  }

  @Test
  void createNamespaceCreatesTheApplicationsNamespaceFirst() throws Exception {
    String spec = Golden.root().resolve("examples/checkout/pave.yaml").toString();
    Cli r = Cli.run("deploy", spec, "-e", "dev", "-n", "team-apps", "--create-namespace",
        "--kubeconfig", kubeconfig.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("namespace team-apps created");
    assertThat(client.namespaces().withName("team-apps").get()).isNotNull();
    assertThat(client.resources(ApplicationResource.class).inNamespace("team-apps")
        .withName("checkout").get()).isNotNull();
    // Again: the namespace is there, so nothing more is said about it.
    Cli again = Cli.run("deploy", spec, "-e", "dev", "-n", "team-apps", "--create-namespace",
        "--kubeconfig", kubeconfig.toString());
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.err()).doesNotContain("namespace team-apps created");
  }

  @Test
  void aMissingNamespaceIsOneLineNamingItAndTheCommandToCreateIt() throws Exception {
    String spec = Golden.root().resolve("examples/checkout/pave.yaml").toString();
    Cli r = Cli.run("deploy", spec, "-e", "dev", "-n", "nowhere", "--kubeconfig",
        kubeconfig.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("error: namespace \"nowhere\" does not exist; create it with"
        + " \"kubectl create namespace nowhere\" or deploy with --create-namespace (the install"
        + " manifests and the Helm chart create pave-apps)\n");
  }

  @Test
  void deployingAnAppThatAnotherNamespaceAlreadyManagesWarnsAndNamesIt() throws Exception {
    // As the sandbox's demo keeps it: the Application in its environment's namespace.
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata().withName("prod").endMetadata().build()).create();
    ApplicationResource demo = new ApplicationResource();
    demo.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
        .withName("checkout").withNamespace("prod")
        .addToLabels(ApplicationReconciler.ENVIRONMENT_LABEL, "dev").build());
    demo.setSpec(new java.util.LinkedHashMap<>(java.util.Map.of("team", "payments",
        "image", "registry.example.com/payments/checkout:1.4.2", "port", 8080)));
    client.resources(ApplicationResource.class).resource(demo).create();
    String spec = Golden.root().resolve("examples/checkout/pave.yaml").toString();
    Cli r = Cli.run("deploy", spec, "-e", "dev", "--kubeconfig", kubeconfig.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("warning: application prod/checkout already manages checkout"
        + " for dev; this creates a second Application (pave-apps/checkout)")
        .contains("deploy with -n prod");
    // Updating the one it names says nothing more; another environment is no second owner.
    Cli update = Cli.run("deploy", spec, "-e", "dev", "-n", "prod", "--kubeconfig",
        kubeconfig.toString());
    assertThat(update.exit()).as(update.err()).isZero();
    assertThat(update.err()).doesNotContain("warning");
    Cli staging = Cli.run("deploy", spec, "-e", "staging", "-n", "team-apps",
        "--create-namespace", "--kubeconfig", kubeconfig.toString());
    assertThat(staging.err()).doesNotContain("warning");
  }
}
