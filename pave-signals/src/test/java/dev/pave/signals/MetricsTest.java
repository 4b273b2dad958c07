package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline's own series on /metrics, as a Prometheus scrape reads them. */
class MetricsTest {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(Pipeline p, String path, String type, String body)
      throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.port() + path))
        .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static double value(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  @Test
  void refusals_acknowledgements_enrichment_and_delivery_latency_are_counted() throws Exception {
    try (Receiver soc = new Receiver(); Database db = Postgres.fresh()) {
      String yaml = """
          apiVersion: pave.dev/v1alpha1
          kind: SignalsConfig
          intake: {port: 0, queue: 3}
          catalog:
            applications:
              - {app: checkout, environment: prod, team: payments, namespace: payments}
          sinks:
            - {name: soc, type: webhook, url: "%s"}
          routes:
            - sinks: [soc]
          """.formatted(soc.url());
      var cfg = ConfigReader.read("signals.yaml", yaml, dir).config();
      try (Pipeline p = Pipeline.start(cfg, db, Clock.systemUTC(), l -> { })) {
        assertThat(send(p, "/api/v1/alertmanager", "application/json",
            new String(Fixtures.firing())).statusCode()).isEqualTo(200);
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 5; i++) {
          batch.append(i == 0 ? "" : ",").append("{\"specversion\":\"1.0\",\"id\":\"e").append(i)
              .append("\",\"source\":\"/ci\",\"type\":\"deploy\"}");
        }
        HttpResponse<String> refused = send(p, "/api/v1/cloudevents",
            "application/cloudevents-batch+json", batch.append("]").toString());
        assertThat(refused.statusCode()).isEqualTo(429);
        await().atMost(Duration.ofSeconds(10)).until(() -> soc.requests.size() == 2);

        String scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + p.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(value(scrape, "pave_signals_intake_refused_total{endpoint=\"cloudevents\","
            + "reason=\"queue_full\",status=\"429\"}")).isEqualTo(1.0);
        assertThat(value(scrape, "pave_signals_ack_seconds_count{endpoint=\"alertmanager\"}"))
            .isEqualTo(1.0);
        assertThat(value(scrape, "pave_signals_ack_seconds_sum{endpoint=\"alertmanager\"}"))
            .isGreaterThan(0.0).isLessThan(10.0);
        assertThat(scrape).contains("pave_signals_ack_seconds_bucket{endpoint=\"alertmanager\","
            + "le=\"0.02\"}");
        // Both pods' alerts: the catalog entry lacks owner, on-call, runbook... (partial).
        assertThat(value(scrape, "pave_signals_enriched_total{enrichment=\"partial\","
            + "type=\"alert\"}")).isEqualTo(2.0);
        assertThat(value(scrape, "pave_signals_delivered_total{sink=\"soc\"}")).isEqualTo(2.0);
        assertThat(value(scrape, "pave_signals_delivery_latency_seconds_count{sink=\"soc\"}"))
            .isEqualTo(2.0);
        assertThat(value(scrape, "pave_signals_sink_request_seconds_count{outcome=\"ok\","
            + "sink=\"soc\"}")).isEqualTo(2.0);
        assertThat(value(scrape, "pave_signals_circuit_open{sink=\"soc\"}")).isEqualTo(0.0);
      }
    }
  }
}
