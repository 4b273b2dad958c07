package dev.pave.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the operator does between rechecks: the recheck here is ten minutes, so everything these
 * tests see happen within seconds was driven by a watch event, not by looking again.
 */
class ApplicationLifecycleTest {
  OperatorFixture fixture;
  KubernetesClient client;

  @BeforeEach
  void start() {
    fixture = new OperatorFixture(Duration.ofMinutes(10));
    client = fixture.client;
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  Deployment deployment(String namespace) {
    return client.apps().deployments().inNamespace(namespace).withName("checkout").get();
  }

  void deployCheckout() throws Exception {
    client.resource(fixture.fromFile("examples/checkout/pave.yaml")).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> fixture.live("checkout").getStatus()
        != null && Integer.valueOf(1).equals(fixture.live("checkout").getStatus().get("revision")));
  }

  List<Event> events(String reason) {
    return client.v1().events().inNamespace("apps").list().getItems().stream()
        .filter(e -> e.getReason().equals(reason)).toList();
  }

  @Test
  void aHandEditOfTheDeploymentIsSetBackAsSoonAsItIsSeen() throws Exception {
    deployCheckout();
    // A patch without a resourceVersion, as kubectl sends, so the Deployment controller's
    // status writes cannot make it conflict.
    client.apps().deployments().inNamespace("checkout-dev").withName("checkout").patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
            io.fabric8.kubernetes.client.dsl.base.PatchType.STRATEGIC_MERGE),
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"checkout\","
            + "\"image\":\"registry.example.com/payments/checkout:hotfix\"}]}}}}");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        deployment("checkout-dev").getSpec().getTemplate().getSpec().getContainers().get(0)
            .getImage()).endsWith(":1.4.2"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(events("DriftCorrected")).singleElement().satisfies(e -> {
          assertThat(e.getMessage()).contains(
              "Deployment/checkout spec.template.spec.containers[name=checkout].image");
          assertThat(e.getMetadata().getAnnotations())
              .containsEntry(PlatformEvents.APP, "checkout")
              .containsEntry(PlatformEvents.ENVIRONMENT, "dev")
              .containsEntry(PlatformEvents.REVISION, "1");
          assertThat(e.getSource().getComponent()).isEqualTo(PlatformEvents.COMPONENT);
        }));
  }

  @Test
  void aRolloutThatCompletesIsSeenFromTheDeploymentsStatus() throws Exception {
    deployCheckout();
    // The embedded API's Deployment controller and kubelet stand-in bring the pod up.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(fixture.live("checkout").getStatus()).containsEntry("phase", "Available"));
    assertThat(events("RevisionRecorded")).singleElement().satisfies(e ->
        assertThat(e.getType()).isEqualTo("Normal"));
    assertThat(events("RolloutAvailable")).singleElement().satisfies(e ->
        assertThat(e.getMessage()).startsWith("Revision 1 is available"));
  }

  @Test
  void changingAnEnvironmentRerendersItsApplications() throws Exception {
    deployCheckout();
    EnvironmentResource dev = new EnvironmentResource();
    dev.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("dev")
        .build());
    dev.setSpec(Map.of("cluster", "dev-7"));
    client.resource(dev).create();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        deployment("checkout-dev").getSpec().getTemplate().getSpec().getContainers().get(0)
            .getEnv()).anySatisfy(e -> assertThat(String.valueOf(e.getValue()))
                .contains("k8s.cluster.name=dev-7")));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(fixture.live("checkout").getStatus()).containsEntry("revision", 2));
  }

  @Test
  void objectsInTheApplicationsNamespaceAreOwnedByItForTheGarbageCollector() throws Exception {
    EnvironmentResource shared = new EnvironmentResource();
    shared.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
        .withName("shared").build());
    shared.setSpec(Map.of("namespaceTemplate", "apps"));
    client.resource(shared).create();
    ApplicationResource app = fixture.fromFile("examples/checkout/pave.yaml");
    app.getMetadata().setLabels(Map.of(ApplicationReconciler.ENVIRONMENT_LABEL, "shared"));
    client.resource(app).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> deployment("apps") != null);
    String uid = fixture.live("checkout").getMetadata().getUid();
    assertThat(deployment("apps").getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> {
          assertThat(o.getKind()).isEqualTo("Application");
          assertThat(o.getUid()).isEqualTo(uid);
          assertThat(o.getController()).isTrue();
        });
  }

  @Test
  void deletingAnApplicationDeletesWhatWasAppliedEverywhereAndItsRevisions() throws Exception {
    deployCheckout();
    assertThat(fixture.live("checkout").getMetadata().getFinalizers()).isNotEmpty();
    assertThat(client.namespaces().withName("checkout-dev").get()).isNotNull();
    client.resource(fixture.live("checkout")).delete();
    // The finalizer deletes what was applied before the Application goes. The namespace then
    // terminates as on any cluster: gone once its pods have stopped.
    await().atMost(Duration.ofSeconds(20)).until(() -> fixture.live("checkout") == null);
    assertThat(deployment("checkout-dev")).isNull();
    assertThat(client.services().inNamespace("checkout-dev").withName("checkout").get())
        .isNull();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        client.namespaces().withName("checkout-dev").get() == null);
    assertThat(fixture.releases.history(new Releases.Target("checkout", "dev",
        "checkout-dev"))).isEmpty();
  }

  @Test
  void aSteadyReconcileListsNoKindAcrossTheCluster() throws Exception {
    deployCheckout();
    fixture.requests.clear();
    change("checkout", a -> a.getSpec().put("image",
        "registry.example.com/payments/checkout:1.5.0"));
    await().atMost(Duration.ofSeconds(20)).until(() -> Integer.valueOf(2)
        .equals(fixture.live("checkout").getStatus().get("revision")));
    List<String> lists = fixture.requests.stream().filter(r -> r.startsWith("GET ")
        && r.contains("labelSelector") && !r.contains("watch=true"))
        .map(r -> r.substring(4)).toList();
    // The one list: this application's revisions, in its namespace.
    assertThat(lists).allMatch(p -> p.startsWith(
        "/apis/pave.dev/v1alpha1/namespaces/checkout-dev/applicationrevisions?"));
  }

  @Test
  void aRollbackThroughTheApiIsOneAnnotationAndIsRecorded() throws Exception {
    deployCheckout();
    change("checkout", a -> a.getSpec().put("image",
        "registry.example.com/payments/checkout:1.5.0"));
    await().atMost(Duration.ofSeconds(20)).until(() -> Integer.valueOf(2)
        .equals(fixture.live("checkout").getStatus().get("revision")));
    change("checkout", pin -> pin.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(
        ApplicationReconciler.PINNED_REVISION, "1",
        ApplicationReconciler.PINNED_GENERATION,
        String.valueOf(pin.getMetadata().getGeneration())))));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        deployment("checkout-dev").getSpec().getTemplate().getSpec().getContainers().get(0)
            .getImage()).endsWith(":1.4.2"));
    Releases.Target t = new Releases.Target("checkout", "dev", "checkout-dev");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(fixture.releases.history(t)).hasSize(3).last()
            .extracting(dev.pave.release.Revision::changedBy).asString()
            .endsWith("(rollback to 1)"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(fixture.live("checkout").getStatus()).containsEntry("pinnedRevision", 1);
      assertThat(events("RolledBack")).hasSize(1);
    });
  }

  /**
   * Read, change and write back, again when the operator wrote the resource's status in
   * between (409), as any client of the API must.
   */
  private void change(String name, java.util.function.Consumer<ApplicationResource> edit) {
    for (int attempt = 1; ; attempt++) {
      ApplicationResource live = fixture.live(name);
      edit.accept(live);
      try {
        client.resource(live).update();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> objects(ApplicationResource a) {
    return (List<Map<String, Object>>) a.getStatus().get("objects");
  }

  @Test
  void aHandEditedLabelOrServiceIsSetBackWithinSeconds() throws Exception {
    deployCheckout();
    // kubectl label --overwrite: no new generation, so only a watch on the object sees it.
    client.apps().deployments().inNamespace("checkout-dev").withName("checkout").patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"pave.dev/team\":\"intruder\"}}}");
    client.services().inNamespace("checkout-dev").withName("checkout").edit(svc -> {
      svc.getMetadata().getLabels().put("pave.dev/team", "intruder");
      return svc;
    });
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(deployment("checkout-dev").getMetadata().getLabels())
          .containsEntry("pave.dev/team", "payments");
      assertThat(client.services().inNamespace("checkout-dev").withName("checkout").get()
          .getMetadata().getLabels()).containsEntry("pave.dev/team", "payments");
    });
  }

  @Test
  void objectsJustCreatedStayCreatedWhileTheRolloutGoesOn() throws Exception {
    deployCheckout();
    assertThat(objects(fixture.live("checkout"))).extracting(o -> o.get("action"))
        .containsOnly("created");
    // The Deployment controller's status wakes the Application, which applies again and
    // finds nothing to do; that is no reason to call the new objects unchanged.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(fixture.live("checkout").getStatus()).containsEntry("phase", "Available"));
    assertThat(objects(fixture.live("checkout"))).extracting(o -> o.get("action"))
        .containsOnly("created");
    // A new revision that changes only the Deployment: the rest is unchanged, and says so.
    change("checkout", a -> a.getSpec().put("env", Map.of("LOG_LEVEL", "debug")));
    await().atMost(Duration.ofSeconds(20)).until(() -> Integer.valueOf(2)
        .equals(fixture.live("checkout").getStatus().get("revision")));
    assertThat(objects(fixture.live("checkout"))).allSatisfy(o ->
        assertThat(o.get("action")).isEqualTo(o.get("kind").equals("Deployment") ? "updated"
            : "unchanged"));
  }

  @Test
  void anOptionalApiTheClusterDoesNotServeIsSkippedNamedAndNeverFailsTheApplication()
      throws Exception {
    EnvironmentResource dev = new EnvironmentResource();
    dev.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("dev")
        .build());
    dev.setSpec(Map.of("prometheusOperator", true)); // but monitoring.coreos.com is not served
    client.resource(dev).create();
    deployCheckout();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Map<String, Object> status = fixture.live("checkout").getStatus();
      assertThat(status.get("phase")).isNotEqualTo("Failed");
      assertThat(objects(fixture.live("checkout"))).filteredOn(o -> o.get("kind")
          .equals("ServiceMonitor")).singleElement().satisfies(o ->
              assertThat(o).containsEntry("action", "skipped"));
      assertThat(status.get("conditions").toString()).contains("ApisServed")
          .contains("ApiNotServed").contains("monitoring.coreos.com/v1 (ServiceMonitor)")
          .doesNotContain("GenericKubernetesResource");
      assertThat(events("ApiNotServed")).singleElement().satisfies(e ->
          assertThat(e.getMessage()).contains("monitoring.coreos.com/v1"));
    });
    assertThat(deployment("checkout-dev")).isNotNull();
  }

  @Test
  void anOptionalApiIsAppliedOnceItsCrdIsInstalled() throws Exception {
    client.apiextensions().v1().customResourceDefinitions().resource(new io.fabric8.kubernetes
        .api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("servicemonitors.monitoring.coreos.com").endMetadata()
        .withNewSpec().withGroup("monitoring.coreos.com").withScope("Namespaced")
        .withNewNames().withKind("ServiceMonitor").withPlural("servicemonitors")
        .withSingular("servicemonitor").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object")
        .withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
        .endVersion().endSpec().build()).create();
    EnvironmentResource dev = new EnvironmentResource();
    dev.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("dev")
        .build());
    dev.setSpec(Map.of("prometheusOperator", true));
    client.resource(dev).create();
    deployCheckout();
    await().atMost(Duration.ofSeconds(40)).untilAsserted(() ->
        assertThat(objects(fixture.live("checkout"))).filteredOn(o -> o.get("kind")
            .equals("ServiceMonitor")).singleElement().satisfies(o ->
                assertThat(o).containsEntry("action", "created")));
  }

  ApplicationResource named(String namespace, String name, String environment)
      throws Exception {
    ApplicationResource a = fixture.fromFile("examples/checkout/pave.yaml");
    a.getMetadata().setNamespace(namespace);
    a.getMetadata().setName(name);
    a.getMetadata().setLabels(Map.of(ApplicationReconciler.ENVIRONMENT_LABEL, environment));
    return a;
  }

  ApplicationResource app(String namespace, String name) {
    return client.resources(ApplicationResource.class).inNamespace(namespace).withName(name)
        .get();
  }

  @Test
  void applicationsNamedAlikeInTwoNamespacesNeverDeleteEachOthersObjects() throws Exception {
    deployCheckout();
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata().withName("apps2").endMetadata().build()).create();
    client.resource(named("apps2", "checkout", "dev")).create();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      ApplicationResource other = app("apps2", "checkout");
      assertThat(other.getStatus()).containsEntry("phase", "Failed");
      assertThat(objects(other)).anySatisfy(o -> assertThat(String.valueOf(o.get("message")))
          .contains("belongs to Application apps/checkout"));
    });
    client.resource(app("apps2", "checkout")).delete();
    await().atMost(Duration.ofSeconds(20)).until(() -> app("apps2", "checkout") == null);
    assertThat(deployment("checkout-dev")).isNotNull();
    assertThat(client.namespaces().withName("checkout-dev").get()).isNotNull();
    assertThat(deployment("checkout-dev").getMetadata().getLabels())
        .containsEntry(Owner.UID_LABEL, fixture.live("checkout").getMetadata().getUid());
  }

  @Test
  void anApplicationWhoseNameAndEnvironmentJoinLikeAnothersDeletesOnlyItsOwn()
      throws Exception {
    for (String env : List.of("prod-eu", "eu")) {
      EnvironmentResource e = new EnvironmentResource();
      e.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(env)
          .build());
      e.setSpec(Map.of("cluster", "eu-1"));
      client.resource(e).create();
    }
    // Both are instance "web-prod-eu" in namespace web-prod-eu.
    client.resource(named("apps", "web", "prod-eu")).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> client.apps().deployments()
        .inNamespace("web-prod-eu").withName("web").get() != null);
    client.resource(named("apps", "web-prod", "eu")).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> client.apps().deployments()
        .inNamespace("web-prod-eu").withName("web-prod").get() != null);
    // By UID: an object deleted and applied again by its operator would be a new one.
    String deployment = client.apps().deployments().inNamespace("web-prod-eu").withName("web")
        .get().getMetadata().getUid();
    String namespace = client.namespaces().withName("web-prod-eu").get().getMetadata().getUid();
    client.resource(app("apps", "web-prod")).delete();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(app("apps",
        "web-prod")).as("apps/web-prod is still there: %s", app("apps", "web-prod")).isNull());
    assertThat(client.apps().deployments().inNamespace("web-prod-eu").withName("web-prod")
        .get()).isNull();
    assertThat(client.apps().deployments().inNamespace("web-prod-eu").withName("web").get()
        .getMetadata().getUid()).isEqualTo(deployment);
    assertThat(client.namespaces().withName("web-prod-eu").get().getMetadata().getUid())
        .isEqualTo(namespace);
  }

  @Test
  void changingTheEnvironmentRemovesTheOldEnvironmentsObjects() throws Exception {
    deployCheckout();
    change("checkout", a -> a.getMetadata().setLabels(new java.util.HashMap<>(Map.of(
        ApplicationReconciler.ENVIRONMENT_LABEL, "staging"))));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(deployment("checkout-staging")).isNotNull();
      assertThat(deployment("checkout-dev")).isNull();
      assertThat(client.services().inNamespace("checkout-dev").withName("checkout").get())
          .isNull();
      assertThat(client.namespaces().withName("checkout-dev").get()).isNull();
    });
  }
}
