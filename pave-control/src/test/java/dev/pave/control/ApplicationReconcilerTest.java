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
 * The operator on the embedded API: the same operator configuration, reconciler and apply path
 * a real cluster runs.
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
    assertThat(status.get("conditions").toString()).contains("Revision 1 is applied.");
    // The embedded API's controllers bring the pods up; the status follows the Deployment.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(live("checkout").getStatus()).containsEntry("phase", "Available"));

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
    // An unknown field never reaches the operator: the API server prunes it, as the CRD's
    // structural schema says (and kubectl refuses it with field validation). A value only
    // Pave's own validation can judge does reach it.
    ApplicationResource bad = fromFile("examples/checkout/pave.yaml");
    bad.getSpec().put("resources", "huge");
    client.resource(bad).create();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(live("checkout").getStatus()).containsEntry("phase", "Failed"));
    assertThat(live("checkout").getStatus().get("conditions").toString())
        .contains("InvalidSpec").contains("spec.resources").contains("small");
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

  String image() {
    return client.apps().deployments().inNamespace("checkout-dev").withName("checkout").get()
        .getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  @Test
  void aFailedRolloutIsRolledBackToTheLastAvailableRevisionAndStaysThere() throws Exception {
    Releases.Target t = new Releases.Target("checkout", "dev", "checkout-dev");
    client.resource(fromFile("examples/checkout/pave.yaml")).create();
    // The embedded API's Deployment controller, scheduler and kubelet stand-in roll it out.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(live("checkout").getStatus()).containsEntry("revision", 1)
            .containsEntry("phase", "Available"));
    assertThat(releases.available(t)).contains(1);

    // A release no node can take: its pods stay Pending until the progress deadline passes,
    // as on any cluster.
    ApplicationResource broken = live("checkout");
    broken.getSpec().put("image", "registry.example.com/payments/checkout:1.5.0");
    broken.getSpec().put("resources", Map.of("requests", Map.of("cpu", "1000", "memory",
        "64Mi"), "limits", Map.of("cpu", "1000", "memory", "64Mi")));
    client.resource(broken).update();
    await().atMost(Duration.ofSeconds(20)).until(() -> image().endsWith("1.5.0"));

    // The environment's progress deadline is 30 s.
    await().atMost(Duration.ofSeconds(75)).untilAsserted(() ->
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
    // A team namespace is the platform's to create (the template has no {app}), as on a
    // real server, where nothing can be created in a namespace that does not exist.
    fixture.api.namespaces("payments-qa");
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
    // The CRD's schema admits it (a string); only Pave's own checks know the placeholders.
    bad.setSpec(Map.of("namespaceTemplate", "{tem}-qa"));
    client.resource(bad).create();
    ApplicationResource app = fromFile("examples/checkout/pave.yaml");
    app.getMetadata().setLabels(Map.of(ApplicationReconciler.ENVIRONMENT_LABEL, "qa"));
    client.resource(app).create();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(String.valueOf(live("checkout").getStatus())).contains("EnvironmentInvalid")
            .contains("spec.namespaceTemplate").contains("unknown placeholder"));
    // Applications of other environments go on as before.
    ApplicationResource other = fromFile("examples/checkout/pave.yaml");
    other.getMetadata().setName("checkout-two");
    client.resource(other).create();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(live("checkout-two").getStatus()).containsEntry("revision", 1));
  }
}
