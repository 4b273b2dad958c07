package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.config.SignalsConfig;
import dev.pave.signals.deliver.WebhookSink;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Codec;
import dev.pave.signals.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private Pipeline pipeline;
  private Database db;
  private Receiver receiver;

  @AfterEach
  void stop() throws Exception {
    if (pipeline != null) {
      pipeline.close();
    }
    if (db != null) {
      db.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  private void start(String sinkExtra, int queue) throws Exception {
    start(sinkExtra, queue, "");
  }

  private void start(String sinkExtra, int queue, String sinkFields) throws Exception {
    receiver = new Receiver();
    Files.writeString(dir.resolve("am-token"), "am-secret\n");
    Files.writeString(dir.resolve("hook-hmac"), "hook-secret");
    String yaml = """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake:
          port: 0
          queue: %d
          alertmanager:
            bearerTokenFile: am-token
        catalog:
          applications:
            - app: checkout
              environment: prod
              team: payments
              owner: ana@example.com
              onCall: pagerduty:payments-primary
              runbook: https://runbooks.example.com/checkout
              tier: critical
              cluster: prod-eu-1
              namespace: payments
        sinks:
          - name: soc
            type: webhook
            url: %s
            format: cloudevents-structured
            hmacSecretFile: hook-hmac
            retry: {initialBackoff: 50ms, maxBackoff: 200ms, maxAttempts: 1000}
            breaker: {failures: 1000, openFor: 1s}
            partitions: 1
            %s
        %s
        routes:
          - sinks: [soc]
        """.formatted(queue, receiver.url(), sinkFields, sinkExtra);
    var r = ConfigReader.read("signals.yaml", yaml, dir);
    assertThat(r.problems()).isEmpty();
    SignalsConfig cfg = r.config();
    db = Postgres.fresh();
    pipeline = Pipeline.start(cfg, db, Clock.systemUTC(), log::add);
  }

  private HttpResponse<String> post(String path, byte[] body, String... headers)
      throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.port() + path))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> alert(byte[] body) throws Exception {
    return post("/api/v1/alertmanager", body, "Authorization", "Bearer am-secret",
        "Content-Type", "application/json");
  }

  @Test
  void alerts_are_journaled_once_and_delivered_enriched_in_order_as_signed_cloudevents()
      throws Exception {
    start("", 20000);
    var first = alert(Fixtures.firing());
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("{\"accepted\":2,\"duplicates\":0}");
    // Alertmanager's retry (byte-identical) and its HA peer's copy add nothing.
    assertThat(alert(Fixtures.firing()).body()).isEqualTo("{\"accepted\":0,\"duplicates\":2}");
    assertThat(alert(Fixtures.mixedResolved()).body())
        .isEqualTo("{\"accepted\":1,\"duplicates\":1}");
    assertThat(pipeline.store().journalSize()).isEqualTo(3);

    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() == 3);
    List<JsonNode> events = receiver.requests.stream().map(r -> read(r.body())).toList();
    assertThat(events).extracting(e -> e.get("type").asText()).containsExactly(
        "dev.pave.signal.alert.firing", "dev.pave.signal.alert.firing",
        "dev.pave.signal.alert.resolved");
    JsonNode data = events.get(0).get("data");
    // A static catalog entry knows no revision: partial, and it says what is missing.
    assertThat(data.at("/enrichment/enrichment").asText()).isEqualTo("partial");
    assertThat(data.at("/enrichment/missing").toString()).isEqualTo("[\"revision\"]");
    assertThat(data.at("/enrichment/team").asText()).isEqualTo("payments");
    assertThat(data.at("/enrichment/onCall").asText()).isEqualTo("pagerduty:payments-primary");
    assertThat(data.at("/incident/change").asText()).isEqualTo("opened");
    assertThat(events.get(2).at("/data/incident/change").asText()).isEqualTo("updated");
    assertThat(events.get(2).at("/data/incident/firing").asInt()).isEqualTo(1);
    var req = receiver.requests.get(0);
    assertThat(req.header(WebhookSink.SIGNATURE)).isEqualTo("sha256=" + WebhookSink.hmac(
        "hook-secret".getBytes(StandardCharsets.UTF_8), req.header(WebhookSink.TIMESTAMP),
        req.body().getBytes(StandardCharsets.UTF_8)));
    assertThat(req.header("Content-Type")).startsWith("application/cloudevents+json");
    assertThat(pipeline.store().outboxSize()).isZero();
    String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + pipeline.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).containsPattern("pave_signals_delivered_total\\{sink=\"[^\"]+\"} 3.0")
        .contains("pave_signals_journal_queue 0.0").containsPattern(
            "pave_signals_circuit_open\\{sink=\"[^\"]+\"} 0.0");
  }

  @Test
  void the_intake_refuses_wrong_credentials_and_broken_bodies_and_takes_nothing()
      throws Exception {
    start("", 20000);
    assertThat(post("/api/v1/alertmanager", Fixtures.firing()).statusCode()).isEqualTo(401);
    assertThat(post("/api/v1/alertmanager", Fixtures.firing(), "Authorization", "Bearer nope")
        .statusCode()).isEqualTo(401);
    var bad = alert("{\"version\":\"4\",\"alerts\":[{\"status\":\"x\"}]}"
        .getBytes(StandardCharsets.UTF_8));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("alerts[0].status: expected firing or resolved");
    assertThat(pipeline.store().journalSize()).isZero();
  }

  @Test
  void more_than_the_queue_holds_is_refused_with_429_so_the_sender_retries() throws Exception {
    start("", 1);
    var r = alert(Fixtures.firing());
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(pipeline.store().journalSize()).isZero();
  }

  @Test
  void cloudevents_in_every_mode_reach_the_timeline_in_time_order() throws Exception {
    start("", 20000);
    String deploy = """
        {"specversion":"1.0","id":"d1","source":"/ci","type":"ci.deploy",
         "time":"2026-11-23T19:00:00Z","app":"checkout","env":"prod","data":{"summary":"deployed 1.4.2"}}""";
    var s = post("/api/v1/cloudevents", deploy.getBytes(StandardCharsets.UTF_8),
        "Content-Type", "application/cloudevents+json");
    assertThat(s.statusCode()).isEqualTo(200);
    var b = post("/api/v1/cloudevents", "shell in container".getBytes(StandardCharsets.UTF_8),
        "ce-specversion", "1.0", "ce-id", "f1", "ce-source", "/falco", "ce-type", "falco.alert",
        "ce-time", "2026-11-23T18:00:00Z", "ce-app", "checkout", "ce-env", "prod",
        "ce-status", "firing", "ce-severity", "critical", "Content-Type", "text/plain");
    assertThat(b.statusCode()).isEqualTo(200);
    assertThat(post("/api/v1/cloudevents", "{}".getBytes(StandardCharsets.UTF_8),
        "Content-Type", "application/json").statusCode()).isEqualTo(415);
    var t = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.port()
        + "/api/v1/timeline?app=checkout&env=prod&since=2026-11-23T00:00:00Z")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(t.statusCode()).isEqualTo(200);
    JsonNode items = read(t.body()).get("items");
    assertThat(items).hasSize(2);
    assertThat(items.get(0).get("title").asText()).isEqualTo("falco.alert");
    assertThat(items.get(0).get("status").asText()).isEqualTo("firing");
    assertThat(items.get(1).get("summary").asText()).isEqualTo("deployed 1.4.2");
    var missing = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + pipeline.port() + "/api/v1/timeline?app=checkout")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(400);
  }

  @Test
  void a_sink_that_is_down_keeps_a_backlog_that_drains_in_order_afterwards() throws Exception {
    start("", 20000);
    backlogWhileTheReceiverIsDown();
    Thread.sleep(1500);
    assertThat(receiver.requests).isEmpty();
    assertThat(pipeline.store().outboxSize()).isEqualTo(60);
    receiver.status.set(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests.size() == 60);
    List<String> starts = receiver.requests.stream()
        .map(r -> read(r.body()).at("/data/origin/startsAt").asText()).toList();
    assertThat(starts).isSorted();
    assertThat(pipeline.store().outboxSize()).isZero();
  }

  @Test
  void a_notice_the_sink_refuses_is_a_dead_letter_until_replayed() throws Exception {
    start("", 20000);
    receiver.status.set(400);
    alert(Fixtures.firing());
    await().atMost(Duration.ofSeconds(10)).until(() ->
        pipeline.store().deadLetters("soc").size() == 2);
    assertThat(pipeline.store().deadLetters("soc").get(0).lastError())
        .contains("answered HTTP 400");
    assertThat(pipeline.store().outboxSize()).isZero();
    receiver.status.set(200);
    assertThat(pipeline.store().replay("soc", null, (sink, key) -> 0, Clock.systemUTC().instant()))
        .isEqualTo(2);
    pipeline.deliverers().forEach(d -> d.wake());
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() == 2);
    assertThat(pipeline.store().deadLetters(null)).isEmpty();
  }

  @Test
  void one_incident_its_sink_keeps_refusing_does_not_hold_back_the_others_of_its_lane()
      throws Exception {
    start("", 20000);
    receiver.refuse = body -> body.contains("Stuck");
    // More notices of the stuck incident than one read of the lane holds, then another incident.
    for (int g = 0; g < 30; g++) {
      assertThat(alert(BurstTest.notification(0, 10).replace("Burst0", "Stuck")
          .replace("\"f0-", "\"f" + g + "-").getBytes(StandardCharsets.UTF_8)).statusCode())
          .isEqualTo(200);
    }
    assertThat(alert(BurstTest.notification(7, 10).getBytes(StandardCharsets.UTF_8))
        .statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests.size() == 10);
    assertThat(receiver.requests).allMatch(r -> r.body().contains("Burst7"));
    assertThat(pipeline.store().outboxSize()).isEqualTo(300);
  }

  @Test
  void a_batching_webhook_sends_the_backlog_as_cloudevents_batches_in_order_each_notice_once()
      throws Exception {
    start("", 20000, "batch: 25");
    backlogWhileTheReceiverIsDown();
    Thread.sleep(500);
    receiver.status.set(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> pipeline.store().outboxSize() == 0);
    List<JsonNode> events = new java.util.ArrayList<>();
    for (Receiver.Request r : receiver.requests) {
      assertThat(r.header("Content-Type")).startsWith("application/cloudevents-batch+json");
      String ts = r.header(WebhookSink.TIMESTAMP);
      assertThat(r.header(WebhookSink.SIGNATURE)).isEqualTo("sha256=" + WebhookSink.hmac(
          "hook-secret".getBytes(StandardCharsets.UTF_8), ts,
          r.body().getBytes(StandardCharsets.UTF_8)));
      JsonNode batch = read(r.body());
      assertThat(batch.isArray()).isTrue();
      assertThat(batch.size()).isBetween(1, 25);
      batch.forEach(events::add);
    }
    assertThat(receiver.requests.size()).as("requests for 60 notices").isBetween(3, 10);
    assertThat(events).hasSize(60);
    assertThat(events).extracting(e -> e.path("id").asText()).doesNotHaveDuplicates();
    assertThat(events).extracting(e -> e.at("/data/origin/startsAt").asText()).isSorted();
    assertThat(events.get(0).path("specversion").asText()).isEqualTo("1.0");
  }

  @Test
  void a_batch_refused_for_good_is_sent_again_one_by_one_so_only_the_bad_notice_is_dead()
      throws Exception {
    start("", 20000, "batch: 50");
    receiver.status.set(503);
    for (int g = 0; g < 10; g++) {
      String name = g == 4 ? "Poison" : "Fine";
      assertThat(alert(BurstTest.notification(g, 1).replace("Burst" + g, name + g)
          .getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
    }
    Thread.sleep(500);
    receiver.reject = body -> body.contains("Poison");
    receiver.status.set(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> pipeline.store().outboxSize() == 0);
    assertThat(pipeline.store().deadLetters("soc")).hasSize(1);
    List<String> delivered = new java.util.ArrayList<>();
    receiver.requests.forEach(r -> read(r.body()).forEach(e -> delivered.add(
        e.at("/data/title").asText())));
    assertThat(delivered).hasSize(9).noneMatch(t -> t.contains("Poison"));
  }

  @Test
  void ready_while_the_database_answers_and_not_after() throws Exception {
    start("", 20000);
    var ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + pipeline.port() + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(read(ready.body()).path("status").asText()).isEqualTo("ready");
    db.close();
    var down = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + pipeline.port() + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.body()).contains("database not reachable");
  }

  /** 30 notifications of two alerts each (60 notices, in order) while the receiver answers 503. */
  private void backlogWhileTheReceiverIsDown() throws Exception {
    receiver.status.set(503);
    for (int i = 0; i < 30; i++) {
      String body = new String(Fixtures.firing(), StandardCharsets.UTF_8)
          .replace("2026-11-23T19:35:08Z", "2026-11-23T19:35:" + (10 + i) + "Z");
      assertThat(alert(body.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
    }
  }

  private static JsonNode read(String s) {
    try {
      return Codec.json().readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
