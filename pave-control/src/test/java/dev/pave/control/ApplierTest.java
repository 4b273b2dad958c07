package dev.pave.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.render.Renderer;
import dev.pave.render.Specs;
import dev.pave.spec.Environments;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The apply path against fabric8's in-process API in CRUD mode (no controllers, no server-side
 * apply: exactly why the path is a three-way merge with updates). Where an autoscaler's effect
 * is needed the test writes it itself, acting as the autoscaler.
 */
class ApplierTest {
  KubernetesMockServer server;
  KubernetesClient client;
  Applier applier;

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
        new io.fabric8.mockwebserver.MockWebServer(), new java.util.HashMap<>(),
        new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), false);
    server.init();
    client = server.createClient();
    applier = new Applier(client);
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  static List<HasMetadata> render(String spec) {
    return Renderer.render(Specs.app(spec), Environments.builtIn().get("dev"));
  }

  static List<Applier.Action> actions(List<Applier.Result> results) {
    results.stream().filter(r -> r.action() == Applier.Action.FAILED)
        .forEach(r -> System.out.println("FAILED " + r));
    return results.stream().map(Applier.Result::action).toList();
  }

  Deployment deployment() {
    return client.apps().deployments().inNamespace("checkout-dev").withName("checkout").get();
  }

  @Test
  void createsEverythingThenChangesNothingOnTheSecondApply() {
    List<Applier.Result> first = applier.apply("checkout-dev", render("port: 8080"));
    assertThat(actions(first)).containsOnly(Applier.Action.CREATED).hasSize(5);
    assertThat(deployment().getMetadata().getAnnotations()).containsKey(Applier.LAST_APPLIED);
    List<Applier.Result> second = applier.apply("checkout-dev", render("port: 8080"));
    assertThat(actions(second)).containsOnly(Applier.Action.UNCHANGED);
  }

  @Test
  void aChangedSpecUpdatesOnlyWhatChangedAndKeepsWhatOthersWrote() {
    applier.apply("checkout-dev", render("port: 8080"));
    client.apps().deployments().inNamespace("checkout-dev").withName("checkout")
        .edit(d -> {
          d.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", "1");
          return d;
        });
    List<Applier.Result> results = applier.apply("checkout-dev",
        render("port: 8080\nenv: {LOG_LEVEL: debug}"));
    assertThat(results).filteredOn(r -> r.kind().equals("Deployment"))
        .extracting(Applier.Result::action).containsExactly(Applier.Action.UPDATED);
    assertThat(results).filteredOn(r -> !r.kind().equals("Deployment"))
        .extracting(Applier.Result::action).containsOnly(Applier.Action.UNCHANGED);
    Deployment d = deployment();
    assertThat(d.getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "1");
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> {
          assertThat(e.getName()).isEqualTo("LOG_LEVEL");
          assertThat(e.getValue()).isEqualTo("debug");
        });
  }

  @Test
  void replicasSetByTheAutoscalerAreNeverOverwritten() {
    String spec = "port: 8080\nautoscale: {min: 2, max: 10}";
    applier.apply("checkout-dev", render(spec));
    // Acting as the HorizontalPodAutoscaler: it scales the Deployment to 7.
    client.apps().deployments().inNamespace("checkout-dev").withName("checkout")
        .edit(d -> {
          d.getSpec().setReplicas(7);
          return d;
        });
    List<Applier.Result> results = applier.apply("checkout-dev", render(spec + "\nenv: {A: b}"));
    assertThat(results).filteredOn(r -> r.kind().equals("Deployment"))
        .extracting(Applier.Result::action).containsExactly(Applier.Action.UPDATED);
    assertThat(deployment().getSpec().getReplicas()).isEqualTo(7);
  }

  @Test
  void objectsNoLongerRenderedArePrunedAndOnlyThose() {
    applier.apply("checkout-dev", render("port: 8080\nexpose: public\nreplicas: 2"));
    assertThat(client.network().v1().ingresses().inNamespace("checkout-dev").list().getItems())
        .hasSize(1);
    // Another instance's object with the same name elsewhere must survive.
    applier.apply("orders-dev", Renderer.render(dev.pave.spec.SpecReader.read("orders.yaml",
        Specs.HEAD.replace("name: checkout", "name: orders") + "  port: 8080\n")
        .applications().get(0).value(), Environments.builtIn().get("dev")));
    List<Applier.Result> results = applier.apply("checkout-dev", render("port: 8080"));
    assertThat(results).filteredOn(r -> r.action() == Applier.Action.PRUNED)
        .extracting(Applier.Result::kind).containsExactlyInAnyOrder("Ingress",
            "PodDisruptionBudget");
    assertThat(client.network().v1().ingresses().inNamespace("checkout-dev").list().getItems())
        .isEmpty();
    assertThat(client.apps().deployments().inNamespace("orders-dev").withName("orders").get())
        .isNotNull();
  }

  @Test
  void theLastAppliedRecordHoldsExactlyWhatPaveWrote() {
    applier.apply("checkout-dev", render("port: 8080"));
    Map<String, Object> last = Applier.lastApplied(dev.pave.render.Manifests.toMap(
        deployment()));
    assertThat(last).isNotNull();
    assertThat(((Map<?, ?>) last.get("spec")).get("replicas")).isEqualTo(1L);
  }

  void changeImageByHand(String image) {
    client.apps().deployments().inNamespace("checkout-dev").withName("checkout").edit(d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
      return d;
    });
  }

  @Test
  void driftIsCorrectedAndSaysWhichFieldsChanged() {
    applier.apply("checkout-dev", render("port: 8080"));
    changeImageByHand("registry.example.com/payments/checkout:hotfix");
    List<Applier.Result> results = applier.apply("checkout-dev", render("port: 8080"));
    Applier.Result d = results.stream().filter(r -> r.kind().equals("Deployment"))
        .findFirst().orElseThrow();
    assertThat(d.action()).isEqualTo(Applier.Action.UPDATED);
    assertThat(d.message()).isEqualTo("corrected drift in 1 field(s)");
    assertThat(d.drift()).containsExactly(new dev.pave.apply.Drift.Change(
        "spec.template.spec.containers[name=checkout].image",
        "registry.example.com/payments/checkout:1.4.2",
        "registry.example.com/payments/checkout:hotfix"));
    assertThat(deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .endsWith(":1.4.2");
  }

  @Test
  void inReportModeDriftIsRecordedButLeftAlone() {
    Applier reporting = new Applier(client, false);
    reporting.apply("checkout-dev", render("port: 8080"));
    changeImageByHand("registry.example.com/payments/checkout:hotfix");
    Applier.Result d = reporting.apply("checkout-dev", render("port: 8080")).stream()
        .filter(r -> r.kind().equals("Deployment")).findFirst().orElseThrow();
    assertThat(d.action()).isEqualTo(Applier.Action.DRIFTED);
    assertThat(d.drift()).hasSize(1);
    assertThat(deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .endsWith(":hotfix");
    // A change of the spec is still applied in report mode.
    Applier.Result changed = reporting.apply("checkout-dev", render("port: 8080\nenv: {A: b}"))
        .stream().filter(r -> r.kind().equals("Deployment")).findFirst().orElseThrow();
    assertThat(changed.action()).isEqualTo(Applier.Action.UPDATED);
  }
}
