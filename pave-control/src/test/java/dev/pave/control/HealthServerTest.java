package dev.pave.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  @Test
  void livenessReadinessAndMetricsAnswerOverHttp() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    OperatorMetrics metrics = new OperatorMetrics();
    metrics.rolledBack("manual");
    try (HealthServer server = new HealthServer("127.0.0.1", 0, ready::get, metrics)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();
      assertThat(get(http, base + "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(http, base + "/readyz").statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(get(http, base + "/readyz").statusCode()).isEqualTo(200);
      HttpResponse<String> m = get(http, base + "/metrics");
      assertThat(m.statusCode()).isEqualTo(200);
      assertThat(m.body()).contains("pave_rollbacks_total{trigger=\"manual\"} 1.0");
    }
  }

  static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
