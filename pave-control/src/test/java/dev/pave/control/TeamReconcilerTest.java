package dev.pave.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.render.Golden;
import dev.pave.schema.CustomResourceDefinitions;
import dev.pave.spec.Environments;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Team reconciler on the embedded API with the ClusterRoles of the Helm chart installed:
 * the Team of the feature request gets its objects, access follows its members at once (as the
 * API server's own authorizer answers access reviews), and it is not deleted while
 * Applications of the team exist.
 */
class TeamReconcilerTest {
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

  TestCluster api;
  KubernetesClient client;
  Operator operator;

  @BeforeEach
  void start() throws Exception {
    api = TestCluster.start().crds(List.of(CustomResourceDefinitions.application(),
        CustomResourceDefinitions.environment(), CustomResourceDefinitions.team()))
        .namespaces("pave-apps");
    client = api.client;
    String roles = Files.readString(Golden.root().resolve(
        "deploy/helm/pave/templates/team-roles.yaml"));
    for (Object doc : new Yaml().loadAll(roles)) {
      client.resource(client.getKubernetesSerialization().convertValue(doc,
          io.fabric8.kubernetes.api.model.rbac.ClusterRole.class)).create();
    }
    operator = Operators.create(client, 4, null, new OperatorMetrics());
    operator.register(new TeamReconciler(Environments.builtIn(), "pave-apps",
        Clock.systemUTC(), Duration.ofMinutes(5)));
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.stop();
    api.close();
  }

  void apply(String yaml) {
    TeamResource wanted = client.getKubernetesSerialization().unmarshal(yaml,
        TeamResource.class);
    // As kubectl apply does, again on a conflict: the operator writes the status meanwhile.
    Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptionsMatching(e ->
        e instanceof io.fabric8.kubernetes.client.KubernetesClientException k
            && k.getCode() == 409).until(() -> {
              TeamResource live = team(wanted.getMetadata().getName());
              if (live == null) {
                client.resource(wanted).create();
              } else {
                live.setSpec(wanted.getSpec());
                client.resource(live).update();
              }
              return true;
            });
  }

  TeamResource team(String name) {
    return client.resources(TeamResource.class).withName(name).get();
  }

  @SuppressWarnings("unchecked")
  static String ready(TeamResource t) {
    if (t == null || t.getStatus() == null) {
      return null;
    }
    Map<String, Object> c = ((List<Map<String, Object>>) t.getStatus().get("conditions")).get(0);
    return c.get("status") + " " + c.get("reason") + ": " + c.get("message");
  }

  boolean allowed(String user, String group, String verb, String apiGroup, String resource,
      String namespace) {
    SubjectAccessReview review = client.resource(new SubjectAccessReviewBuilder().withNewSpec()
        .withUser(user).withGroups(group == null ? List.of() : List.of(group))
        .withNewResourceAttributes().withVerb(verb).withGroup(apiGroup).withResource(resource)
        .withNamespace(namespace).endResourceAttributes().endSpec().build()).create();
    return review.getStatus().getAllowed();
  }

  List<String> bindings(String namespace) {
    return client.resources(RoleBinding.class).inNamespace(namespace).list().getItems().stream()
        .map(b -> b.getMetadata().getName()).sorted().toList();
  }

  @Test
  void theTeamOfTheFeatureRequestGetsItsNamespaceBindingsQuotaAndNetworkPolicy() {
    apply(PAYMENTS);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> ready(team("payments")),
        r -> r != null && r.startsWith("True"));
    assertThat(ready(team("payments"))).isEqualTo("True Applied: Namespaces, bindings, quotas"
        + " and network policies are in place in payments-prod.");
    assertThat(team("payments").getStatus().get("namespaces"))
        .isEqualTo(Map.of("prod", "payments-prod"));
    var ns = client.namespaces().withName("payments-prod").get();
    assertThat(ns.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce",
        "restricted").containsEntry("pave.dev/team", "payments");
    assertThat(bindings("payments-prod")).containsExactly("pave-admin-group-payments-leads",
        "pave-developer-group-payments-devs", "pave-viewer-user-auditor-example-com-015d7ad8");
    assertThat(bindings("pave-apps")).containsExactly("pave-ci-payments-prod");
    assertThat(client.resourceQuotas().inNamespace("payments-prod").withName("pave-team").get()
        .getSpec().getHard()).containsKeys("limits.cpu", "pods", "requests.storage");
    assertThat(client.limitRanges().inNamespace("payments-prod").withName("pave-team").get())
        .isNotNull();
    assertThat(client.network().v1().networkPolicies().inNamespace("payments-prod")
        .withName("pave-default-deny").get().getSpec().getPolicyTypes())
        .containsExactly("Ingress", "Egress");
    assertThat(client.serviceAccounts().inNamespace("payments-prod").withName("pave-ci").get())
        .isNotNull();
    assertThat(client.namespaces().withName("payments-dev").get()).isNull();
    @SuppressWarnings("unchecked")
    Map<String, Object> onboarding = (Map<String, Object>) team("payments").getStatus()
        .get("onboarding");
    assertThat(onboarding.get("created")).isEqualTo(team("payments").getMetadata()
        .getCreationTimestamp());
  }

  @Test
  void accessFollowsTheMembersRolesAndAnotherTeamsNamespaceIsClosed() {
    apply(PAYMENTS);
    apply("""
        apiVersion: pave.dev/v1alpha1
        kind: Team
        metadata: {name: search}
        spec:
          members: [{group: search-devs, role: developer}]
          environments: [prod]
        """);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        bindings("search-prod").size() == 1 && bindings("payments-prod").size() == 3);
    assertThat(allowed("ana", "payments-devs", "create", "apps", "deployments",
        "payments-prod")).isTrue();
    assertThat(allowed("ana", "payments-devs", "create", "apps", "deployments", "search-prod"))
        .isFalse();
    assertThat(allowed("ana", "payments-devs", "create", "rbac.authorization.k8s.io",
        "rolebindings", "payments-prod")).as("developers edit no RBAC").isFalse();
    assertThat(allowed("lead", "payments-leads", "create", "rbac.authorization.k8s.io",
        "rolebindings", "payments-prod")).isTrue();
    assertThat(allowed("auditor@example.com", null, "get", "", "secrets", "payments-prod"))
        .as("viewers read no Secrets").isFalse();
    assertThat(allowed("auditor@example.com", null, "list", "", "pods", "payments-prod"))
        .isTrue();
    assertThat(allowed("system:serviceaccount:payments-prod:pave-ci", null, "create",
        "pave.dev", "applications", "pave-apps")).isTrue();
  }

  @Test
  void removingAMemberRemovesItsAccessAtOnce() {
    apply(PAYMENTS);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        bindings("payments-prod").size() == 3);
    String without = PAYMENTS.replace("    - group: payments-devs\n      role: developer\n",
        "");
    assertThat(without).doesNotContain("payments-devs");
    apply(without);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        !bindings("payments-prod").contains("pave-developer-group-payments-devs"));
    assertThat(allowed("ana", "payments-devs", "create", "apps", "deployments",
        "payments-prod")).isFalse();
    assertThat(bindings("payments-prod")).containsExactly("pave-admin-group-payments-leads",
        "pave-viewer-user-auditor-example-com-015d7ad8");
  }

  @Test
  void aTeamWithApplicationsIsNotDeletedUntilTheyAreGone() {
    apply(PAYMENTS);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> ready(team("payments")),
        r -> r != null && r.startsWith("True"));
    ApplicationResource app = new ApplicationResource();
    app.setMetadata(new ObjectMetaBuilder().withName("checkout").withNamespace("pave-apps")
        .withLabels(Map.of("pave.dev/environment", "prod")).build());
    app.setSpec(Map.of("team", "payments", "image", "registry.example.com/checkout:1"));
    client.resource(app).create();
    Awaitility.await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
        .until(() -> true);
    client.resources(TeamResource.class).withName("payments").delete();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ready(team("payments")),
        r -> r != null && r.contains("ApplicationsExist"));
    assertThat(ready(team("payments"))).isEqualTo("False ApplicationsExist: Team payments still"
        + " has 1 Application(s): pave-apps/checkout; it is deleted once they are deleted or"
        + " moved to another team.");
    assertThat(client.namespaces().withName("payments-prod").get()).isNotNull();
    client.resource(app).delete();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> team("payments") == null);
    assertThat(bindings("pave-apps")).isEmpty();
  }

  @SuppressWarnings("unchecked")
  static String condition(TeamResource t, String type) {
    return t == null || t.getStatus() == null ? null
        : ((List<Map<String, Object>>) t.getStatus().get("conditions")).stream()
            .filter(c -> type.equals(c.get("type"))).findFirst()
            .map(c -> c.get("status") + " " + c.get("reason") + ": " + c.get("message"))
            .orElse(null);
  }

  boolean gone(String namespace) {
    var ns = client.namespaces().withName(namespace).get();
    return ns == null || ns.getMetadata().getDeletionTimestamp() != null;
  }

  @Test
  void aDroppedEnvironmentsNamespaceIsDeletedWhenNoApplicationIsThereAndKeptWhileOneIs() {
    String both = PAYMENTS.replace("environments: [prod]", "environments: [dev, prod]");
    apply(both);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        bindings("payments-dev").size() == 3 && bindings("payments-prod").size() == 3);
    ApplicationResource app = new ApplicationResource();
    app.setMetadata(new ObjectMetaBuilder().withName("checkout").withNamespace("pave-apps")
        .withLabels(Map.of("pave.dev/environment", "prod")).build());
    app.setSpec(Map.of("team", "payments", "image", "registry.example.com/checkout:1"));
    client.resource(app).create();

    // dev has no Application of the team: its namespace goes.
    apply(PAYMENTS);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> gone("payments-dev"));
    assertThat(gone("payments-prod")).isFalse();

    // prod has one: its namespace stays, and the Team says why.
    apply(PAYMENTS.replace("environments: [prod]", "environments: [dev]"));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        condition(team("payments"), "NamespacesKept"), c -> c != null);
    assertThat(condition(team("payments"), "NamespacesKept")).isEqualTo("True"
        + " ApplicationsExist: Namespace(s) of environments no longer in spec.environments are"
        + " kept while Applications of team payments are there: payments-prod"
        + " (pave-apps/checkout); each is deleted once they are deleted or moved.");
    assertThat(gone("payments-prod")).isFalse();
    assertThat(bindings("payments-prod")).as("the access goes at once").isEmpty();

    client.resource(app).delete();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gone("payments-prod"));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        condition(team("payments"), "NamespacesKept") == null);
  }
}
