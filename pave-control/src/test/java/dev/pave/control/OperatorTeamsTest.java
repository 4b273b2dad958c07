package dev.pave.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.control.webhook.TeamAdmission;
import dev.pave.schema.CustomResourceDefinitions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator as {@code pave operator} and the sandbox register it
 * ({@link Operators#registerWithTeams}) on the embedded API: a Team created as kubectl sends it
 * gets its objects, Applications of the team inherit its on-call and runbook, and the directory
 * admission reads answers from memory.
 */
class OperatorTeamsTest {
  TestCluster api;
  KubernetesClient client;
  Operator operator;
  TeamDirectory directory;

  @BeforeEach
  void start() {
    api = TestCluster.start().crds(List.of(CustomResourceDefinitions.application(),
        CustomResourceDefinitions.applicationRevision(), CustomResourceDefinitions.environment(),
        CustomResourceDefinitions.team())).namespaces("pave-apps");
    client = api.client;
    operator = Operators.create(client, 4, null, new OperatorMetrics());
    directory = Operators.registerWithTeams(operator, client, ApplicationReconciler.withBuiltIns(
        new Releases(client, Clock.systemUTC(), System::nanoTime, 20), "prod",
        Clock.systemUTC()), "prod", Clock.systemUTC(), Duration.ofMinutes(5));
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.stop();
    directory.close();
    api.close();
  }

  /** As {@code kubectl create -f}: the YAML as written, no typed class in between. */
  void kubectlCreate(String yaml) {
    client.resource(yaml).create();
  }

  List<String> bindings(String namespace) {
    return client.resources(RoleBinding.class).inNamespace(namespace).list().getItems().stream()
        .map(b -> b.getMetadata().getName()).sorted().toList();
  }

  @Test
  void aTeamCreatedAsKubectlDoesGetsNamespaceBindingsAndQuota() {
    kubectlCreate(TeamReconcilerTest.PAYMENTS);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        bindings("payments-prod").size() == 3 && client.resourceQuotas()
            .inNamespace("payments-prod").withName("pave-team").get() != null);
    assertThat(client.namespaces().withName("payments-prod").get().getMetadata().getLabels())
        .containsEntry("pave.dev/team", "payments")
        .containsKey("pod-security.kubernetes.io/enforce");
    assertThat(bindings("payments-prod")).contains("pave-developer-group-payments-devs");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        directory.teamOfNamespace("payments-prod") != null);
    assertThat(directory.teamOfNamespace("payments-prod")).isEqualTo("payments");
    assertThat(directory.team("payments").spec().onCall()).isEqualTo("payments-oncall");
  }

  ApplicationResource application(String name, Map<String, Object> extra) {
    ApplicationResource r = new ApplicationResource();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("pave-apps")
        .withLabels(Map.of(ApplicationReconciler.ENVIRONMENT_LABEL, "prod")).build());
    Map<String, Object> spec = new LinkedHashMap<>(Map.of("team", "payments",
        "image", "registry.example.com/payments/" + name + ":1.0.0", "port", 8080));
    spec.putAll(extra);
    r.setSpec(spec);
    return r;
  }

  Map<String, String> deploymentAnnotations(String name) {
    return client.apps().deployments().inAnyNamespace().list().getItems().stream()
        .filter(d -> d.getMetadata().getName().equals(name)).findFirst()
        .map(Deployment::getMetadata).map(m -> m.getAnnotations()).orElse(null);
  }

  @Test
  void applicationsTakeOnCallAndRunbookFromTheirTeamUnlessTheySetTheirOwn() {
    kubectlCreate(TeamReconcilerTest.PAYMENTS);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        directory.team("payments") != null);
    client.resource(application("ledger", Map.of())).create();
    client.resource(application("checkout", Map.of("onCall", "checkout-oncall"))).create();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
        deploymentAnnotations("ledger") != null && deploymentAnnotations("checkout") != null);
    assertThat(deploymentAnnotations("ledger"))
        .containsEntry("pave.dev/on-call", "payments-oncall")
        .containsEntry("pave.dev/runbook", "https://runbooks.example.com/payments");
    assertThat(deploymentAnnotations("checkout"))
        .containsEntry("pave.dev/on-call", "checkout-oncall")
        .containsEntry("pave.dev/runbook", "https://runbooks.example.com/payments");
  }

  @Test
  void admissionReadsTeamsAndEnvironmentsFromTheDirectory() {
    kubectlCreate("""
        apiVersion: pave.dev/v1alpha1
        kind: Environment
        metadata: {name: prod}
        spec: {teams: required}
        """);
    Map<String, Object> request = Map.of("namespace", "pave-apps", "object", Map.of(
        "kind", "Application", "metadata", Map.of("name", "ledger",
            "labels", Map.of("pave.dev/environment", "prod")),
        "spec", Map.of("team", "payments")));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        TeamAdmission.refusal(request, directory) != null);
    assertThat(TeamAdmission.refusal(request, directory))
        .contains("names team \"payments\", which has no Team resource");
    kubectlCreate(TeamReconcilerTest.PAYMENTS);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        TeamAdmission.refusal(request, directory) == null);
  }
}
