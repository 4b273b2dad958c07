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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A burst of 10,000 alerts from many senders at once: every one journaled and delivered. */
class BurstTest {
  @TempDir Path dir;

  /** A webhook notification of {@code n} alerts of group {@code g}, as Alertmanager sends it. */
  static String notification(int g, int n) {
    StringBuilder alerts = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        alerts.append(',');
      }
      alerts.append("""
          {"status":"firing","labels":{"alertname":"Burst%d","namespace":"payments",
           "pod":"checkout-7d9f8b6c5-p%04d","severity":"warning","cluster":"prod-eu-1"},
           "annotations":{"summary":"burst alert"},"startsAt":"2026-11-23T19:35:08Z",
           "endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"f%d-%d"}"""
          .formatted(g, i, g, i));
    }
    return """
        {"receiver":"pave","status":"firing","alerts":[%s],"groupLabels":{"alertname":"Burst%d"},
         "commonLabels":{},"commonAnnotations":{},"externalURL":"http://127.0.0.1:9093",
         "version":"4","groupKey":"{}:{alertname=\\"Burst%d\\"}","truncatedAlerts":0}"""
        .formatted(alerts, g, g);
  }

  @Test
  void ten_thousand_alerts_at_once_none_lost_none_twice() throws Exception {
    try (Receiver hook = new Receiver()) {
      String yaml = """
          apiVersion: pave.dev/v1alpha1
          kind: SignalsConfig
          intake: {port: 0, queue: 100}
          catalog:
            applications:
              - {app: checkout, environment: prod, team: payments, namespace: payments}
          sinks:
            - {name: hook, type: webhook, url: "%s", format: json, partitions: 8}
          routes:
            - sinks: [hook]
          """.formatted(hook.url());
      var cfg = ConfigReader.read("signals.yaml", yaml, dir).config();
      try (Database db = Postgres.fresh();
          Pipeline pipeline = Pipeline.start(cfg, db, Clock.systemUTC(), l -> { })) {
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(16))
            .build();
        URI uri = URI.create("http://127.0.0.1:" + pipeline.port() + "/api/v1/alertmanager");
        AtomicInteger refused = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(32);
        java.util.List<Future<?>> sent = new java.util.ArrayList<>();
        for (int g = 0; g < 1000; g++) {
          String body = notification(g, 10);
          sent.add(senders.submit(() -> {
            // Like Alertmanager: retry until a 2xx, backing off a little on 429 and 503.
            for (int attempt = 0; ; attempt++) {
              var r = http.send(HttpRequest.newBuilder(uri)
                  .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                  HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) {
                return null;
              }
              assertThat(r.statusCode()).isIn(429, 503);
              refused.incrementAndGet();
              Thread.sleep(Math.min(500, 10L << Math.min(attempt, 5)));
            }
          }));
        }
        for (Future<?> f : sent) {
          f.get();
        }
        senders.shutdown();
        assertThat(pipeline.store().journalSize()).isEqualTo(10_000);
        await().atMost(Duration.ofSeconds(120)).until(() -> hook.requests.size() >= 10_000);
        Set<String> ids = new HashSet<>();
        for (var r : hook.requests) {
          JsonNode n = Codec.json().readTree(r.body());
          ids.add(n.get("id").asText());
        }
        assertThat(ids).hasSize(10_000);
        assertThat(pipeline.store().outboxSize()).isZero();
        // 32 senders of 10 alerts against a queue of 100: some had to be refused and retried.
        assertThat(refused.get()).isPositive();
        System.out.println("burst: " + refused.get() + " requests answered 429/503 and retried");
      }
    }
  }
}
