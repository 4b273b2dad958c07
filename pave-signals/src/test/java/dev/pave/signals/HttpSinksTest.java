package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Codec;
import dev.pave.signals.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Splunk HEC and PagerDuty Events v2 against a local HTTP server that records what it is sent,
 * checked against the documented request format (no Splunk or PagerDuty runs here).
 */
class HttpSinksTest {
  @TempDir Path dir;

  @Test
  void splunk_gets_every_signal_and_pagerduty_one_trigger_and_one_resolve_per_incident()
      throws Exception {
    try (Receiver splunk = new Receiver(); Receiver pd = new Receiver()) {
      Files.writeString(dir.resolve("hec-token"), "hec-123");
      Files.writeString(dir.resolve("pd-key"), "R0UTINGKEY");
      String yaml = """
          apiVersion: pave.dev/v1alpha1
          kind: SignalsConfig
          intake: {port: 0}
          catalog:
            applications:
              - {app: checkout, environment: prod, team: payments, namespace: payments,
                 runbook: "https://runbooks.example.com/checkout", cluster: prod-eu-1}
          sinks:
            - {name: splunk, type: splunk-hec, url: "%s", tokenFile: hec-token, index: soc}
            - {name: pager, type: pagerduty, url: "%s", routingKeyFile: pd-key}
          routes:
            - sinks: [splunk, pager]
          """.formatted(splunk.url().replace("/hook", ""), pd.url());
      var r = ConfigReader.read("signals.yaml", yaml, dir);
      assertThat(r.problems()).isEmpty();
      try (Database db = Postgres.fresh();
          Pipeline pipeline = Pipeline.start(r.config(), db, Clock.systemUTC(), l -> { })) {
        HttpClient http = HttpClient.newHttpClient();
        for (byte[] body : List.of(Fixtures.firing(), Fixtures.mixedResolved())) {
          http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.port()
              + "/api/v1/alertmanager")).POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build(), HttpResponse.BodyHandlers.discarding());
        }
        // The second pod resolves too: the incident resolves.
        String last = new String(Fixtures.mixedResolved()).replace(
            "\"status\": \"firing\",\n      \"labels\"", "\"status\": \"resolved\",\n      \"labels\"")
            .replace("\"endsAt\": \"0001-01-01T00:00:00Z\"", "\"endsAt\": \"2026-11-23T19:36:00Z\"");
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.port()
            + "/api/v1/alertmanager")).POST(HttpRequest.BodyPublishers.ofString(last)).build(),
            HttpResponse.BodyHandlers.discarding());

        await().atMost(Duration.ofSeconds(10)).until(() -> splunk.requests.size() == 4);
        var hec = splunk.requests.get(0);
        assertThat(hec.path()).isEqualTo("/services/collector/event");
        assertThat(hec.header("Authorization")).isEqualTo("Splunk hec-123");
        JsonNode e = Codec.json().readTree(hec.body());
        assertThat(e.get("index").asText()).isEqualTo("soc");
        assertThat(e.get("sourcetype").asText()).isEqualTo("pave:signal");
        assertThat(e.get("time").asDouble()).isEqualTo(
            (double) java.time.Instant.parse("2026-11-23T19:35:08Z").getEpochSecond());
        assertThat(e.at("/event/service/name").asText()).isEqualTo("checkout");
        assertThat(e.at("/fields/team").asText()).isEqualTo("payments");

        // opened (trigger), updates (trigger again, same dedup_key; updates waiting together
        // are folded into the newest), resolved (resolve)
        await().atMost(Duration.ofSeconds(10)).until(() -> pd.requests.stream()
            .anyMatch(q -> q.body().contains("\"event_action\":\"resolve\"")));
        List<JsonNode> events = pd.requests.stream().map(q -> {
          try {
            return Codec.json().readTree(q.body());
          } catch (Exception ex) {
            throw new IllegalStateException(ex);
          }
        }).toList();
        assertThat(events).hasSizeBetween(2, 4);
        assertThat(events.get(0).get("event_action").asText()).isEqualTo("trigger");
        assertThat(events.get(events.size() - 1).get("event_action").asText())
            .isEqualTo("resolve");
        assertThat(events.subList(0, events.size() - 1)).extracting(
            n -> n.get("event_action").asText()).containsOnly("trigger");
        assertThat(events).extracting(n -> n.get("dedup_key").asText()).containsOnly(
            events.get(0).get("dedup_key").asText());
        assertThat(events.get(0).get("routing_key").asText()).isEqualTo("R0UTINGKEY");
        assertThat(events.get(0).at("/payload/severity").asText()).isEqualTo("critical");
        assertThat(events.get(0).at("/payload/source").asText()).isEqualTo("checkout/prod");
        assertThat(events.get(0).at("/links/0/href").asText())
            .isEqualTo("https://runbooks.example.com/checkout");
      }
    }
  }

  @Test
  void splunk_with_a_batch_gets_several_events_in_one_body_each_once() throws Exception {
    try (Receiver splunk = new Receiver()) {
      Files.writeString(dir.resolve("hec-token"), "hec-123");
      String yaml = """
          apiVersion: pave.dev/v1alpha1
          kind: SignalsConfig
          intake: {port: 0}
          sinks:
            - {name: splunk, type: splunk-hec, url: "%s", tokenFile: hec-token, batch: 10,
               partitions: 1, retry: {initialBackoff: 50ms, maxBackoff: 200ms},
               breaker: {failures: 1000, openFor: 1s}}
          routes:
            - sinks: [splunk]
          """.formatted(splunk.url().replace("/hook", ""));
      var r = ConfigReader.read("signals.yaml", yaml, dir);
      assertThat(r.problems()).isEmpty();
      splunk.status.set(503);
      try (Database db = Postgres.fresh();
          Pipeline pipeline = Pipeline.start(r.config(), db, Clock.systemUTC(), l -> { })) {
        HttpClient http = HttpClient.newHttpClient();
        for (int g = 0; g < 25; g++) {
          http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.port()
              + "/api/v1/alertmanager")).POST(HttpRequest.BodyPublishers.ofString(
                  BurstTest.notification(g, 1))).build(), HttpResponse.BodyHandlers.discarding());
        }
        Thread.sleep(300);
        splunk.status.set(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> pipeline.store().outboxSize() == 0);
        List<String> titles = new java.util.ArrayList<>();
        for (Receiver.Request req : splunk.requests) {
          try (var events = Codec.json().readerFor(JsonNode.class).<JsonNode>readValues(
              req.body())) {
            int n = 0;
            while (events.hasNext()) {
              JsonNode e = events.next();
              assertThat(e.get("sourcetype").asText()).isEqualTo("pave:signal");
              titles.add(e.at("/event/message").asText() + "|" + e.at("/fields/signal_id"));
              n++;
            }
            assertThat(n).isBetween(1, 10);
          }
        }
        assertThat(titles).hasSize(25).doesNotHaveDuplicates();
        assertThat(splunk.requests.size()).isBetween(3, 12);
      }
    }
  }
}
