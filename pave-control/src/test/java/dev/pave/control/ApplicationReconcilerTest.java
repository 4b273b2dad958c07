package dev.pave.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator on the in-process API: JOSDK with server-side apply off (the in-process API has
 * none), the same reconciler and apply path a real cluster runs.
 */
class ApplicationReconcilerTest {
  OperatorFixture fixture;
  KubernetesClient client;
  Releases releases;
  OperatorMetrics metrics;

  @BeforeEach
  void start() {
    fixture = new OperatorFixture(Duration.ofMillis(500));
    client = fixture.client;
    releases = fixture.releases;
    metrics = fixture.metrics;
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  ApplicationResource fromFile(String path) throws Exception {
    return fixture.fromFile(path);
  }

  ApplicationResource live(String name) {
    return fixture.live(name);
  }

  @Test
  void anApplicationIsRenderedAppliedAndRecordedAndItsStatusSaysSo() throws Exception {
    client.resource(fromFile("examples/checkout/pave.yaml")).create();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Deployment d = client.apps().deployments().inNamespace("checkout-dev")
          .withName("checkout").get();
      assertThat(d).isNotNull();
      assertThat(live("checkout").getStatus()).containsEntry("revision", 1);
    });
    Map<String, Object> status = live("checkout").getStatus();
    assertThat(status).containsEntry("phase", "Progressing");
    assertThat(status.get("conditions").toString()).contains("Revision 1 is applied.");

