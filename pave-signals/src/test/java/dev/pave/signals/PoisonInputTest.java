package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.intake.AlertmanagerWebhook;
import dev.pave.signals.pipeline.Ingest;
import dev.pave.signals.pipeline.Unstorable;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Database;
import dev.pave.signals.store.StorableText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text PostgreSQL cannot hold (U+0000, lone surrogates) and keys its unique index cannot hold
 * arrive in real alerts; one such alert must not fail the requests sharing its transaction.
 */
class PoisonInputTest {
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

  private void start() throws Exception {
    receiver = new Receiver();
    Files.writeString(dir.resolve("am-token"), "am-secret\n");
    String yaml = """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake:
          port: 0
          alertmanager:
            bearerTokenFile: am-token
        sinks:
          - name: soc
            type: webhook
            url: %s
            format: json
            retry: {initialBackoff: 50ms, maxBackoff: 200ms}
        routes:
          - sinks: [soc]
        """.formatted(receiver.url());
    var r = ConfigReader.read("signals.yaml", yaml, dir);
    assertThat(r.problems()).isEmpty();
    db = Postgres.fresh();
    pipeline = Pipeline.start(r.config(), db, Clock.systemUTC(), log::add);
  }

  private HttpResponse<String> alert(String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.port()
        + "/api/v1/alertmanager")).header("Authorization", "Bearer am-secret")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A v4 notification of one alert; {@code summary} and {@code extraLabel} are JSON text. */
  static String notification(String name, String summary, String extraLabel) {
    return """
        {"version":"4","receiver":"pave","status":"firing","groupKey":"{}:{alertname=\\"%s\\"}",
         "externalURL":"http://am:9093","groupLabels":{},"commonLabels":{},
         "commonAnnotations":{},"truncatedAlerts":0,
         "alerts":[{"status":"firing","labels":{"alertname":"%s","namespace":"payments",
           "severity":"warning"%s},"annotations":{"summary":"%s"},
           "startsAt":"2026-11-23T19:35:08Z","endsAt":"0001-01-01T00:00:00Z",
           "generatorURL":"","fingerprint":"%s"}]}
        """.formatted(name, name, extraLabel, summary, Ids.hash(16, name));
  }

  @Test
  void one_poisoned_alert_among_fifty_concurrent_ones_fails_none_and_is_stored_escaped()
      throws Exception {
    start();
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      bodies.add(notification("Normal" + i, "all fine " + i, ""));
    }
    // As JSON carries them: a NUL in the summary, a NUL and a lone surrogate in a label.
    bodies.add(25, notification("Poisoned", "before\\u0000after",
        ",\"pod\":\"x\\u0000y\\ud800z\""));
    ExecutorService pool = Executors.newFixedThreadPool(bodies.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    for (String b : bodies) {
      answers.add(pool.submit(() -> {
        go.await();
        return alert(b);
      }));
    }
    go.countDown();
    for (Future<HttpResponse<String>> a : answers) {
      HttpResponse<String> r = a.get();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"accepted\":1,\"duplicates\":0}");
    }
    pool.shutdown();
    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests.size() >= 51);
    assertThat(receiver.requests).hasSize(51);
    String poisoned = receiver.requests.stream().map(Receiver.Request::body)
        .filter(b -> b.contains("Poisoned")).findFirst().orElseThrow();
    // Delivered with the text escaped: the JSON carries the six characters \u0000.
    assertThat(poisoned).contains("before\\\\u0000after").contains("x\\\\u0000y\\\\uD800z");
    try (var c = db.dataSource().getConnection(); var ps = c.prepareStatement(
        "select t.summary, j.notice from timeline t join journal j on j.id = t.signal_id"
            + " where t.title = 'Poisoned'"); var rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("before\\u0000after");
      assertThat(StorableText.unescape(rs.getString(1))).isEqualTo("before\u0000after");
      assertThat(rs.getString(2)).contains("x\\\\u0000y\\\\uD800z");
    }
  }

  @Test
  void a_retry_of_the_poisoned_alert_is_a_duplicate_not_a_new_signal() throws Exception {
    start();
    String body = notification("Poisoned", "a\\u0000b", "");
    assertThat(alert(body).body()).isEqualTo("{\"accepted\":1,\"duplicates\":0}");
    assertThat(alert(body).body()).isEqualTo("{\"accepted\":0,\"duplicates\":1}");
  }

  @Test
  void a_group_key_longer_than_the_unique_index_takes_is_accepted_and_deduplicated()
      throws Exception {
    start();
    // PostgreSQL's btree refuses index rows above about 2,700 bytes; a group_by over many long
    // labels makes such an Alertmanager group key.
    StringBuilder name = new StringBuilder("Long");
    for (int i = 0; i < 150; i++) {
      name.append(Ids.hash(64, "incompressible", String.valueOf(i)));
    }
    String body = notification(name.toString(), "long group", "");
    assertThat(alert(body).statusCode()).isEqualTo(200);
    assertThat(alert(body).body()).isEqualTo("{\"accepted\":0,\"duplicates\":1}");
  }

  @Test
  void a_request_the_journal_refuses_is_refused_alone_and_the_others_are_committed()
      throws Exception {
    start();
    List<List<Signal>> requests = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      requests.add(AlertmanagerWebhook.parse(notification("Normal" + i, "fine", "")
          .getBytes(StandardCharsets.UTF_8)).signals());
    }
    // Past the intake's escaping, as a future intake or a bug could hand it over.
    Signal ok = AlertmanagerWebhook.parse(notification("Poisoned", "x", "")
        .getBytes(StandardCharsets.UTF_8)).signals().get(0);
    Signal bad = new Signal(ok.id(), ok.type(), ok.status(), ok.severity(), ok.time(),
        ok.title(), "secret-payload\u0000", ok.labels(), ok.annotations(), ok.subject(),
        ok.origin(), ok.dedupKey(), ok.group());
    requests.add(25, List.of(bad));
    ExecutorService pool = Executors.newFixedThreadPool(requests.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Object>> outcomes = new ArrayList<>();
    for (List<Signal> r : requests) {
      outcomes.add(pool.submit(() -> {
        go.await();
        try {
          return pipeline.ingest().submit(r);
        } catch (RuntimeException e) {
          return e;
        }
      }));
    }
    go.countDown();
    for (int i = 0; i < outcomes.size(); i++) {
      Object o = outcomes.get(i).get();
      if (i == 25) {
        assertThat(o).isInstanceOf(Unstorable.class);
      } else {
        assertThat(o).isEqualTo(new Ingest.Outcome(1, 0));
      }
    }
    pool.shutdown();
    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests.size() >= 50);
    assertThat(receiver.requests).hasSize(50);
    assertThat(log).anyMatch(l -> l.contains("refused a request of 1 signal(s)")
        && l.contains("SQLSTATE 22021"));
    assertThat(log).noneMatch(l -> l.contains("secret-payload") || l.contains("insert"));
  }

  @Test
  void a_journal_that_fails_answers_503_with_a_body_without_sql_or_data() throws Exception {
    start();
    db.close();
    HttpResponse<String> r = alert(notification("Lost", "some-payload", ""));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).contains("1");
    assertThat(r.body()).isEqualTo("{\"error\":\"the journal is not available\"}");
    assertThat(log).anyMatch(l -> l.startsWith("journal: commit failed ("));
    assertThat(log).noneMatch(l -> l.contains("some-payload") || l.contains("insert"));
  }

  @Test
  void an_unauthenticated_request_is_refused_before_its_body_is_read() throws Exception {
    start();
    try (var socket = new java.net.Socket("127.0.0.1", pipeline.port())) {
      socket.setSoTimeout(5000);
      // Announces 10 MB and sends none of it: only an answer that does not wait for the body
      // comes back within the timeout.
      socket.getOutputStream().write(("POST /api/v1/alertmanager HTTP/1.1\r\nHost: x\r\n"
          + "Authorization: Bearer wrong\r\nContent-Type: application/json\r\n"
          + "Content-Length: 10000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String answer = new String(socket.getInputStream().readNBytes(12),
          StandardCharsets.US_ASCII);
      assertThat(answer).isEqualTo("HTTP/1.1 401");
    }
  }

  @Test
  void a_chunked_body_over_the_limit_is_refused_with_a_json_413() throws Exception {
    start();
    try (var socket = new java.net.Socket("127.0.0.1", pipeline.port())) {
      socket.setSoTimeout(20_000);
      var out = socket.getOutputStream();
      out.write(("POST /api/v1/alertmanager HTTP/1.1\r\nHost: x\r\n"
          + "Authorization: Bearer am-secret\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[1 << 20];
      java.util.Arrays.fill(chunk, (byte) ' ');
      try {
        for (int i = 0; i < 17; i++) {
          out.write((Integer.toHexString(chunk.length) + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (java.io.IOException answeredEarly) {
        // the server may answer and close before the whole body went out
      }
      String answer = new String(socket.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase(
          "Content-Type: application/json").contains(
          "{\"error\":\"request body larger than 16777216 bytes\"}");
    }
  }
}
