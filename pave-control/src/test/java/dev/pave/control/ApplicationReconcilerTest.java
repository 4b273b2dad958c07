package dev.pave.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.render.Golden;
import dev.pave.schema.CustomResourceDefinitions;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The operator on the in-process API: JOSDK with server-side apply off (the in-process API has
 * none), the same reconciler and apply path a real cluster runs.
 */
class ApplicationReconcilerTest {
  KubernetesMockServer server;
  KubernetesClient client;
  Operator operator;

  @BeforeEach
  void start() {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    client = server.createClient();
    for (Map<String, Object> crd : List.of(CustomResourceDefinitions.application(),
        CustomResourceDefinitions.applicationRevision())) {
      client.apiextensions().v1().customResourceDefinitions().resource(client
          .getKubernetesSerialization().convertValue(crd, CustomResourceDefinition.class))
          .create();
    }
    Releases releases = new Releases(client, Clock.systemUTC(), System::nanoTime, 20);
    operator = new Operator(o -> o.withKubernetesClient(client)
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false)
        .withCloseClientOnStop(false));
    operator.register(ApplicationReconciler.withBuiltIns(releases, "dev", Clock.systemUTC()));
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.stop();
    client.close();
    server.destroy();
  }

  @SuppressWarnings("unchecked")
  ApplicationResource fromFile(String path) throws Exception {
    Map<String, Object> doc = new Yaml().load(Files.readString(Golden.root().resolve(path)));
    ApplicationResource r = new ApplicationResource();
    r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
        .withName((String) ((Map<String, Object>) doc.get("metadata")).get("name"))
        .withNamespace("apps").build());
    r.setSpec((Map<String, Object>) doc.get("spec"));
    return r;
  }

  ApplicationResource live(String name) {
    return client.resources(ApplicationResource.class).inNamespace("apps").withName(name).get();
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
}
