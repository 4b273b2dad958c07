package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pave.signals.RealParts;
import dev.pave.signals.Receiver;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `pave signals` as its own process with the embedded database, killed with SIGKILL while it
 * delivers and started again: every signal is delivered and Request Tracker has exactly one
 * ticket per incident.
 */
class SignalsFaultTest {
  @TempDir Path dir;

  private static final int GROUPS = 12;
  private static final int PER_GROUP = 10;

  @Test
  void killed_mid_delivery_and_restarted_every_signal_is_delivered_and_no_ticket_doubles()
      throws Exception {
    RealParts.require(RealParts.RT_SERVER, RealParts.RT_DB);
    try (Receiver hook = new Receiver(); RealParts.Program rt = RealParts.requestTracker(dir)) {
      int port = RealParts.freePort();
      Files.writeString(dir.resolve("rt-password"), RealParts.RT_PASSWORD);
      Path config = dir.resolve("signals.yaml");
      Files.writeString(config, """
          apiVersion: pave.dev/v1alpha1
          kind: SignalsConfig
          intake: {port: %d}
          database: {url: embedded, dataDirectory: data}
          catalog:
            applications:
              - {app: checkout, environment: prod, team: payments, namespace: payments}
          sinks:
            - {name: hook, type: webhook, url: "%s", format: json, partitions: 1}
            - {name: tickets, type: request-tracker, url: "%s/REST/2.0/", user: root,
               passwordFile: rt-password, timeout: 30s, partitions: 2}
          routes:
            - sinks: [hook, tickets]
          """.formatted(port, hook.url(), rt.url()));
      // Slow the webhook down so the kill lands while the backlog is being delivered.
      hook.delayMillis.set(30);
      Process first = start(config);
      List<String> bodies = new java.util.ArrayList<>();
      for (int g = 0; g < GROUPS; g++) {
        bodies.add(notification(g));
      }
      for (String b : bodies) {
        assertThat(post(port, b)).isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> hook.requests.size() >= 20);
      first.destroyForcibly();
      assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
      int before = hook.requests.size();
      assertThat(before).isLessThan(GROUPS * PER_GROUP);

      Process second = start(config);
      try {
        // Alertmanager would retry what it had not seen answered: all of it again, no effect.
        for (String b : bodies) {
          assertThat(post(port, b)).isEqualTo(200);
        }
        hook.delayMillis.set(0);
        await().atMost(Duration.ofSeconds(120)).until(() -> distinctIds(hook) == GROUPS * PER_GROUP);
        await().atMost(Duration.ofSeconds(120)).until(() ->
            RealParts.tickets(rt, "pave:").size() >= GROUPS);
        Thread.sleep(2000);
        var tickets = RealParts.tickets(rt, "pave:");
        assertThat(tickets).hasSize(GROUPS);
        Set<String> subjects = new HashSet<>();
        tickets.forEach(t -> subjects.add(t[1].substring(0, t[1].indexOf(']') + 1)));
        assertThat(subjects).hasSize(GROUPS);
      } finally {
        second.destroy();
        assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  private static int distinctIds(Receiver hook) throws Exception {
    ObjectMapper m = new ObjectMapper();
    Set<String> ids = new HashSet<>();
    for (var r : hook.requests) {
      ids.add(m.readTree(r.body()).get("id").asText());
    }
    return ids.size();
  }

  private Process start(Path config) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "dev.pave.cli.Pave", "signals", "--config", config.toString())
        .redirectErrorStream(true).start();
    CompletableFuture<Void> up = new CompletableFuture<>();
    Path log = dir.resolve("pave-" + p.pid() + ".log");
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8)); var w = Files.newBufferedWriter(log)) {
        String line;
        while ((line = r.readLine()) != null) {
          w.write(line);
          w.newLine();
          w.flush();
          if (line.startsWith("pave signals: listening")) {
            up.complete(null);
          }
        }
      } catch (Exception ignored) {
        // the process went away
      }
      up.completeExceptionally(new IllegalStateException("pave signals exited"));
    });
    reader.setDaemon(true);
    reader.start();
    try {
      up.get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("pave signals did not start: " + Files.readString(log), e);
    }
    return p;
  }

  private static int post(int port, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + port + "/api/v1/alertmanager"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String notification(int g) {
    StringBuilder alerts = new StringBuilder();
    for (int i = 0; i < PER_GROUP; i++) {
      alerts.append(i == 0 ? "" : ",").append("""
          {"status":"firing","labels":{"alertname":"Fault%d","namespace":"payments",
           "pod":"checkout-7d9f8b6c5-q%04d","severity":"critical"},"annotations":{},
           "startsAt":"2026-11-23T19:35:08Z","endsAt":"0001-01-01T00:00:00Z",
           "generatorURL":"","fingerprint":"k%d-%d"}""".formatted(g, i, g, i));
    }
    return """
        {"receiver":"pave","status":"firing","alerts":[%s],"groupLabels":{},"commonLabels":{},
         "commonAnnotations":{},"externalURL":"","version":"4",
         "groupKey":"{}:{alertname=\\"Fault%d\\"}","truncatedAlerts":0}""".formatted(alerts, g);
  }
}
