package dev.pave.signals.itsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.signals.Fixtures;
import dev.pave.signals.Postgres;
import dev.pave.signals.Receiver;
import dev.pave.signals.TestApi;
import dev.pave.signals.cluster.SignalSinkResources;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Database;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SignalSink resources on the embedded Kubernetes API (status subresource): a valid
 * one starts delivering without a restart, with its password read from a Secret; an invalid
 * one gets a Ready=False condition naming the field; a change of the resource or of its Secret
 * is applied while running; a deleted one stops.
 */
class SignalSinkResourcesTest {
  static final String NS = "pave-system";
  @TempDir Path dir;
  private TestApi api;
  private KubernetesClient client;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void cluster() {
    api = TestApi.start().namespaces(NS).define(SignalSinkResources.definition());
    client = api.client;
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private void secret(String name, String key, String value) {
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata()
        .withName(name).withNamespace(NS).endMetadata()
        .addToData(key, java.util.Base64.getEncoder().encodeToString(value.getBytes()))
        .build()).createOr(r -> r.update());
  }

  private void sink(String name, Map<String, Object> spec) {
    GenericKubernetesResource r = new GenericKubernetesResourceBuilder()
        .withApiVersion("pave.dev/v1alpha1").withKind("SignalSink").withNewMetadata()
        .withName(name).withNamespace(NS).endMetadata()
        .addToAdditionalProperties("spec", spec).build();
    var op = client.genericKubernetesResources(SignalSinkResources.CONTEXT).inNamespace(NS);
    GenericKubernetesResource existing = op.withName(name).get();
    if (existing == null) {
      op.resource(r).create();
    } else {
      existing.setAdditionalProperty("spec", spec);
      op.resource(existing).update();
    }
  }

  private List<io.fabric8.kubernetes.api.model.Event> events(String name) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> ready(String name) {
    GenericKubernetesResource r = client.genericKubernetesResources(SignalSinkResources.CONTEXT)
        .inNamespace(NS).withName(name).get();
    if (r == null || !(r.getAdditionalProperties().get("status") instanceof Map<?, ?> st)) {
      return Map.of();
    }
    List<Map<String, Object>> cs = (List<Map<String, Object>>) st.get("conditions");
    return cs == null || cs.isEmpty() ? Map.of() : cs.get(0);
  }

