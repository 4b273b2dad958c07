package dev.pave.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.render.Renderer;
import dev.pave.render.Specs;
import dev.pave.spec.Environments;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The apply path against the embedded API, which records managedFields as a real API server
 * does: Pave's writes are updates under the manager its user agent names ("pave"). Where an
 * autoscaler's or a person's edit is needed the test writes it itself, under that writer's
 * field manager, so drift can be credited to whoever made it.
 */
class ApplierTest {
  TestCluster api;
  KubernetesClient client;
  Applier applier;

  @BeforeEach
  void start() {
    api = TestCluster.start();
    client = api.client;
    applier = new Applier(api.client(api.cluster.adminToken(), "pave/test"));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  /** A strategic merge patch under another field manager, as kubectl sends one. */
  void patchDeployment(String manager, String patch) {
    client.apps().deployments().inNamespace("checkout-dev").withName("checkout").patch(
        new PatchContext.Builder().withPatchType(PatchType.STRATEGIC_MERGE)
            .withFieldManager(manager).build(), patch);
  }

  /** The managers whose fields include metadata.labels[key], with their operations. */
  List<String> labelManagers(String key) {
    return deployment().getMetadata().getManagedFields().stream()
        .filter(m -> m.getFieldsV1() != null && String.valueOf(m.getFieldsV1()
            .getAdditionalProperties().get("f:metadata")).contains("f:" + key + "="))
        .map(m -> m.getManager() + "/" + m.getOperation()).toList();
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
    // The API server records Pave as the manager of what it set.
    assertThat(deployment().getMetadata().getManagedFields())
        .anySatisfy(m -> {
          assertThat(m.getManager()).isEqualTo("pave");
          assertThat(m.getOperation()).isEqualTo("Update");
        });
    String version = deployment().getMetadata().getResourceVersion();
    List<Applier.Result> second = applier.apply("checkout-dev", render("port: 8080"));
    assertThat(actions(second)).containsOnly(Applier.Action.UNCHANGED);
    assertThat(deployment().getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void aLabelAnotherManagerOverwroteIsSetBackAndPaveOwnsItAgain() {
    applier.apply("checkout-dev", render("port: 8080"));
    assertThat(labelManagers("pave.dev/team")).containsExactly("pave/Update");
    // kubectl label --overwrite deployment/checkout pave.dev/team=intruder
    client.apps().deployments().inNamespace("checkout-dev").withName("checkout").patch(
        new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE)
            .withFieldManager("kubectl-label").build(),
        "{\"metadata\":{\"labels\":{\"pave.dev/team\":\"intruder\"}}}");
    assertThat(labelManagers("pave.dev/team")).containsExactly("kubectl-label/Update");

    Applier.Result d = applier.apply("checkout-dev", render("port: 8080")).stream()
        .filter(r -> r.kind().equals("Deployment")).findFirst().orElseThrow();
    assertThat(d.action()).isEqualTo(Applier.Action.UPDATED);
    assertThat(d.drift()).containsExactly(new dev.pave.apply.Drift.Change(
        "metadata.labels.pave.dev/team", "payments", "intruder", "kubectl-label"));
    assertThat(deployment().getMetadata().getLabels()).containsEntry("pave.dev/team",
        "payments");
    assertThat(labelManagers("pave.dev/team")).containsExactly("pave/Update");
  }

  @Test
  void aChangedSpecUpdatesOnlyWhatChangedAndKeepsWhatOthersWrote() {
    applier.apply("checkout-dev", render("port: 8080"));
    client.apps().deployments().inNamespace("checkout-dev").withName("checkout").patch(
        PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"example.com/reviewed-by\":\"ana\"}}}");
    List<Applier.Result> results = applier.apply("checkout-dev",
        render("port: 8080\nenv: {LOG_LEVEL: debug}"));
    assertThat(results).filteredOn(r -> r.kind().equals("Deployment"))
        .extracting(Applier.Result::action).containsExactly(Applier.Action.UPDATED);
    assertThat(results).filteredOn(r -> !r.kind().equals("Deployment"))
        .extracting(Applier.Result::action).containsOnly(Applier.Action.UNCHANGED);
    Deployment d = deployment();
    assertThat(d.getMetadata().getAnnotations())
        .containsEntry("example.com/reviewed-by", "ana");
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
    patchDeployment("horizontal-pod-autoscaler", "{\"spec\":{\"replicas\":7}}");
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
    patchDeployment("kubectl-edit", "{\"spec\":{\"template\":{\"spec\":{\"containers\":"
        + "[{\"name\":\"checkout\",\"image\":\"" + image + "\"}]}}}}");
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
        "registry.example.com/payments/checkout:hotfix", "kubectl-edit"));
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

  static List<Applier.Ref> refs(List<Applier.Result> results) {
    return results.stream().map(Applier.Result::ref).toList();
  }

  @Test
  void prunesFromWhatWasAppliedBeforeWithoutListingWholeKinds() {
    List<Applier.Result> first = applier.apply("checkout-dev",
        render("port: 8080\nexpose: public"), List.of());
    assertThat(actions(first)).containsOnly(Applier.Action.CREATED);
    assertThat(client.network().v1().ingresses().inNamespace("checkout-dev").withName("checkout")
        .get()).isNotNull();
    api.cluster.resetRequests();
    List<Applier.Result> second = applier.apply("checkout-dev",
        render("port: 8080\nexpose: internal"), refs(first));
    assertThat(second).filteredOn(r -> r.kind().equals("Ingress"))
        .extracting(Applier.Result::action).containsExactly(Applier.Action.PRUNED);
    Map<String, Long> requests = api.cluster.requests();
    assertThat(client.network().v1().ingresses().inNamespace("checkout-dev").withName("checkout")
        .get()).isNull();
    // Every request went to a named object: one read per object, the prune's read and delete.
    assertThat(requests.keySet()).noneMatch(k -> k.startsWith("LIST "));
    assertThat(requests).containsEntry("DELETE ingresses", 1L);
  }

  @Test
  void anObjectThatIsNotOurOwnAnyMoreIsNotPruned() {
    List<Applier.Result> first = applier.apply("checkout-dev",
        render("port: 8080\nexpose: public"), List.of());
    client.network().v1().ingresses().inNamespace("checkout-dev").withName("checkout")
        .edit(i -> {
          i.getMetadata().getLabels().put(dev.pave.identity.Identity.MANAGED_BY, "someone");
          return i;
        });
    List<Applier.Result> second = applier.apply("checkout-dev",
        render("port: 8080\nexpose: internal"), refs(first));
    assertThat(second).noneMatch(r -> r.kind().equals("Ingress"));
    assertThat(client.network().v1().ingresses().inNamespace("checkout-dev").withName("checkout")
        .get()).isNotNull();
  }

  @Test
  void objectsThatExistThoughNothingWasRecordedAreMergedNotDuplicated() {
    // A reconcile cut short before its status was written: the objects exist, no record says so.
    applier.apply("checkout-dev", render("port: 8080"), List.of());
    List<Applier.Result> again = applier.apply("checkout-dev",
        render("port: 8080\nenv: {LOG_LEVEL: debug}"), List.of());
    assertThat(again).filteredOn(r -> r.kind().equals("Deployment"))
        .extracting(Applier.Result::action).containsExactly(Applier.Action.UPDATED);
    assertThat(actions(again)).doesNotContain(Applier.Action.FAILED, Applier.Action.CREATED);
  }

  @Test
  void aWriteThatLosesARaceIsReadMergedAndWrittenAgain() {
    applier.apply("checkout-dev", render("port: 8080"), List.of());
    // Between Pave's read and its write, another writer updates the Deployment: the server
    // answers Pave's stale write with 409, exactly the race a real cluster has.
    java.util.concurrent.atomic.AtomicInteger raced = new java.util.concurrent.atomic.AtomicInteger();
    io.fabric8.kubernetes.client.http.Interceptor race = new io.fabric8.kubernetes.client.http
        .Interceptor() {
      @Override
      public void before(io.fabric8.kubernetes.client.http.BasicBuilder builder,
          io.fabric8.kubernetes.client.http.HttpRequest request, RequestTags tags) {
        if (request.method().equals("PUT") && request.uri().getPath().endsWith(
            "/deployments/checkout") && raced.getAndIncrement() == 0) {
          client.apps().deployments().inNamespace("checkout-dev").withName("checkout")
              .edit(d -> {
                d.getMetadata().getAnnotations().put("other-controller/seen", "yes");
                return d;
              });
        }
      }
    };
    try (KubernetesClient racing = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(client.getConfiguration())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("race", race)).build()) {
      List<Applier.Result> results = new Applier(racing).apply("checkout-dev",
          render("port: 8080\nenv: {LOG_LEVEL: debug}"), refs(List.of()));
      assertThat(results).filteredOn(r -> r.kind().equals("Deployment"))
          .extracting(Applier.Result::action).containsExactly(Applier.Action.UPDATED);
    }
    assertThat(raced.get()).isEqualTo(2); // the lost write and the retried one
    Deployment d = deployment();
    assertThat(d.getMetadata().getAnnotations()).containsEntry("other-controller/seen", "yes");
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo(
            "LOG_LEVEL=debug"));
  }

  @Test
  void anHttpRouteIsPrunedAndDeletedLikeTheTypedKinds() {
    io.fabric8.kubernetes.api.model.GenericKubernetesResource route =
        new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
    route.setApiVersion("gateway.networking.k8s.io/v1");
    route.setKind("HTTPRoute");
    route.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("checkout")
        .withNamespace("checkout-dev").withLabels(Map.of(dev.pave.identity.Identity.INSTANCE,
            "checkout-dev", dev.pave.identity.Identity.MANAGED_BY, "pave")).build());
    var routes = client.genericKubernetesResources(Applier.GENERIC.get("HTTPRoute"));
    api.crds(List.of(crd("gateway.networking.k8s.io", "HTTPRoute", "httproutes")))
        .namespaces("checkout-dev");
    routes.inNamespace("checkout-dev").resource(route).create();
    applier = new Applier(client, true, ApiDiscovery.of(client));
    List<Applier.Result> results = applier.apply("checkout-dev", render("port: 8080"),
        List.of(new Applier.Ref("HTTPRoute", "checkout-dev", "checkout")));
    assertThat(results).filteredOn(r -> r.kind().equals("HTTPRoute"))
        .extracting(Applier.Result::action).containsExactly(Applier.Action.PRUNED);
    assertThat(routes.inNamespace("checkout-dev").withName("checkout").get()).isNull();

    routes.inNamespace("checkout-dev").resource(route).create();
    assertThat(applier.deleteAll("checkout-dev")).anySatisfy(r -> {
      assertThat(r.kind()).isEqualTo("HTTPRoute");
      assertThat(r.action()).isEqualTo(Applier.Action.PRUNED);
    });
    assertThat(routes.inNamespace("checkout-dev").withName("checkout").get()).isNull();
  }

  /** A CRD for a kind other projects define, its schema left open. */
  static Map<String, Object> crd(String group, String kind, String plural) {
    return Map.of("apiVersion", "apiextensions.k8s.io/v1", "kind", "CustomResourceDefinition",
        "metadata", Map.of("name", plural + "." + group),
        "spec", Map.of("group", group, "scope", "Namespaced",
            "names", Map.of("kind", kind, "plural", plural, "singular", kind.toLowerCase(),
                "listKind", kind + "List"),
            "versions", List.of(Map.of("name", "v1", "served", true, "storage", true,
                "schema", Map.of("openAPIV3Schema", Map.of("type", "object",
                    "x-kubernetes-preserve-unknown-fields", true)),
                "subresources", Map.of("status", Map.of())))));
  }

  static io.fabric8.kubernetes.api.model.GenericKubernetesResource serviceMonitor(String name) {
    var sm = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
    sm.setApiVersion("monitoring.coreos.com/v1");
    sm.setKind("ServiceMonitor");
    sm.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name)
        .withNamespace("checkout-dev").withLabels(Map.of(dev.pave.identity.Identity.INSTANCE,
            "checkout-dev", dev.pave.identity.Identity.MANAGED_BY, "pave")).build());
    sm.setAdditionalProperty("spec", Map.of("selector", Map.of("matchLabels",
        Map.of("app", name))));
    return sm;
  }

  @Test
  void anOptionalKindWhoseApiIsNotServedIsSkippedAndNamesTheMissingApi() {
    // No CRD for monitoring.coreos.com: the cluster does not serve ServiceMonitors.
    List<HasMetadata> objects = new java.util.ArrayList<>(render("port: 8080"));
    objects.add(serviceMonitor("checkout"));
    List<Applier.Result> results = applier.apply("checkout-dev", objects, List.of());
    assertThat(results).noneMatch(r -> r.action() == Applier.Action.FAILED);
    assertThat(results).filteredOn(r -> r.kind().equals("ServiceMonitor")).singleElement()
        .satisfies(r -> {
          assertThat(r.action()).isEqualTo(Applier.Action.SKIPPED);
          assertThat(r.message()).contains("monitoring.coreos.com/v1")
              .contains("Prometheus Operator").doesNotContain("GenericKubernetesResource");
        });
    assertThat(deployment()).isNotNull();
  }

  /** A client to the same API that counts its requests whose path {@code which} accepts. */
  KubernetesClient counting(java.util.concurrent.atomic.AtomicInteger count,
      java.util.function.Predicate<String> which) {
    io.fabric8.kubernetes.client.http.Interceptor counter = new io.fabric8.kubernetes.client.http
        .Interceptor() {
      @Override
      public void before(io.fabric8.kubernetes.client.http.BasicBuilder builder,
          io.fabric8.kubernetes.client.http.HttpRequest request, RequestTags tags) {
        if (which.test(request.uri().getPath())) {
          count.incrementAndGet();
        }
      }
    };
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(client.getConfiguration())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count", counter)).build();
  }

  @Test
  void discoveryIsAskedOncePerGroupVersionNotOncePerObject() {
    java.util.concurrent.atomic.AtomicInteger asked =
        new java.util.concurrent.atomic.AtomicInteger();
    try (KubernetesClient counted = counting(asked,
        path -> path.equals("/apis/monitoring.coreos.com/v1"))) {
      Applier a = new Applier(counted);
      for (int round = 0; round < 3; round++) {
        a.apply("checkout-dev", List.of(serviceMonitor("a"), serviceMonitor("b"),
            serviceMonitor("c")), List.of());
      }
    }
    assertThat(asked.get()).isEqualTo(1);
  }

  /** A cache as the operator's informers keep one: each live object through a LeanStore. */
  Applier.Cache leanCacheOfLiveObjects(List<HasMetadata> rendered) {
    Map<String, HasMetadata> byKey = new java.util.HashMap<>();
    for (HasMetadata o : rendered) {
      HasMetadata live = client.resource(o).get();
      LeanStore<HasMetadata> store = new LeanStore<>();
      store.put("k", live);
      byKey.put(o.getKind() + "/" + o.getMetadata().getName(), store.get("k"));
    }
    return (kind, namespace, name) -> byKey.get(kind + "/" + name);
  }

  @Test
  void aCacheThatKeepsTheRecordAsItsDigestAnswersAnUnchangedApplyWithoutARequest() {
    List<HasMetadata> rendered = render("port: 8080");
    applier.apply("checkout-dev", rendered);
    Applier.Cache cache = leanCacheOfLiveObjects(rendered);
    String cached = cache.get("Deployment", "checkout-dev", "checkout").getMetadata()
        .getAnnotations().get(Applier.LAST_APPLIED);
    assertThat(cached).startsWith("sha256:").hasSizeLessThan(60);
    assertThat(cache.get("Deployment", "checkout-dev", "checkout").getMetadata()
        .getManagedFields()).isNull();

    java.util.concurrent.atomic.AtomicInteger requests =
        new java.util.concurrent.atomic.AtomicInteger();
    try (KubernetesClient counted = counting(requests, path -> true)) {
      Applier a = new Applier(counted);
      a.readFrom(cache);
      List<Applier.Ref> before = rendered.stream().map(o -> new Applier.Ref(o.getKind(),
          o.getMetadata().getNamespace(), o.getMetadata().getName())).toList();
      assertThat(actions(a.apply("checkout-dev", render("port: 8080"), before)))
          .containsOnly(Applier.Action.UNCHANGED);
      assertThat(requests.get()).isZero();

      // A different spec has a different digest: the object is read, merged and written.
      assertThat(actions(a.apply("checkout-dev", render("port: 9090"), before)))
          .contains(Applier.Action.UPDATED);
      assertThat(requests.get()).isPositive();
    }
    assertThat(deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
        .anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(9090));
    assertThat(deployment().getMetadata().getAnnotations().get(Applier.LAST_APPLIED))
        .startsWith("{");
  }

  @Test
  void statusTextIsOneShortLineWithoutObjectDumps() {
    String dump = "Could not find a registered handler for item: [GenericKubernetesResource("
        + "apiVersion=monitoring.coreos.com/v1, kind=ServiceMonitor, metadata=ObjectMeta(\n"
        + "annotations={token=s3cr3t}), additionalProperties={spec={}})].";
    assertThat(StatusText.oneLine(dump))
        .isEqualTo("Could not find a registered handler for item: (object)");
    assertThat(StatusText.oneLine("a\nb")).isEqualTo("a b");
    assertThat(StatusText.oneLine("x".repeat(1000))).hasSize(300).endsWith("...");
  }

  static final Owner WEB = new Owner("uid-web", "apps", "web");
  static final Owner WEB_PROD = new Owner("uid-web-prod", "apps", "web-prod");

  @Test
  void everyObjectNamesItsOwnerAndAnotherApplicationsObjectIsNeitherTakenNorPruned() {
    List<Applier.Result> first = applier.apply(WEB, "checkout-dev", render("port: 8080"),
        List.of());
    assertThat(actions(first)).containsOnly(Applier.Action.CREATED);
    assertThat(deployment().getMetadata().getLabels())
        .containsEntry(Owner.UID_LABEL, "uid-web");
    assertThat(deployment().getMetadata().getAnnotations())
        .containsEntry(Owner.ANNOTATION, "apps/web");
    // Another Application renders the same objects (the same instance name): it may not take
    // them over, and what it believes it applied before is not pruned on its behalf.
    List<Applier.Result> other = applier.apply(WEB_PROD, "checkout-dev", render("port: 8080"),
        List.of());
    assertThat(other).allSatisfy(r -> {
      assertThat(r.action()).isEqualTo(Applier.Action.FAILED);
      assertThat(r.message()).contains("belongs to Application apps/web");
    });
    List<Applier.Ref> refs = first.stream().map(Applier.Result::ref).toList();
    assertThat(applier.apply(WEB_PROD, "checkout-dev", List.of(), refs)).isEmpty();
    assertThat(applier.deleteAll(WEB_PROD, "checkout-dev")).isEmpty();
    assertThat(deployment()).isNotNull();
    assertThat(deployment().getMetadata().getLabels()).containsEntry(Owner.UID_LABEL,
        "uid-web");
    // Its own owner deletes them.
    assertThat(applier.deleteAll(WEB, "checkout-dev")).extracting(Applier.Result::action)
        .containsOnly(Applier.Action.PRUNED);
    assertThat(deployment()).isNull();
  }
}
