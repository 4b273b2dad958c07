package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.intake.KubernetesEvents;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Codec;
import dev.pave.signals.store.Database;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and adversarial bodies against the real HTTP intake and journal: Alertmanager v4,
 * CloudEvents (structured, batch, binary) and Kubernetes Events, with control characters, NUL,
 * lone surrogates, backslash escapes, huge label sets, deep nesting, numbers and objects where
 * text belongs, broken times and truncated JSON. The contract: 2xx means journaled and then
 * delivered, 4xx means refused with a reason, never 5xx. Each body comes from its own seed
 * (printed on failure), so a failing body can be made again.
 */
class IntakeFuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", 20261207L);
  private static final int BODIES = Integer.getInteger("fuzz.bodies", 2500);

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

  /** One request: where it goes, its headers and body, and the seed it came from. */
  record Fuzzed(long seed, String path, List<String> headers, byte[] body) {}

  @Test
  void no_body_gets_a_5xx_every_2xx_is_journaled_and_delivered_every_4xx_says_why()
      throws Exception {
    receiver = new Receiver();
    Files.writeString(dir.resolve("token"), "fuzz-token\n");
    var r = ConfigReader.read("signals.yaml", """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake:
          port: 0
          alertmanager: {bearerTokenFile: token}
          cloudevents: {bearerTokenFile: token}
        sinks:
          - name: soc
            type: webhook
            url: %s
            format: json
            batch: 100
            retry: {initialBackoff: 50ms, maxBackoff: 200ms}
        routes:
          - sinks: [soc]
        """.formatted(receiver.url()), dir);
    assertThat(r.problems()).isEmpty();
    db = Postgres.fresh();
    pipeline = Pipeline.start(r.config(), db, Clock.systemUTC(), log::add);

    AtomicLong accepted = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < BODIES; i++) {
      long seed = SEED * 1_000_003L + i;
      done.add(pool.submit(() -> {
        if (seed % 10 == 0) {
          accepted.addAndGet(kubernetesEvent(seed));
          return null;
        }
        Fuzzed f = new Bodies(new Random(seed)).request(seed);
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.port()
            + f.path())).timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer fuzz-token")
            .POST(HttpRequest.BodyPublishers.ofByteArray(f.body()));
        for (int h = 0; h < f.headers().size(); h += 2) {
          b.header(f.headers().get(h), f.headers().get(h + 1));
        }
        HttpResponse<String> a = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        String why = "seed " + seed + " " + f.path() + " answered " + a.statusCode() + " "
            + a.body();
        assertThat(a.statusCode()).as(why).isIn(200, 400, 413, 415);
        JsonNode answer = Codec.json().readTree(a.body());
        if (a.statusCode() == 200) {
          accepted.addAndGet(answer.get("accepted").asLong());
        } else {
          assertThat(answer.path("error").asText()).as(why).isNotBlank();
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    // Escaping makes every text storable: the journal never had to refuse a request.
    assertThat(log).noneMatch(l -> l.startsWith("journal:"));
    // The generator stays near enough to valid bodies that a good share is taken.
    assertThat(accepted.get()).isGreaterThan(BODIES / 10);
    assertThat(pipeline.store().journalSize()).isEqualTo(accepted.get());
    await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.store().outboxSize() == 0);
    long delivered = 0;
    for (Receiver.Request q : receiver.requests) {
      delivered += Codec.json().readTree(q.body()).size();
    }
    // At least once: a batch whose answer was slow may come twice, never less.
    assertThat(delivered).isGreaterThanOrEqualTo(accepted.get());
  }

  /** A random core/v1 Event through the same path the Events watch takes; 1 when journaled. */
  private long kubernetesEvent(long seed) {
    Bodies g = new Bodies(new Random(seed));
    Event e = new EventBuilder()
        .withNewMetadata().withUid(g.raw()).withNamespace(g.raw()).withName(g.raw())
        .addToAnnotations(g.raw(), g.raw())
        .addToAnnotations(KubernetesEvents.APP, g.raw())
        .addToAnnotations(KubernetesEvents.REVISION, g.raw()).endMetadata()
        .withReason(g.pick(null, "RolloutFailed", "DriftDetected", g.raw()))
        .withMessage(g.raw()).withType(g.pick("Warning", "Normal", g.raw()))
        .withReportingComponent(g.pick(KubernetesEvents.OPERATOR, null, g.raw()))
        .withNewInvolvedObject().withKind(g.raw()).withName(g.raw()).endInvolvedObject()
        .withLastTimestamp(g.pick(null, "2026-11-23T19:35:08Z", g.raw()))
        .withCount(g.random.nextBoolean() ? null : g.random.nextInt()).build();
    try {
      Signal s = KubernetesEvents.toSignal(e, g.pick("prod-eu-1", g.raw()), Instant.now());
      return pipeline.ingest().submit(List.of(s)).accepted();
    } catch (RuntimeException x) {
      throw new AssertionError("seed " + seed + ": Kubernetes Event refused: " + x + " " + log, x);
    }
  }

  /** Bodies, near valid or not at all, from one random source. */
  static final class Bodies {
    final Random random;

    Bodies(Random random) {
      this.random = random;
    }

    Fuzzed request(long seed) {
      int kind = random.nextInt(100);
      String json = "application/json";
      if (kind < 45) {
        return new Fuzzed(seed, "/api/v1/alertmanager", List.of("Content-Type", json),
            mangle(alertmanager()));
      }
      if (kind < 65) {
        return new Fuzzed(seed, "/api/v1/cloudevents",
            List.of("Content-Type", "application/cloudevents+json"), mangle(cloudEvent()));
      }
      if (kind < 80) {
        StringBuilder b = new StringBuilder("[");
        int n = random.nextInt(20);
        for (int i = 0; i < n; i++) {
          b.append(i == 0 ? "" : ",").append(random.nextInt(10) == 0 ? value(3) : cloudEvent());
        }
        return new Fuzzed(seed, "/api/v1/cloudevents",
            List.of("Content-Type", "application/cloudevents-batch+json"),
            mangle(b.append("]").toString()));
      }
      if (kind < 95) {
        List<String> h = new ArrayList<>(List.of("ce-specversion", pick("1.0", "1.0", header()),
            "ce-id", header(), "ce-source", header(), "ce-type", header()));
        for (int i = random.nextInt(4); i > 0; i--) {
          h.add("ce-" + pick("status", "severity", "group", "app", "x" + random.nextInt(99)));
          h.add(pick("firing", "resolved", "info", "critical", header()));
        }
        h.add("Content-Type");
        h.add(pick(json, "text/plain", "application/octet-stream"));
        return new Fuzzed(seed, "/api/v1/cloudevents", h,
            random.nextBoolean() ? value(4).getBytes(StandardCharsets.UTF_8) : bytes());
      }
      return new Fuzzed(seed, pick("/api/v1/alertmanager", "/api/v1/cloudevents"),
          List.of("Content-Type", pick(json, "application/cloudevents+json")), bytes());
    }

    /** A v4 notification with random content where Alertmanager puts text. */
    String alertmanager() {
      StringBuilder b = new StringBuilder("{\"version\":").append(pick("\"4\"", "\"4\"",
          "\"4\"", "4", "\"3\"", value(1)));
      b.append(",\"receiver\":").append(textOrAny());
      b.append(",\"status\":\"firing\",\"groupKey\":").append(random.nextInt(20) == 0
          ? string(random.nextInt(6000)) : textOrAny());
      b.append(",\"externalURL\":").append(textOrAny());
      b.append(",\"commonAnnotations\":").append(random.nextInt(5) == 0 ? value(2) : labels(3));
      b.append(",\"truncatedAlerts\":").append(pick("0", "7", "\"x\"", "-1"));
      b.append(",\"alerts\":");
      if (random.nextInt(15) == 0) {
        b.append(value(3));
      } else {
        b.append('[');
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
          b.append(i == 0 ? "" : ",").append(alert());
        }
        b.append(']');
      }
      return b.append('}').toString();
    }

    String alert() {
      if (random.nextInt(20) == 0) {
        return value(2);
      }
      int size = random.nextInt(30) == 0 ? 2000 + random.nextInt(3000) : random.nextInt(8);
      return "{\"status\":" + pick("\"firing\"", "\"firing\"", "\"resolved\"", textOrAny())
          + ",\"labels\":" + (random.nextInt(20) == 0 ? value(2) : labels(size))
          + ",\"annotations\":" + labels(random.nextInt(4))
          + ",\"startsAt\":" + time() + ",\"endsAt\":" + time()
          + ",\"generatorURL\":" + textOrAny() + ",\"fingerprint\":" + pick("\"\"", text(),
              "\"" + Long.toHexString(random.nextLong()) + "\"", value(1)) + "}";
    }

    String cloudEvent() {
      StringBuilder b = new StringBuilder("{\"specversion\":")
          .append(pick("\"1.0\"", "\"1.0\"", "\"1.0\"", "\"0.3\"", value(1)));
      for (String f : new String[] {"id", "source", "type", "subject"}) {
        if (random.nextInt(15) != 0) {
          b.append(",\"").append(f).append("\":").append(textOrAny());
        }
      }
      if (random.nextBoolean()) {
        b.append(",\"time\":").append(time());
      }
      for (int i = random.nextInt(4); i > 0; i--) {
        b.append(',').append(pick(text(), "\"status\"", "\"severity\"", "\"group\"",
            "\"app\"")).append(':').append(pick("\"firing\"", "\"resolved\"", textOrAny()));
      }
      b.append(",\"data\":").append(random.nextBoolean() ? "{\"labels\":" + labels(4)
          + ",\"annotations\":" + labels(2) + ",\"summary\":" + textOrAny() + "}" : value(3));
      return b.append('}').toString();
    }

    String labels(int n) {
      StringBuilder b = new StringBuilder("{");
      for (int i = 0; i < n; i++) {
        String key = random.nextInt(4) == 0 ? pick("\"alertname\"", "\"namespace\"", "\"pod\"",
            "\"severity\"", "\"app\"", "\"env\"", "\"cluster\"", "\"summary\"") : text();
        b.append(i == 0 ? "" : ",").append(key).append(':')
            .append(random.nextInt(8) == 0 ? value(2) : text());
      }
      return b.append('}').toString();
    }

    String time() {
      return pick("\"2026-11-23T19:35:08Z\"", "\"2026-11-23T19:35:08.123456789+02:00\"",
          "\"0001-01-01T00:00:00Z\"", "\"+99999-01-01T00:00:00Z\"", "\"-5000-01-01T00:00:00Z\"",
          "\"2026-13-45T99:00:00Z\"", "null", "\"\"", String.valueOf(random.nextLong()), text());
    }

    /** Any JSON value, nested up to {@code depth}; now and then nested far too deep. */
    String value(int depth) {
      if (random.nextInt(200) == 0) {
        int deep = 900 + random.nextInt(400);
        return "[".repeat(deep) + "]".repeat(deep);
      }
      int k = random.nextInt(depth <= 0 ? 5 : 7);
      return switch (k) {
        case 0 -> text();
        case 1 -> pick("0", "-1", "1e999", "3.14", "12345678901234567890123456789",
            String.valueOf(random.nextLong()));
        case 2 -> pick("true", "false");
        case 3 -> "null";
        case 4 -> text();
        case 5 -> {
          StringBuilder b = new StringBuilder("[");
          for (int i = random.nextInt(4); i > 0; i--) {
            b.append(b.length() > 1 ? "," : "").append(value(depth - 1));
          }
          yield b.append(']').toString();
        }
        default -> {
          StringBuilder b = new StringBuilder("{");
          for (int i = random.nextInt(4); i > 0; i--) {
            b.append(b.length() > 1 ? "," : "").append(text()).append(':')
                .append(value(depth - 1));
          }
          yield b.append('}').toString();
        }
      };
    }

    String textOrAny() {
      return random.nextInt(6) == 0 ? value(2) : text();
    }

    /** A JSON string literal of hostile content. */
    String text() {
      return string(random.nextInt(10) == 0 ? random.nextInt(3000) : random.nextInt(24));
    }

    String string(int length) {
      StringBuilder b = new StringBuilder("\"");
      for (int i = 0; i < length; i++) {
        switch (random.nextInt(12)) {
          case 0 -> b.append("\\u0000");
          case 1 -> b.append(String.format("\\u%04x", 0xD800 + random.nextInt(0x800)));
          case 2 -> b.append(String.format("\\u%04x", random.nextInt(0x20)));
          case 3 -> b.append(pick("\\\\", "\\\\u0000", "\\\\\\\\uD800", "\\\"", "\\n", "\\t",
              "%00", "'", ";--", "${x}", "|", "="));
          case 4 -> b.appendCodePoint(0x1F600 + random.nextInt(80));
          case 5 -> b.append((char) (0xA0 + random.nextInt(0x2000)));
          default -> b.append((char) ('a' + random.nextInt(26)));
        }
      }
      return b.append('"').toString();
    }

    /** Text for a Java string (Kubernetes Events do not pass through JSON here). */
    String raw() {
      StringBuilder b = new StringBuilder();
      for (int i = random.nextInt(30); i > 0; i--) {
        switch (random.nextInt(6)) {
          case 0 -> b.append('\0');
          case 1 -> b.append((char) (0xD800 + random.nextInt(0x800)));
          case 2 -> b.append("\\u0000");
          default -> b.append((char) (' ' + random.nextInt(95)));
        }
      }
      return b.toString();
    }

    /** A header value HTTP allows: printable ASCII, percent escapes (%00 among them). */
    String header() {
      StringBuilder b = new StringBuilder();
      for (int i = 1 + random.nextInt(20); i > 0; i--) {
        b.append(random.nextInt(5) == 0 ? pick("%00", "%ED%A0%80", "%", "%zz", "+")
            : String.valueOf((char) ('!' + random.nextInt(94))));
      }
      return b.toString();
    }

    byte[] bytes() {
      byte[] b = new byte[random.nextInt(200)];
      random.nextBytes(b);
      return b;
    }

    /** Now and then cut or corrupted, as a broken proxy or client would send it. */
    byte[] mangle(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      int k = random.nextInt(20);
      if (k == 0 && b.length > 1) {
        return java.util.Arrays.copyOf(b, random.nextInt(b.length));
      }
      if (k == 1 && b.length > 1) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      return b;
    }

    @SafeVarargs
    final <T> T pick(T... options) {
      return options[random.nextInt(options.length)];
    }
  }
}
