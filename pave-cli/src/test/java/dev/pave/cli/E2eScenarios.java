package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pave.control.ApplicationResource;
import dev.pave.control.EnvironmentResource;
import dev.pave.render.Golden;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every flow of docs/install.md and docs/operator.md, in order, on one cluster: install (CRDs,
 * deploy/install/pave.yaml, two operators authenticated as the install's ServiceAccount with
 * leader election, the admission webhook), deploy, status, diff, update, history, drift of a
 * spec field, a label and an annotation, manual rollback, automatic rollback, the webhook
 * refusing a privileged Pod, the leader killed mid-reconcile, delete. Subclasses choose the
 * cluster: {@link ClusterE2E} the one KUBECONFIG names (else the embedded API),
 * {@link E2eEmbeddedSuite} always the embedded API.
 *
 * <p>Outside the cluster (the default), the operators run as processes of this machine and
 * the webhook configurations name them by {@code clientConfig.url}; with
 * {@code PAVE_E2E_IMAGE} the install's own Deployment runs the operator instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class E2eScenarios {
  static final String APPS = "pave-e2e-apps";
  static final String OBJECTS = "pave-e2e-echo";
  static final String SYSTEM = "pave-system";
  // A built-in environment, laid over by an Environment resource: the CLI knows only the
  // built-in ones and .pave/ files, the operator the cluster's resources too.
  static final String ENV = "staging";
  static final String IMAGE = System.getenv().getOrDefault("PAVE_E2E_APP_IMAGE",
      "registry.k8s.io/e2e-test-images/agnhost:2.47");
  static final String HAND = "e2e-hand-edit";

  E2eTarget target;
  KubernetesClient client;
  final List<E2eOperator> operators = new ArrayList<>();
  String inClusterImage;
  String webhookHost;
  Path specs;
  long started;

  /** Whether to use the embedded API even when KUBECONFIG is set. */
  abstract boolean embeddedOnly();

  @BeforeAll
  void connect() throws Exception {
    started = System.nanoTime();
    target = E2eTarget.connect(embeddedOnly());
    client = target.client;
    inClusterImage = target.embedded == null ? System.getenv("PAVE_E2E_IMAGE") : null;
    webhookHost = target.embedded != null ? "127.0.0.1" : System.getenv("PAVE_E2E_WEBHOOK_HOST");
    specs = Files.createDirectories(target.dir.resolve("specs"));
    log("running on the " + target.where());
  }

  @AfterAll
  void cleanUp() throws Exception {
    if (client == null) {
      return;
    }
    try {
      if (target.embedded == null) {
        // A real cluster must not be left with webhooks that fail closed naming a dead URL.
        client.resources(ApplicationResource.class).inNamespace(APPS).delete();
        await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> client
            .resources(ApplicationResource.class).inNamespace(APPS).list().getItems()
            .isEmpty());
        client.admissionRegistration().v1().validatingWebhookConfigurations().withName("pave")
            .delete();
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("pave")
            .delete();
        client.namespaces().withName(APPS).delete();
        client.resources(ApplicationResource.class).inNamespace(TEAM_APPS).delete();
        client.resources(dev.pave.control.TeamResource.class).delete();
        client.resources(EnvironmentResource.class).withName(ENV).delete();
      }
    } finally {
      for (E2eOperator o : operators) {
        o.close();
      }
      target.close();
      log("suite took " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }
  }

  // --- install ------------------------------------------------------------------------------

  @Test
  @Order(1)
  void install() throws Exception {
    for (String crd : List.of("applications", "applicationrevisions", "environments",
        "signalsinks", "teams")) {
      apply(Files.readString(Golden.root().resolve("deploy/crds/" + crd + ".pave.dev.yaml")));
    }
    await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() ->
        client.resources(ApplicationResource.class).inAnyNamespace().list() != null
            && client.resources(EnvironmentResource.class).list() != null);
    String manifests = Files.readString(Golden.root().resolve("deploy/install/pave.yaml"));
    if (inClusterImage != null) {
      apply(manifests.replace("ghcr.io/pave-dev/pave:0.1.0", inClusterImage)
          .replace("--env=prod", "--env=" + ENV));
      await().atMost(Duration.ofMinutes(3)).until(() -> ready(
          client.apps().deployments().inNamespace(SYSTEM).withName("pave-operator").get()) >= 2);
      log("installed deploy/install/pave.yaml with image " + inClusterImage);
    } else {
      startOperatorsOutsideTheCluster(manifests);
    }
    await().atMost(Duration.ofMinutes(1)).until(() -> leader() != null);
    log("Lease pave-operator held by " + leader());
    EnvironmentResource env = new EnvironmentResource();
    env.setMetadata(new ObjectMetaBuilder().withName(ENV).build());
    env.setSpec(Map.of("namespaceTemplate", "pave-e2e-{app}", "autoRollback", true,
        "progressDeadlineSeconds", 30, "replicaFloor", 1));
    // The webhook (failurePolicy Fail) reads Environments: retried until the caBundle is in.
    await().atMost(Duration.ofMinutes(1)).ignoreExceptions().untilAsserted(() ->
        client.resource(env).createOr(o -> o.update()));
    installed = true;
  }

  private void startOperatorsOutsideTheCluster(String manifests) throws Exception {
    List<Integer> ports = List.of(E2eOperator.freePort(), E2eOperator.freePort());
    List<String> docs = new ArrayList<>();
    for (String d : manifests.split("\n---\n")) {
      // The operators run here, not in the install's Deployment; the signals pipeline is
      // not part of these scenarios.
      if (d.contains("kind: Deployment") && d.contains("name: pave-operator")) {
        d = d.replace("  replicas: 2\n", "  replicas: 0\n");
      } else if (d.contains("kind: StatefulSet") && d.contains("name: pave-signals")) {
        d = d.replace("  replicas: 1\n", "  replicas: 0\n");
      } else if (d.contains("WebhookConfiguration")) {
        if (webhookHost == null) {
          continue;
        }
        // The API server calls an operator outside the cluster by URL, not by Service.
        d = d.replaceAll(
            "service: \\{name: pave-webhook, namespace: pave-system, path: (/[a-z/]+)}",
            "url: \"https://" + webhookHost + ":" + ports.get(0) + "$1\"");
      }
      docs.add(d);
    }
    apply(String.join("\n---\n", docs));
    String token = client.serviceAccounts().inNamespace(SYSTEM).withName("pave-operator")
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L)
            .endSpec().build()).getStatus().getToken();
    Path kubeconfig = target.kubeconfigWithToken("pave-operator", token);
    try (KubernetesClient asOperator = new KubernetesClientBuilder().withConfig(
        Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString()))
        .build()) {
      // The install's RBAC: no Secret outside pave-system, and what the operator uses.
      assertThat(allowed(asOperator, "get", "", "secrets", "default")).isFalse();
      for (String[] need : NEEDED) {
        for (String verb : need[3].split(",")) {
          if (!allowed(asOperator, verb, need[0], need[1], need[2])) {
            rbacGaps.add(verb + " " + need[1] + (need[0].isEmpty() ? "" : "." + need[0])
                + (need[2].isEmpty() ? "" : " in " + need[2]));
            supplement.append("- {apiGroups: [\"").append(need[0]).append("\"], resources: [")
                .append(need[1]).append("], verbs: [").append(verb).append("]}\n");
          }
        }
      }
    }
    if (!rbacGaps.isEmpty()) {
      // Reported by its own scenario; granted here only so that the others can run.
      log("RBAC GAP: the install's ServiceAccount cannot " + rbacGaps
          + "; granted through ClusterRole pave-e2e-supplement for the other scenarios");
      apply("""
          apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: pave-e2e-supplement}
          rules:
          %s---
          apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRoleBinding
          metadata: {name: pave-e2e-supplement}
          roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pave-e2e-supplement}
          subjects:
          - {kind: ServiceAccount, name: pave-operator, namespace: pave-system}
          """.formatted(supplement));
    }
    for (int i = 0; i < 2; i++) {
      operators.add(E2eOperator.start("pave-e2e-operator-" + (char) ('a' + i), kubeconfig, ENV,
          webhookHost, ports.get(i), target.dir));
    }
    if (webhookHost != null) {
      // Registered by URL on a host its certificate names (--webhook-host): the operator
      // writes the caBundle itself, as it does for its Service.
      await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> caBundle() != null
          && client.admissionRegistration().v1().validatingWebhookConfigurations()
              .withName("pave").get().getWebhooks().stream().allMatch(w ->
                  caBundle().equals(w.getClientConfig().getCaBundle())));
    }
    log("install: CRDs and deploy/install/pave.yaml applied; two `pave operator` processes"
        + " authenticated by a TokenRequest for pave-system/pave-operator"
        + (webhookHost == null ? " (no webhook: PAVE_E2E_WEBHOOK_HOST is not set)"
        : ", webhook at https://" + webhookHost + ":" + ports.get(0)));
  }

  /**
   * Group, resource, namespace, verbs: what the operator sends (its leader election renews
   * the Lease with PATCH; rendered kinds are written with create and update, the Application
   * is patched by the framework for its finalizer).
   */
  static final String[][] NEEDED = {
      {"coordination.k8s.io", "leases", SYSTEM, "get,create,update,patch"},
      {"", "namespaces", "", "get,create,update,delete"},
      {"", "serviceaccounts", "default", "get,create,update,delete"},
      {"", "configmaps", "default", "get,create,update,delete"},
      {"", "services", "default", "get,create,update,delete"},
      {"apps", "deployments", "default", "get,list,watch,create,update,delete"},
      {"networking.k8s.io", "networkpolicies", "default", "get,create,update,delete"},
      {"policy", "poddisruptionbudgets", "default", "get,create,update,delete"},
      {"autoscaling", "horizontalpodautoscalers", "default", "get,create,update,delete"},
      {"pave.dev", "applicationrevisions", "default", "get,list,create,update,delete"},
      {"pave.dev", "applications", "default", "get,list,watch,update,patch"},
      {"", "events", "default", "create"}};
  final StringBuilder supplement = new StringBuilder();
  final List<String> rbacGaps = new ArrayList<>();
  boolean installed;

  @BeforeEach
  void afterAnInstall(org.junit.jupiter.api.TestInfo test) {
    if (!test.getTestMethod().map(m -> m.getName().equals("install")).orElse(false)) {
      assumeTrue(installed, "the install failed, so this scenario cannot run");
    }
  }

  @Test
  @Order(2)
  void theInstallsRbacGrantsWhatTheOperatorUses() {
    assertThat(rbacGaps).as("deploy/install/pave.yaml does not let the ServiceAccount"
        + " pave-system/pave-operator do this, which the operator does (see NEEDED)").isEmpty();
  }

  String caBundle() {
    var s = client.secrets().inNamespace(SYSTEM).withName("pave-webhook-tls").get();
    if (s == null || s.getData() == null) {
      return null;
    }
    return s.getData().getOrDefault("ca-bundle.crt", s.getData().get("ca.crt"));
  }

  private void pointWebhooksAt(E2eOperator o) {
    String base = "https://" + webhookHost + ":" + o.webhookPort;
    client.admissionRegistration().v1().validatingWebhookConfigurations().withName("pave")
        .edit(c -> {
          c.getWebhooks().forEach(w -> w.getClientConfig().setUrl(base
              + w.getClientConfig().getUrl().replaceFirst("https://[^/]+", "")));
          return c;
        });
    client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("pave")
        .edit(c -> {
          c.getWebhooks().forEach(w -> w.getClientConfig().setUrl(base
              + w.getClientConfig().getUrl().replaceFirst("https://[^/]+", "")));
          return c;
        });
  }

  private static boolean allowed(KubernetesClient c, String verb, String group,
      String resource, String ns) {
    SelfSubjectAccessReview r = c.authorization().v1().selfSubjectAccessReview().create(
        new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
            .withVerb(verb).withResource(resource).withNamespace(ns.isEmpty() ? null : ns)
            .withGroup(group)
            .endResourceAttributes().endSpec().build());
    return r.getStatus().getAllowed();
  }

  // --- deploy, status, diff, update, history ------------------------------------------------

  @Test
  @Order(3)
  void deployWaitsUntilTheRolloutIsAvailable() throws Exception {
    Cli deploy = cli("deploy", spec("v1", ""), "-e", ENV, "-n", APPS, "--create-namespace",
        "--wait", "--timeout", "3m");
    assertThat(deploy.exit()).as(deploy.out() + deploy.err()).isZero();
    assertThat(deploy.out() + deploy.err()).contains("Available");
    assertThat(status()).containsEntry("phase", "Available").containsEntry("revision", 1);
  }

  @Test
  @Order(4)
  void statusShowsPhaseRevisionAndConditions() {
    Cli status = cli("status", "echo", "-n", APPS, "-o", "json");
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("\"Available\"").contains("\"Ready\"");
    Cli text = cli("status", "echo", "-n", APPS);
    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out()).contains("Available");
  }

  @Test
  @Order(5)
  void diffShowsTheChangeAndUpdateAppliesIt() throws Exception {
    String v2 = spec("v2", "  env: {GREETING: hello}\n");
    Cli diff = cli("diff", v2, "-e", ENV, "-n", APPS, "--color", "never");
    assertThat(diff.exit()).as(diff.out() + diff.err()).isEqualTo(1);
    assertThat(diff.out()).contains("+").contains("GREETING");
    Cli deploy = cli("deploy", v2, "-e", ENV, "-n", APPS, "--wait", "--timeout", "3m");
    assertThat(deploy.exit()).as(deploy.out() + deploy.err()).isZero();
    assertThat(status()).containsEntry("phase", "Available").containsEntry("revision", 2);
    Cli same = cli("diff", v2, "-e", ENV, "-n", APPS, "--color", "never");
    assertThat(same.exit()).as(same.out() + same.err()).isZero();
  }

  @Test
  @Order(6)
  void historyListsTheRevisions() {
    Cli history = cli("history", "echo", "-e", ENV, "-n", APPS);
    assertThat(history.exit()).as(history.err()).isZero();
    assertThat(revisions()).containsExactly(1, 2);
    assertThat(history.out().lines().skip(1).map(l -> l.split("\\s+")[0]))
        .containsExactly("1", "2");
  }

  // --- drift --------------------------------------------------------------------------------

  @Test
  @Order(7)
  void driftOfASpecFieldIsSetBackAndTheOperatorOwnsItAgain() {
    String manager = ownerOf(deployment(), "f:image");
    handEdit("/spec/template/spec/containers/0/image", IMAGE + "-hotfix");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(deployment()
        .getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo(IMAGE));
    assertThat(ownerOf(deployment(), "f:image")).as("manager of the image after the set-back")
        .isEqualTo(manager).isNotEqualTo(HAND);
    log("spec drift set back; image owned by manager " + manager);
  }

  @Test
  @Order(8)
  void driftOfALabelIsSetBack() {
    String manager = ownerOf(deployment(), "f:pave.dev/team");
    handEdit("/metadata/labels/pave.dev~1team", "someone-else");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(deployment()
        .getMetadata().getLabels()).containsEntry("pave.dev/team", "e2e"));
    assertThat(ownerOf(deployment(), "f:pave.dev/team")).isEqualTo(manager).isNotEqualTo(HAND);
  }

  @Test
  @Order(9)
  void driftOfAnAnnotationIsSetBack() {
    String manager = ownerOf(deployment(), "f:pave.dev/runbook");
    handEdit("/metadata/annotations/pave.dev~1runbook", "https://elsewhere.example.com");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(deployment()
        .getMetadata().getAnnotations()).containsEntry("pave.dev/runbook",
        "https://runbooks.example.com/echo"));
    assertThat(ownerOf(deployment(), "f:pave.dev/runbook")).isEqualTo(manager)
        .isNotEqualTo(HAND);
  }

  // --- rollback -----------------------------------------------------------------------------

  @Test
  @Order(10)
  void aManualRollbackIsTimedAndPinned() throws Exception {
    long t0 = System.nanoTime();
    Cli rollback = cli("rollback", "echo", "-e", ENV, "-n", APPS, "--to", "1");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(rollback.exit()).as(rollback.out() + rollback.err()).isZero();
    log("manual rollback to revision 1 took " + ms + " ms (the command says: "
        + rollback.out().strip() + ")");
    assertThat(env(deployment())).doesNotContainKey("GREETING");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(status())
        .containsEntry("revision", 3).containsKey("pinnedRevision"));
    // Drift correction must not put revision 2 back while pinned.
    Thread.sleep(3_000);
    assertThat(env(deployment())).doesNotContainKey("GREETING");
    assertThat(revisions()).containsExactly(1, 2, 3);
  }

  @Test
  @Order(11)
  void aRolloutNoNodeCanSatisfyIsRolledBackAutomatically() throws Exception {
    long t0 = System.nanoTime();
    Cli deploy = cli("deploy", spec("huge", "  resources:\n    requests: {cpu: \"1000\","
        + " memory: 64Mi}\n    limits: {cpu: \"1000\", memory: 64Mi}\n"), "-e", ENV, "-n",
        APPS, "--wait", "--timeout", "3m");
    log("failed rollout: `pave deploy --wait` returned " + deploy.exit() + " after "
        + (System.nanoTime() - t0) / 1_000_000 + " ms: " + deploy.out().strip());
    assertThat(deploy.exit()).as(deploy.out() + deploy.err()).isEqualTo(1);
    await().atMost(Duration.ofMinutes(2)).untilAsserted(() ->
        assertThat(status()).containsEntry("phase", "RolledBack"));
    assertThat(deployment().getSpec().getTemplate().getSpec().getContainers().get(0)
        .getResources().getRequests().get("cpu").toString()).isNotEqualTo("1000");
    assertThat(client.v1().events().inNamespace(APPS).list().getItems()).anySatisfy(e ->
        assertThat(e.getReason()).isEqualTo("AutoRolledBack"));
  }

  // --- the admission webhook ----------------------------------------------------------------

  @Test
  @Order(12)
  void theWebhookRefusesAPrivilegedPod() {
    assumeTrue(webhookHost != null || inClusterImage != null, "no webhook: on a real cluster"
        + " an operator outside it needs PAVE_E2E_WEBHOOK_HOST (an address of this machine"
        + " the API server can reach) or PAVE_E2E_IMAGE (the operator installed in it)");
    Pod pod = new PodBuilder().withNewMetadata().withName("privileged").withNamespace(APPS)
        .endMetadata().withNewSpec().addNewContainer().withName("shell").withImage(IMAGE)
        .withNewSecurityContext().withPrivileged(true).endSecurityContext().endContainer()
        .endSpec().build();
    KubernetesClientException refused = org.junit.jupiter.api.Assertions.assertThrows(
        KubernetesClientException.class, () -> client.resource(pod).create());
    log("privileged Pod refused: " + refused.getCode() + " " + refused.getMessage());
    assertThat(refused.getMessage()).contains("denied by Pave policy")
        .contains("pod-security-baseline/privileged");
    assertThat(client.pods().inNamespace(APPS).withName("privileged").get()).isNull();
  }

  // --- leader election ----------------------------------------------------------------------

  @Test
  @Order(13)
  void whenTheLeaderIsKilledMidReconcileTheOtherTakesOverWithoutADuplicateRevision()
      throws Exception {
    assumeTrue(inClusterImage != null || operators.size() == 2, "needs two operators");
    String leader = leader();
    int before = revisions().size();
    long generation = deployment().getMetadata().getGeneration();
    Cli deploy = cli("deploy", spec("v3", "  env: {GREETING: again}\n"), "-e", ENV, "-n",
        APPS);
    assertThat(deploy.exit()).as(deploy.out() + deploy.err()).isZero();
    // Killed once its reconcile has started writing: the Deployment changed, the revision
    // and status may not be written yet.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() ->
        deployment().getMetadata().getGeneration() > generation);
    boolean revisionWritten = revisions().size() > before;
    long killedAt = System.nanoTime();
    kill(leader);
    log("killed the leader " + leader + " after its reconcile changed the Deployment ("
        + (revisionWritten ? "revision already recorded" : "before it recorded the revision")
        + ")");
    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() ->
        leader() != null && !leader().equals(leader));
    long takeover = (System.nanoTime() - killedAt) / 1_000_000;
    Lease lease = lease();
    log("the Lease passed to " + leader() + " " + takeover + " ms after the kill (lease "
        + lease.getSpec().getLeaseDurationSeconds() + " s)");
    assertThat(takeover).isLessThanOrEqualTo(
        (lease.getSpec().getLeaseDurationSeconds() + 5) * 1000L);
    if (inClusterImage == null) {
      operators.stream().filter(E2eOperator::alive).findFirst().ifPresent(o -> {
        if (webhookHost != null) {
          pointWebhooksAt(o);
        }
      });
    }
    await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(status())
        .containsEntry("phase", "Available").containsEntry("revision", before + 1));
    List<Integer> numbers = revisions();
    assertThat(numbers).doesNotHaveDuplicates().hasSize(before + 1);
    assertThat(env(deployment())).containsEntry("GREETING", "again");
  }

  // --- delete -------------------------------------------------------------------------------

  @Test
  @Order(14)
  void deletingTheApplicationDeletesWhatWasApplied() {
    Map<String, String> selector = Map.of("pave.dev/owner-uid", client
        .resources(ApplicationResource.class).inNamespace(APPS).withName("echo").get()
        .getMetadata().getUid());
    client.resources(ApplicationResource.class).inNamespace(APPS).withName("echo").delete();
    await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
      assertThat(client.resources(ApplicationResource.class).inNamespace(APPS)
          .withName("echo").get()).isNull();
      assertThat(deployment()).isNull();
      assertThat(client.namespaces().withName(OBJECTS).get()).isNull();
      assertThat(revisionObjects()).isEmpty();
      assertThat(client.configMaps().inAnyNamespace().withLabels(selector).list().getItems())
          .isEmpty();
      assertThat(client.services().inAnyNamespace().withLabels(selector).list().getItems())
          .isEmpty();
    });
  }

  // --- teams (docs/teams.md) -----------------------------------------------------------------

  /** The Team of the feature request, as written. */
  static final String PAYMENTS = """
      apiVersion: pave.dev/v1alpha1
      kind: Team
      metadata:
        name: payments
      spec:
        members:
          - group: payments-devs
            role: developer
          - group: payments-leads
            role: admin
          - user: auditor@example.com
            role: viewer
        environments: [prod]
        size: small
        onCall: payments-oncall
        runbook: https://runbooks.example.com/payments
      """;
  static final String TEAM_APPS = dev.pave.team.TeamObjects.APPLICATIONS_NAMESPACE;

  /** As {@code kubectl auth can-i VERB RESOURCE -n NS --as=USER --as-group=GROUP} asks. */
  boolean canI(String user, String group, String verb, String apiGroup, String resource,
      String namespace) {
    return client.resource(new io.fabric8.kubernetes.api.model.authorization.v1
        .SubjectAccessReviewBuilder().withNewSpec().withUser(user)
        .withGroups(group == null ? List.of() : List.of(group)).withNewResourceAttributes()
        .withVerb(verb).withGroup(apiGroup).withResource(resource).withNamespace(namespace)
        .endResourceAttributes().endSpec().build()).create().getStatus().getAllowed();
  }

  @Test
  @Order(15)
  void aTeamAppliedGetsItsNamespaceAccessQuotaAndLimits() {
    if (client.namespaces().withName(TEAM_APPS).get() == null) {
      apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: " + TEAM_APPS + "}\n");
    }
    apply(PAYMENTS);
    apply("""
        apiVersion: pave.dev/v1alpha1
        kind: Team
        metadata: {name: search}
        spec:
          members: [{group: search-devs, role: developer}]
          environments: [prod]
        """);
    long applied = System.nanoTime();
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
        client.resourceQuotas().inNamespace("payments-prod").withName("pave-team").get() != null
            && client.rbac().roleBindings().inNamespace("payments-prod").list().getItems()
                .size() == 3
            && client.rbac().roleBindings().inNamespace(TEAM_APPS)
                .withName("pave-ci-payments-prod").get() != null);
    log("Team payments: namespace, bindings and quota in place "
        + (System.nanoTime() - applied) / 1_000_000 + " ms after the apply");
    assertThat(canI("ana", "payments-devs", "create", "apps", "deployments", "payments-prod"))
        .isTrue();
    assertThat(canI("ana", "payments-devs", "create", "apps", "deployments", "search-prod"))
        .as("another team's namespace").isFalse();
    assertThat(canI("auditor@example.com", null, "get", "", "secrets", "payments-prod"))
        .as("a viewer reads no Secrets").isFalse();
    assertThat(canI("auditor@example.com", null, "list", "", "pods", "payments-prod"))
        .isTrue();
    Map<String, String> labels = client.namespaces().withName("payments-prod").get()
        .getMetadata().getLabels();
    assertThat(labels).containsEntry("pod-security.kubernetes.io/enforce", "restricted")
        .containsEntry("pave.dev/team", "payments");
    assertThat(client.resourceQuotas().inNamespace("payments-prod").withName("pave-team").get()
        .getSpec().getHard()).containsKeys("limits.cpu", "limits.memory", "pods");
    var max = client.limitRanges().inNamespace("payments-prod").withName("pave-team").get()
        .getSpec().getLimits().get(0).getMax();
    assertThat(max).containsKeys("cpu", "memory");
    if (target.embedded == null) {
      // Only a real API server enforces LimitRanges: a Pod over the maximum is refused.
      Pod big = new PodBuilder().withNewMetadata().withName("too-big")
          .withNamespace("payments-prod").endMetadata().withNewSpec().addNewContainer()
          .withName("big").withImage(IMAGE).withNewResources()
          .addToLimits("cpu", new io.fabric8.kubernetes.api.model.Quantity("64"))
          .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("64"))
          .endResources().endContainer().endSpec().build();
      KubernetesClientException refused = org.assertj.core.api.Assertions
          .catchThrowableOfType(() -> client.resource(big).create(),
              KubernetesClientException.class);
      assertThat(refused).as("a Pod over the LimitRange").isNotNull();
      assertThat(refused.getCode()).isEqualTo(403);
    }
  }

  @Test
  @Order(16)
  void theCiServiceAccountDeploysItsTeamsApplicationsOnly() throws Exception {
    Cli token = cli("team", "token", "payments", "-e", "prod", "-o", "kubeconfig");
    assertThat(token.exit()).as(token.err()).isZero();
    Path file = target.dir.resolve("payments-ci-kubeconfig");
    Files.writeString(file, token.out());
    try (KubernetesClient ci = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(
        null, token.out(), file.toString())).build()) {
      ApplicationResource own = new ApplicationResource();
      own.setMetadata(new ObjectMetaBuilder().withName("ledger").withNamespace(TEAM_APPS)
          .withLabels(Map.of("pave.dev/environment", "prod")).build());
      own.setSpec(Map.of("team", "payments", "image", IMAGE, "port", 8080));
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
          assertThat(ci.resource(own).createOr(r -> r.update())).isNotNull());
      ApplicationResource other = new ApplicationResource();
      other.setMetadata(new ObjectMetaBuilder().withName("search-api").withNamespace(TEAM_APPS)
          .withLabels(Map.of("pave.dev/environment", "prod")).build());
      other.setSpec(Map.of("team", "search", "image", IMAGE, "port", 8080));
      KubernetesClientException refused = org.assertj.core.api.Assertions
          .catchThrowableOfType(() -> ci.resource(other).create(),
              KubernetesClientException.class);
      assertThat(refused).as("another team's Application").isNotNull();
      assertThat(refused.getCode()).isEqualTo(403);
      assertThat(refused.getMessage()).contains("is the CI ServiceAccount of team payments");
    }
  }

  // --- helpers ------------------------------------------------------------------------------

  Cli cli(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--kubeconfig";
    all[args.length + 1] = target.kubeconfig.toString();
    return Cli.run(all);
  }

  String spec(String name, String extra) throws Exception {
    Path p = specs.resolve(name + ".yaml");
    Files.writeString(p, """
        apiVersion: pave.dev/v1alpha1
        kind: Application
        metadata:
          name: echo
        spec:
          team: e2e
          image: %s
          args: [netexec, --http-port=8080]
          port: 8080
          health: /healthz
          runbook: https://runbooks.example.com/echo
        %s""".formatted(IMAGE, extra));
    return p.toString();
  }

  void apply(String yaml) {
    for (HasMetadata o : client.load(new ByteArrayInputStream(yaml.getBytes(
        StandardCharsets.UTF_8))).items()) {
      client.resource(o).createOr(r -> r.update());
    }
  }

  Map<String, Object> status() {
    ApplicationResource a = client.resources(ApplicationResource.class).inNamespace(APPS)
        .withName("echo").get();
    return a == null || a.getStatus() == null ? Map.of() : a.getStatus();
  }

  Deployment deployment() {
    return client.apps().deployments().inNamespace(OBJECTS).withName("echo").get();
  }

  static Map<String, String> env(Deployment d) {
    Map<String, String> m = new java.util.HashMap<>();
    var env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    if (env != null) {
      env.forEach(e -> m.put(e.getName(), e.getValue()));
    }
    return m;
  }

  List<GenericKubernetesResource> revisionObjects() {
    return client.genericKubernetesResources("pave.dev/v1alpha1", "ApplicationRevision")
        .inNamespace(OBJECTS).list().getItems();
  }

  List<Integer> revisions() {
    return revisionObjects().stream()
        .map(r -> ((Number) ((Map<?, ?>) r.getAdditionalProperties().get("spec"))
            .get("number")).intValue())
        .sorted().toList();
  }

  /** A JSON patch sent as a person would, with a field manager of their own. */
  void handEdit(String path, String value) {
    client.apps().deployments().inNamespace(OBJECTS).withName("echo")
        .patch(new PatchContext.Builder().withPatchType(PatchType.JSON)
            .withFieldManager(HAND).build(),
            "[{\"op\":\"replace\",\"path\":\"" + path + "\",\"value\":\"" + value + "\"}]");
  }

  /** The manager whose managedFields entry names {@code field} (a key such as f:image). */
  static String ownerOf(HasMetadata o, String field) {
    List<ManagedFieldsEntry> entries = o.getMetadata().getManagedFields();
    assertThat(entries).as("managedFields of " + o.getMetadata().getName()).isNotEmpty();
    List<String> owners = entries.stream()
        .filter(e -> e.getFieldsV1() != null && String.valueOf(e.getFieldsV1()
            .getAdditionalProperties()).contains(field))
        .map(ManagedFieldsEntry::getManager).filter(Objects::nonNull).distinct().toList();
    assertThat(owners).as("managers owning " + field + " in " + entries).hasSize(1);
    return owners.get(0);
  }

  Lease lease() {
    return client.resources(Lease.class).inNamespace(SYSTEM).withName("pave-operator").get();
  }

  String leader() {
    Lease l = lease();
    return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
  }

  void kill(String identity) throws Exception {
    if (inClusterImage != null) {
      client.pods().inNamespace(SYSTEM).withName(identity).withGracePeriod(0).delete();
      return;
    }
    E2eOperator o = operators.stream().filter(x -> x.name.equals(identity)).findFirst()
        .orElseThrow(() -> new AssertionError("no operator named " + identity));
    o.kill();
  }

  static int ready(Deployment d) {
    return d == null || d.getStatus() == null || d.getStatus().getReadyReplicas() == null ? 0
        : d.getStatus().getReadyReplicas();
  }

  void log(String line) {
    System.out.println("[e2e " + getClass().getSimpleName() + "] " + line);
  }
}
