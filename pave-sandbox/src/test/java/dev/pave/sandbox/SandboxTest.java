package dev.pave.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pave.control.ApplicationResource;
import dev.pave.signals.incident.Incident;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox as a newcomer meets it: started on an empty data directory, seen through its
 * kubeconfig as kubectl sees it, then restarted. One sandbox for the class: each start runs
 * PostgreSQL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxTest {
  @TempDir static Path data;
  static Sandbox sandbox;
  static KubernetesClient user;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(data.resolve("notes.txt"), "mine");
    sandbox = Sandbox.start(new Sandbox.Settings(data, true, 0, 0, 0, null, null, null));
    user = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(null,
        Files.readString(sandbox.kubeconfig()), sandbox.kubeconfig().toString())).build();
  }

  @AfterAll
  static void stop() {
    if (user != null) {
      user.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  @Order(1)
  void theFirstStartSeedsTheDemoAndItPlaysOut() throws Exception {
    assertThat(sandbox.seeded()).isTrue();
    assertThat(sandbox.awaitDemo(Duration.ofSeconds(90))).isTrue();
    List<ApplicationResource> apps = user.resources(ApplicationResource.class).inAnyNamespace()
        .list().getItems();
    assertThat(apps).hasSize(10);
    assertThat(apps.stream().map(a -> a.getSpec().get("team")).distinct())
        .containsExactlyInAnyOrder("payments", "discovery");
    ApplicationResource failed = user.resources(ApplicationResource.class).inNamespace("prod")
        .withName(Demo.FAILING).get();
    assertThat(failed.getStatus()).containsEntry("phase", "RolledBack");
    Deployment rolledBack = user.apps().deployments().inNamespace("recommendations-prod")
        .withName("recommendations").get();
    assertThat(rolledBack.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example.com/discovery/recommendations:1.8.0");
    assertThat(user.genericKubernetesResources("pave.dev/v1alpha1", "ApplicationRevision")
        .inNamespace("recommendations-prod").list().getItems()).hasSize(3);
    // The service from a public registry runs under its exception, and the use is recorded.
    assertThat(user.apps().deployments().inNamespace("session-cache-prod")
        .withName("session-cache").get()).isNotNull();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(user.v1().events().inNamespace("session-cache-prod").list().getItems())
            .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ExceptionUsed")));
    // The workload applied by hand is there, and nothing of Pave's marks it.
    Deployment bypass = user.apps().deployments().inNamespace("reports")
        .withName("legacy-reports").get();
    assertThat(bypass.getMetadata().getLabels()).doesNotContainKey("app.kubernetes.io/instance");
  }

  @Test
  @Order(2)
  void theAlertsBecomeEnrichedIncidentsAndTheReleasesAreInTheTimeline() throws Exception {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      List<Incident> incidents = sandbox.signals().store().listIncidents(null, 50);
      assertThat(incidents).anySatisfy(i -> {
        assertThat(i.app()).isEqualTo("checkout");
        assertThat(i.environment()).isEqualTo("prod");
        assertThat(i.state()).isEqualTo(Incident.State.FIRING);
      });
      assertThat(incidents).anySatisfy(i -> {
        assertThat(i.app()).isEqualTo("ledger");
        assertThat(i.state()).isEqualTo(Incident.State.RESOLVED);
      });
      List<Map<String, Object>> timeline = sandbox.signals().store().timeline(Demo.FAILING,
          "prod", Instant.EPOCH, 100);
      assertThat(timeline).extracting(m -> m.get("type"))
          .contains("deploy", "rollback");
    });
  }

  @Test
  @Order(2)
  @SuppressWarnings("unchecked")
  void theTwoDemoTeamsAreTeamResourcesReadyWithTheirNamespacesAndQuotas() {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<dev.pave.control.TeamResource> teams = user.resources(
          dev.pave.control.TeamResource.class).list().getItems();
      assertThat(teams).extracting(t -> t.getMetadata().getName())
          .containsExactlyInAnyOrder("payments", "discovery");
      assertThat(teams).allSatisfy(t -> assertThat(((List<Map<String, Object>>) t.getStatus()
          .get("conditions")).get(0)).containsEntry("status", "True"));
    });
    for (String ns : List.of("payments-dev", "payments-prod", "discovery-dev",
        "discovery-prod")) {
      assertThat(user.namespaces().withName(ns).get().getMetadata().getLabels())
          .containsEntry("pave.dev/team", ns.substring(0, ns.indexOf('-')));
      assertThat(user.resourceQuotas().inNamespace(ns).withName("pave-team").get()).isNotNull();
    }
    assertThat(user.rbac().clusterRoles().withName("pave-team-developer").get()).isNotNull();
  }

  @Test
  @Order(3)
  void admissionRefusesAWorkloadThatBreaksAPolicyAndStoresNothing() {
    Deployment d = new DeploymentBuilder().withNewMetadata().withName("shadow")
        .withNamespace("reports").endMetadata().withNewSpec().withNewSelector()
        .addToMatchLabels("app", "shadow").endSelector().withNewTemplate().withNewMetadata()
        .addToLabels("app", "shadow").endMetadata().withNewSpec().addNewContainer()
        .withName("web").withImage("docker.io/library/nginx:latest").endContainer().endSpec()
        .endTemplate().endSpec().build();
    assertThatThrownBy(() -> user.apps().deployments().resource(d).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          assertThat(e.getMessage()).contains("denied the request")
              .contains("platform/allowed-registries");
        });
    assertThat(user.apps().deployments().inNamespace("reports").withName("shadow").get())
        .isNull();
  }

  @Test
  @Order(4)
  void kubectlFindsTheDiscoveryDocumentsItNeeds() {
    var groups = user.getApiGroups().getGroups();
    assertThat(groups).anySatisfy(g -> assertThat(g.getName()).isEqualTo("pave.dev"));
    assertThat(user.getApiResources("pave.dev/v1alpha1").getResources())
        .extracting(r -> r.getName()).contains("applications", "applicationrevisions",
            "environments", "policyexceptions");
    assertThat(user.getKubernetesVersion().getGitVersion()).matches("v1\\.\\d+\\.\\d+");
  }

  @Test
  @Order(5)
  void aRestartKeepsEverythingAndSeedsNothing() throws Exception {
    int revisions = user.genericKubernetesResources("pave.dev/v1alpha1", "ApplicationRevision")
        .inAnyNamespace().list().getItems().size();
    user.close();
    sandbox.close();
    sandbox = Sandbox.start(new Sandbox.Settings(data, false, 0, 0, 0, null, null, null));
    user = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(null,
        Files.readString(sandbox.kubeconfig()), sandbox.kubeconfig().toString())).build();
    assertThat(sandbox.seeded()).isFalse();
    assertThat(user.resources(ApplicationResource.class).inAnyNamespace().list().getItems())
        .hasSize(10);
    assertThat(user.resources(ApplicationResource.class).inNamespace("prod")
        .withName(Demo.FAILING).get().getStatus()).containsEntry("phase", "RolledBack");
    // The operator looks at everything again and finds nothing to record.
    Thread.sleep(3000);
    assertThat(user.genericKubernetesResources("pave.dev/v1alpha1", "ApplicationRevision")
        .inAnyNamespace().list().getItems()).hasSize(revisions);
    assertThat(sandbox.signals().store().listIncidents(null, 50)).isNotEmpty();
    assertThat(data.resolve("notes.txt")).hasContent("mine");
  }

  @Test
  @Order(6)
  void aSecondStartOnADirectoryInUseFailsAtOnceAndTouchesNothing() throws Exception {
    String kubeconfig = Files.readString(sandbox.kubeconfig());
    long started = System.nanoTime();
    // --fresh too: a start that got past the lock would remove the running sandbox's state.
    assertThatThrownBy(() -> Sandbox.start(new Sandbox.Settings(data, true, 0, 0, 0, null, null,
        null)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(data + " is in use by another pave up (process "
            + ProcessHandle.current().pid() + ")")
        .hasMessageContaining("--data");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThat(sandbox.kubeconfig()).hasContent(kubeconfig);
    assertThat(data.resolve("signals.yaml")).exists();
    assertThat(data.resolve("cluster.jsonl")).exists();
    assertThat(user.resources(ApplicationResource.class).inAnyNamespace().list().getItems())
        .hasSize(10);
  }
}
