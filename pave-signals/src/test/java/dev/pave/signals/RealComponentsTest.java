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
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real chain: Prometheus Alertmanager posts its webhook to Pave, Pave enriches and
 * delivers to rsyslog (the SIEM, RFC 5424 + CEF over TCP with octet counting), to Request
 * Tracker 5 (one ticket per incident) and to a webhook.
 */
class RealComponentsTest {
  @TempDir Path dir;

  @Test
  void alertmanager_alerts_arrive_enriched_in_rsyslog_and_as_one_request_tracker_ticket()
      throws Exception {
    RealParts.require(RealParts.ALERTMANAGER, RealParts.RSYSLOGD, RealParts.RT_SERVER,
        RealParts.RT_SETUP);
    Path siemFile = dir.resolve("siem.log");
    List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    try (Receiver hook = new Receiver()) {
      var rsyslog = RealParts.rsyslog(dir, siemFile);
      open.add(rsyslog);
      var rt = RealParts.requestTracker(dir);
      open.add(rt);
      Files.writeString(dir.resolve("am-token"), "am-real-secret");
      Files.writeString(dir.resolve("rt-password"), RealParts.RT_PASSWORD);
      String yaml = """
          apiVersion: pave.dev/v1alpha1
          kind: SignalsConfig
          intake:
            port: 0
            alertmanager: {bearerTokenFile: am-token}
          catalog:
            applications:
              - {app: checkout, environment: prod, team: payments, owner: ana@example.com,
                 onCall: "pagerduty:payments-primary", runbook: "https://runbooks.example.com/checkout",
                 tier: critical, cluster: prod-eu-1, namespace: payments}
          sinks:
            - {name: siem, type: syslog, host: 127.0.0.1, port: %d, body: cef}
            - {name: tickets, type: request-tracker, url: "%s/REST/2.0/", queue: General,
               user: root, passwordFile: rt-password, timeout: 30s}
            - {name: hook, type: webhook, url: "%s", format: json}
          routes:
            - sinks: [siem, hook]
            - sinks: [tickets]
              types: [alert]
              environments: [prod]
          """.formatted(rsyslog.port, rt.url(), hook.url());
      var r = ConfigReader.read("signals.yaml", yaml, dir);
      assertThat(r.problems()).isEmpty();
      try (Database db = Postgres.fresh();
          Pipeline pipeline = Pipeline.start(r.config(), db, Clock.systemUTC(), l -> { })) {
        var am = RealParts.alertmanager(dir, "http://127.0.0.1:" + pipeline.port()
            + "/api/v1/alertmanager", dir.resolve("am-token"));
        open.add(am);
        Instant start = Instant.now().minusSeconds(60);
        postAlerts(am, start, start.plus(Duration.ofHours(1)));

        await().atMost(Duration.ofSeconds(60)).until(() -> hook.requests.size() >= 2);
        JsonNode first = Codec.json().readTree(hook.requests.get(0).body());
        assertThat(first.at("/enrichment/enrichment").asText()).isEqualTo("partial");
        assertThat(first.at("/enrichment/missing").toString()).isEqualTo("[\"revision\"]");
        assertThat(first.at("/enrichment/onCall").asText()).isEqualTo("pagerduty:payments-primary");
        assertThat(first.at("/enrichment/team").asText()).isEqualTo("payments");
        assertThat(first.at("/origin/receiver").asText()).isEqualTo("pave");
        String incident = first.at("/incident/id").asText();

        await().atMost(Duration.ofSeconds(60)).until(() -> lines(siemFile).size() >= 2);
        String line = lines(siemFile).get(0);
        String[] f = line.split("\\|", 9);
        // pri 16*8+2 (local0, critical), RFC 5424, app name, msgid = signal type
        assertThat(f[0]).isEqualTo("130");
        assertThat(f[1]).isEqualTo("1");
        assertThat(f[4]).isEqualTo("pave-signals");
        assertThat(f[6]).isEqualTo("alert");
        assertThat(f[7]).contains("app=\"checkout\"").contains("team=\"payments\"")
            .contains("incident=\"" + incident + "\"");
        assertThat(f[8]).startsWith("CEF:0|Pave|pave-signals|");
        assertThat(f[8]).contains("cs1=payments cs1Label=team")
            .contains("cs2=checkout cs2Label=application").contains("act=firing");

        await().atMost(Duration.ofSeconds(60)).until(() ->
            RealParts.tickets(rt, "pave:" + incident).size() == 1);

        // Resolve both: Alertmanager sends the resolution, the ticket resolves, still one.
        postAlerts(am, start, Instant.now().minusSeconds(1));
        await().atMost(Duration.ofSeconds(60)).until(() ->
            "resolved".equals(RealParts.tickets(rt, "pave:" + incident).get(0)[2]));
        assertThat(RealParts.tickets(rt, "pave:")).hasSize(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> lines(siemFile).stream()
            .filter(l -> l.contains("act=resolved")).count() == 2);
        assertThat(pipeline.store().deadLetters(null)).isEmpty();
      }
    } finally {
      for (AutoCloseable c : open) {
        c.close();
      }
    }
  }

  private static void postAlerts(RealParts.Program am, Instant start, Instant end)
      throws Exception {
    String alerts = """
        [{"labels":{"alertname":"KubePodCrashLooping","namespace":"payments",
          "pod":"checkout-7d9f8b6c5-x2k4q","container":"checkout","cluster":"prod-eu-1",
          "severity":"critical"},
          "annotations":{"summary":"Pod payments/checkout-7d9f8b6c5-x2k4q is crash looping"},
          "startsAt":"%1$s","endsAt":"%2$s"},
         {"labels":{"alertname":"KubePodCrashLooping","namespace":"payments",
          "pod":"checkout-7d9f8b6c5-zzzzz","container":"checkout","cluster":"prod-eu-1",
          "severity":"critical"},
          "annotations":{"summary":"second pod, same group"},
          "startsAt":"%1$s","endsAt":"%2$s"}]""".formatted(start, end);
    var res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(am.url()
        + "/api/v2/alerts")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(alerts)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
  }

  private static List<String> lines(Path p) throws Exception {
    return Files.exists(p) ? Files.readAllLines(p) : List.of();
  }
}