  private void post(Pipeline p, String body) throws Exception {
    HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + p.port() + "/api/v1/alertmanager")).POST(HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
  }

  @Test
  void sinks_defined_in_the_cluster_are_checked_applied_changed_and_removed_while_running()
      throws Exception {
    try (Receiver soc = new Receiver(); FakeServiceNow first = new FakeServiceNow("pave", "pw-1");
        FakeServiceNow second = new FakeServiceNow("pave", "pw-2");
        Database db = Postgres.fresh()) {
      String yaml = """
          apiVersion: pave.dev/v1alpha1
          kind: SignalsConfig
          intake: {port: 0}
          catalog:
            applications:
              - {app: checkout, environment: prod, team: payments, namespace: payments}
          sinks:
            - {name: soc, type: webhook, url: "%s"}
          routes:
            - sinks: [soc]
          """.formatted(soc.url());
      var cfg = ConfigReader.read("signals.yaml", yaml, dir).config();
      secret("itsm", "password", "pw-1");
      try (Pipeline p = Pipeline.start(cfg, db, Clock.systemUTC(), log::add);
          SignalSinkResources watch = new SignalSinkResources(client, NS, Set.of("soc"),
              p::resourceSinks, Clock.systemUTC(), log::add).start()) {
        Map<String, Object> spec = new HashMap<>(Map.of("type", "servicenow", "url",
            first.url(), "user", "pave", "passwordSecretRef", Map.of("name", "itsm", "key",
                "password"), "retry", Map.of("initialBackoff", "50ms", "maxBackoff", "200ms"),
            "routes", List.of(Map.of("teams", List.of("payments"), "severities",
                List.of("critical")))));
        sink("tickets", spec);
        sink("broken", Map.of("type", "servicenow", "url", first.url(), "user", "pave",
            "passwordSecretRef", Map.of("name", "itsm", "key", "pw")));
        sink("typo", Map.of("type", "servicenw", "url", first.url()));
        sink("soc", Map.of("type", "webhook", "url", soc.url()));

        await().atMost(Duration.ofSeconds(10)).until(() -> "True".equals(ready("tickets")
            .get("status")));
        assertThat(ready("tickets")).containsEntry("reason", "Valid")
            .containsEntry("message", "Delivering to servicenow sink tickets with 1 route(s).")
            .containsEntry("observedGeneration", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> !ready("broken").isEmpty()
            && !ready("typo").isEmpty() && !ready("soc").isEmpty());
        assertThat(ready("broken")).containsEntry("status", "False")
            .containsEntry("reason", "InvalidSpec").containsEntry("message",
                "spec.passwordSecretRef: Secret pave-system/itsm has no key \"pw\" (or does not"
                    + " exist)");
        assertThat(ready("typo")).containsEntry("reason", "InvalidSpec").containsEntry(
            "message", "spec.type: unknown sink type \"servicenw\"; did you mean"
                + " \"servicenow\"? Valid: webhook, syslog, splunk-hec, request-tracker,"
                + " servicenow, jira, pagerduty.");
        assertThat(ready("soc")).containsEntry("reason", "NameTaken");
        await().atMost(Duration.ofSeconds(10)).until(() -> events("broken").size() == 1
            && events("tickets").size() == 1);
        assertThat(events("broken").get(0)).satisfies(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getReason()).isEqualTo("InvalidSpec");
          assertThat(e.getMessage()).isEqualTo(ready("broken").get("message"));
          assertThat(e.getInvolvedObject().getKind()).isEqualTo("SignalSink");
        });
        assertThat(events("tickets").get(0).getType()).isEqualTo("Normal");
        assertThat(p.sinks()).extracting(SinkConfig::name).containsExactlyInAnyOrder("soc",
            "tickets");

        post(p, new String(Fixtures.firing()));
        await().atMost(Duration.ofSeconds(10)).until(() -> first.records.size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> soc.requests.size() == 2);

        // The password is rotated and the sink moves to another instance: applied while
        // running, the next incident goes there.
        secret("itsm", "password", "pw-2");
        spec.put("url", second.url());
        sink("tickets", spec);
        await().atMost(Duration.ofSeconds(10)).until(() -> Integer.valueOf(2).equals(
            ready("tickets").get("observedGeneration")));
        assertThat(events("tickets")).as("no Event for a condition that did not change")
            .hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> p.sinks().stream().anyMatch(s ->
            s instanceof SinkConfig.ServiceNow sn && sn.url().toString().equals(second.url())));
        post(p, ItsmSinksTest.allResolved().replace("KubePodCrashLooping",
            "KubeDeploymentReplicasMismatch").replace("\"status\": \"resolved\",\n  \"alerts\"",
            "\"status\": \"firing\",\n  \"alerts\"").replace("\"status\": \"resolved\",\n"
            + "      \"labels\"", "\"status\": \"firing\",\n      \"labels\""));
        await().atMost(Duration.ofSeconds(10)).until(() -> second.records.size() == 1);
        assertThat(first.records).hasSize(1);

        client.genericKubernetesResources(SignalSinkResources.CONTEXT).inNamespace(NS)
            .withName("tickets").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> p.sinks().size() == 1);
        assertThat(p.metrics().scrape()).doesNotContain("sink=\"tickets\"")
            .contains("pave_signals_delivered_total{sink=\"soc\"}");
      }
      String everything = String.join("\n", log) + client.genericKubernetesResources(
          SignalSinkResources.CONTEXT).inNamespace(NS).list().getItems().toString();
      assertThat(everything).doesNotContain("pw-1").doesNotContain("pw-2");
    }
  }
}