    ApplicationResource changed = live("checkout");
    changed.getSpec().put("image", "registry.example.com/payments/checkout:1.5.0");
    client.resource(changed).update();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(live("checkout").getStatus()).containsEntry("revision", 2));
    assertThat(client.apps().deployments().inNamespace("checkout-dev").withName("checkout")
        .get().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .endsWith(":1.5.0");
    assertThat(metrics.scrape()).contains("pave_applies_total{action=\"created\",kind=\"Deployment\"} 1.0")
        .contains("pave_applies_total{action=\"updated\",kind=\"Deployment\"}")
        .containsPattern("pave_reconcile_seconds_count [1-9]")
        .containsPattern("pave_reconcile_queue_depth [0-9]").contains("pave_reconciles_in_flight");
  }

  @Test
  void anInvalidSpecIsReportedInTheStatusAndNothingIsApplied() throws Exception {
    ApplicationResource bad = fromFile("examples/checkout/pave.yaml");
    bad.getSpec().put("replcas", 3);
    client.resource(bad).create();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(live("checkout").getStatus()).containsEntry("phase", "Failed"));
    assertThat(live("checkout").getStatus().get("conditions").toString())
        .contains("InvalidSpec")
        .contains("spec.replcas: unknown field \"replcas\"; did you mean \"replicas\"?");
    assertThat(client.apps().deployments().inNamespace("checkout-dev").withName("checkout")
        .get()).isNull();
  }

  @Test
  void aMissingEnvironmentIsNamedInTheStatus() throws Exception {
    ApplicationResource app = fromFile("examples/checkout/pave.yaml");
    app.getMetadata().setLabels(Map.of(ApplicationReconciler.ENVIRONMENT_LABEL, "qa"));
    client.resource(app).create();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(live("checkout").getStatus()).containsEntry("phase", "Failed"));
    assertThat(live("checkout").getStatus().get("conditions").toString())
        .contains("EnvironmentNotFound").contains("Environment \"qa\" does not exist");
  }

  /** Writes a Deployment status as the Deployment controller would; the test says so. */
  void actAsDeploymentController(boolean progressing) {
    client.apps().deployments().inNamespace("checkout-dev").withName("checkout").edit(d -> {
      var s = new io.fabric8.kubernetes.api.model.apps.DeploymentStatus();
      s.setObservedGeneration(d.getMetadata().getGeneration());
      s.setReplicas(1);
      s.setUpdatedReplicas(progressing ? 1 : 0);
      s.setAvailableReplicas(progressing ? 1 : 0);
      s.setReadyReplicas(progressing ? 1 : 0);
      if (!progressing) {
        s.setConditions(List.of(new io.fabric8.kubernetes.api.model.apps.DeploymentCondition(
            null, null, "ReplicaSet \"checkout-abc\" has timed out progressing.",
            "ProgressDeadlineExceeded", "False", "Progressing")));
      }
      d.setStatus(s);
      return d;
    });
  }

  String image() {
    return client.apps().deployments().inNamespace("checkout-dev").withName("checkout").get()
        .getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  @Test
  void aFailedRolloutIsRolledBackToTheLastAvailableRevisionAndStaysThere() throws Exception {
    Releases.Target t = new Releases.Target("checkout", "dev", "checkout-dev");
    client.resource(fromFile("examples/checkout/pave.yaml")).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> live("checkout").getStatus() != null
        && Integer.valueOf(1).equals(live("checkout").getStatus().get("revision")));
    actAsDeploymentController(true);
    await().atMost(Duration.ofSeconds(20)).until(() -> releases.available(t).contains(1));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(live("checkout").getStatus()).containsEntry("phase", "Available"));

    ApplicationResource broken = live("checkout");
    broken.getSpec().put("image", "registry.example.com/payments/checkout:1.5.0-broken");
    client.resource(broken).update();
    await().atMost(Duration.ofSeconds(20)).until(() -> image().endsWith("1.5.0-broken"));
    actAsDeploymentController(false);

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(live("checkout").getStatus()).containsEntry("phase", "RolledBack"));
    assertThat(image()).endsWith(":1.4.2");
    assertThat(live("checkout").getStatus().get("conditions").toString())
        .contains("AutoRolledBack").contains("rolling back to revision 1");
    assertThat(releases.history(t)).last().extracting(dev.pave.release.Revision::changedBy)
        .isEqualTo("auto-rollback (rollback to 1)");
    assertThat(client.v1().events().inNamespace("apps").list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("AutoRolledBack");
          assertThat(e.getInvolvedObject().getName()).isEqualTo("checkout");
          assertThat(e.getMessage()).contains("rolling back to revision 1");
        });
    // Later reconciles hold the rollback: the failed release is not applied again.
    Thread.sleep(1500);
    assertThat(image()).endsWith(":1.4.2");
    assertThat(releases.history(t)).hasSize(3);
  }

  @Test
  void environmentsDefinedInTheClusterAreUsed() throws Exception {
    EnvironmentResource qa = new EnvironmentResource();
    qa.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("qa")
        .build());
    qa.setSpec(Map.of("namespaceTemplate", "{team}-qa", "cluster", "qa-1"));
    client.resource(qa).create();
    ApplicationResource app = fromFile("examples/checkout/pave.yaml");
    app.getMetadata().setLabels(Map.of(ApplicationReconciler.ENVIRONMENT_LABEL, "qa"));
    client.resource(app).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> client.apps().deployments()
        .inNamespace("payments-qa").withName("checkout").get() != null);
    assertThat(client.apps().deployments().inNamespace("payments-qa").withName("checkout").get()
        .getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> assertThat(String.valueOf(e.getValue())).contains("k8s.cluster.name=qa-1"));
  }

  @Test
  void anInvalidEnvironmentResourceIsNamedInTheStatus() throws Exception {
    EnvironmentResource bad = new EnvironmentResource();
    bad.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("qa")
        .build());
    bad.setSpec(Map.of("replicaFlor", 2));
    client.resource(bad).create();
    ApplicationResource app = fromFile("examples/checkout/pave.yaml");
    app.getMetadata().setLabels(Map.of(ApplicationReconciler.ENVIRONMENT_LABEL, "qa"));
    client.resource(app).create();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(String.valueOf(live("checkout").getStatus())).contains("EnvironmentInvalid")
            .contains("spec.replicaFlor: unknown field \"replicaFlor\"; did you mean"
                + " \"replicaFloor\"?"));
    // Applications of other environments go on as before.
    ApplicationResource other = fromFile("examples/checkout/pave.yaml");
    other.getMetadata().setName("checkout-two");
    client.resource(other).create();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(live("checkout-two").getStatus()).containsEntry("revision", 1));
  }
}
