package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.deliver.DeliveryException;
import dev.pave.signals.deliver.SyslogSink;
import dev.pave.signals.enrich.Enricher;
import dev.pave.signals.intake.AlertmanagerWebhook;
import dev.pave.signals.schema.Cef;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.schema.Syslog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The syslog sink against real rsyslog (imtcp, octet counting): no frame lost when the
 * receiver restarts between two notices, and label or summary text with line breaks and
 * terminal controls arrives escaped, one record per line.
 */
class SyslogDeliveryTest {
  @TempDir Path dir;

  private static void requireRsyslog() {
    String missing = RealParts.missing(RealParts.RSYSLOGD);
    if (missing != null && "true".equals(System.getenv("CI"))) {
      fail(missing);
    }
    assumeTrue(missing == null, () -> "skipped: " + missing);
  }

  private SinkConfig.Syslog sink(int port, String body) {
    var r = ConfigReader.read("signals.yaml", """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        sinks:
          - {name: siem, type: syslog, host: 127.0.0.1, port: %d, body: %s, timeout: 2s}
        """.formatted(port, body), dir);
    assertThat(r.problems()).isEmpty();
    return (SinkConfig.Syslog) r.config().sinks().get(0);
  }

  /** A copy of the fixture's first alert with its own id, summary and status. */
  static Notice notice(String id, String summary, Status status) {
    Signal f = AlertmanagerWebhook.parse(Fixtures.firing()).signals().get(0);
    Signal s = new Signal(id, f.type(), status, f.severity(), f.time(), f.title(), summary,
        f.labels(), f.annotations(), f.subject(), f.origin(), f.dedupKey() + id, f.group());
    return new Notice(Enricher.enrich(s, Fixtures.catalog(), Fixtures.NOW), null, null);
  }

  /** As the deliverer does: a failed delivery is tried again, on a new connection. */
  private static void deliver(SyslogSink sink, Notice n) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      try {
        sink.deliver(n);
        return;
      } catch (DeliveryException e) {
        Thread.sleep(100);
      }
    }
    fail("not delivered: " + n.signal().signal().id());
  }

  private static List<String> lines(Path f) throws IOException {
    return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
  }

  private static boolean received(Path f, List<String> ids) throws IOException {
    String all = String.join("\n", lines(f));
    return ids.stream().allMatch(id -> all.contains("id=\"" + id + "\""));
  }

  @Test
  void a_receiver_restarted_between_two_notices_loses_no_frame() throws Exception {
    requireRsyslog();
    Path out = dir.resolve("siem.log");
    var rsyslog = RealParts.rsyslog(dir, out);
    List<String> ids = new ArrayList<>();
    try (SyslogSink sink = new SyslogSink(sink(rsyslog.port, "cef"), "test")) {
      for (int i = 1; i <= 3; i++) {
        ids.add("before-" + i);
        deliver(sink, notice("before-" + i, "summary " + i, Status.FIRING));
      }
      await().atMost(Duration.ofSeconds(15)).until(() -> received(out, ids));

      // A normal restart: rsyslog closes its connections (FIN), a new one listens on the port.
      rsyslog.close();
      rsyslog = RealParts.start(List.of(RealParts.RSYSLOGD.toString(), "-n", "-f",
          dir.resolve("rsyslog.conf").toString(), "-i", dir.resolve("rsyslog.pid").toString()),
          Map.of(), dir, rsyslog.port);
      awaitListening(rsyslog.port);

      for (int i = 1; i <= 3; i++) {
        ids.add("after-" + i);
        deliver(sink, notice("after-" + i, "summary " + i, Status.FIRING));
      }
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(received(out, ids))
          .as("every id in %s, received: %s", ids, lines(out)).isTrue());
    } finally {
      rsyslog.close();
    }
  }

  private static void awaitListening(int port) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    fail("rsyslog did not listen again on " + port);
  }

  @Test
  void line_breaks_and_controls_in_values_arrive_escaped_one_record_per_line() throws Exception {
    requireRsyslog();
    Path out = dir.resolve("siem.log");
    String text = "one\ntwo\r\nthree\u001b[31mred\u0085nel\u2028ls\u2029ps\tend";
    try (var rsyslog = RealParts.rsyslog(dir, out);
        SyslogSink cef = new SyslogSink(sink(rsyslog.port, "cef"), "test");
        SyslogSink json = new SyslogSink(sink(rsyslog.port, "json"), "test")) {
      deliver(cef, notice("cef\nid\u2028x", text, Status.FIRING));
      deliver(json, notice("json\u0085id", text, Status.FIRING));
      await().atMost(Duration.ofSeconds(15)).until(() -> lines(out).size() >= 2);
      Thread.sleep(300);
      List<String> got = lines(out);
      assertThat(got).hasSize(2);
      String raw = Files.readString(out, StandardCharsets.UTF_8);
      // Nothing raw that a line-based reader splits on, nothing rsyslog had to escape (#012).
      assertThat(raw).doesNotContain("\u0085", "\u2028", "\u2029", "\u001b", "\r", "#012",
          "#033", "#011");
      assertThat(got.get(0)).contains("id=\"cef\\nid\\u2028x\"")
          .contains("msg=one\\ntwo\\nthree [31mred\\nnel\\nls\\nps end ")
          .contains("|one two three [31mred nel ls ps end|");
      assertThat(got.get(1)).contains("id=\"json\\u0085id\"")
          .containsIgnoringCase("\"message\":\"one\\ntwo\\r\\nthree\\u001b[31mred"
              + "\\u0085nel\\u2028ls\\u2029ps\\tend\"");
    }
  }

  @Test
  void a_resolution_says_so_in_the_syslog_priority_and_the_cef_severity() throws Exception {
    Notice firing = notice("f", "s", Status.FIRING);
    Notice resolved = notice("r", "s", Status.RESOLVED);
    // local0 (16): critical 2 while firing, notice 5 once resolved.
    assertThat(Syslog.message(firing, Syslog.Format.DEFAULT, "x")).startsWith("<130>1 ")
        .doesNotContain("severity=");
    assertThat(Syslog.message(resolved, Syslog.Format.DEFAULT, "x")).startsWith("<133>1 ")
        .contains(" severity=\"critical\"]");
    assertThat(Cef.of(firing, "1")).contains("|10|");
    assertThat(Cef.of(resolved, "1")).contains("|0|").contains("act=resolved");
    requireRsyslog();
    Path out = dir.resolve("siem.log");
    try (var rsyslog = RealParts.rsyslog(dir, out);
        SyslogSink sink = new SyslogSink(sink(rsyslog.port, "cef"), "test")) {
      deliver(sink, resolved);
      await().atMost(Duration.ofSeconds(15)).until(() -> lines(out).size() >= 1);
      assertThat(lines(out).get(0)).startsWith("133|1|").contains("|0|rt=");
    }
  }
}
