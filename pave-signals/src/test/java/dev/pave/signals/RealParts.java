package dev.pave.signals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Starts the real programs the tests deliver to and take from: Prometheus Alertmanager, rsyslog
 * and Request Tracker 5, from Debian's packages (.ci/run installs them). Each runs on loopback
 * with private configuration and data in a temporary directory; nothing of the system's own
 * daemons is touched.
 */
public final class RealParts {
  public static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
  public static final Path RSYSLOGD = Path.of("/usr/sbin/rsyslogd");
  public static final Path RT_SERVER = Path.of("/usr/share/request-tracker5/libexec/rt-server");
  public static final Path RT_DB = Path.of("/var/lib/dbconfig-common/sqlite3/request-tracker5/rtdb");
  public static final String RT_PASSWORD = "pave-test-password";

  private RealParts() {}

  /** Why a real component cannot run here, or null when it can. */
  public static String missing(Path... binaries) {
    for (Path p : binaries) {
      if (!Files.isExecutable(p) && !Files.isReadable(p)) {
        return p + " is not installed (.ci/run installs it: apt-get install -y"
            + " prometheus-alertmanager rsyslog request-tracker5 rt5-db-sqlite rt5-standalone)";
      }
    }
    return null;
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A started program, stopped on close. */
  public static final class Program implements AutoCloseable {
    public final Process process;
    public final Path log;
    public final int port;

    Program(Process process, Path log, int port) {
      this.process = process;
      this.log = log;
      this.port = port;
    }

    public String url() {
      return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      try {
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static Program start(List<String> command, Map<String, String> env, Path dir, int port)
      throws IOException {
    Path log = dir.resolve(Path.of(command.get(0)).getFileName() + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return new Program(pb.start(), log, port);
  }

  /** Alertmanager whose only receiver is a webhook to {@code webhookUrl}, grouping quickly. */
  public static Program alertmanager(Path dir, String webhookUrl, Path bearerTokenFile)
      throws Exception {
    int port = freePort();
    Path cfg = dir.resolve("alertmanager.yml");
    Files.writeString(cfg, """
        route:
          receiver: pave
          group_by: [alertname, namespace]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: pave
            webhook_configs:
              - url: %s
                send_resolved: true
                http_config:
                  authorization:
                    credentials_file: %s
        """.formatted(webhookUrl, bearerTokenFile));
    Files.createDirectories(dir.resolve("am-data"));
    Program p = start(List.of(ALERTMANAGER.toString(), "--config.file=" + cfg,
        "--storage.path=" + dir.resolve("am-data"), "--web.listen-address=127.0.0.1:" + port,
        "--cluster.listen-address="), Map.of(), dir, port);
    waitFor(p, "/-/ready", null);
    return p;
  }

  /** rsyslog with imtcp (octet counting) writing each message's fields to {@code out}. */
  public static Program rsyslog(Path dir, Path out) throws Exception {
    int port = freePort();
    Path work = dir.resolve("rsyslog-work");
    Files.createDirectories(work);
    Path cfg = dir.resolve("rsyslog.conf");
    Files.writeString(cfg, """
        global(workDirectory="%s")
        module(load="imtcp")
        template(name="fields" type="string"
          string="%%pri%%|%%protocol-version%%|%%timestamp:::date-rfc3339%%|%%hostname%%|%%app-name%%|%%procid%%|%%msgid%%|%%structured-data%%|%%msg%%\\n")
        ruleset(name="siem") {
          action(type="omfile" file="%s" template="fields")
        }
        input(type="imtcp" address="127.0.0.1" port="%d" ruleset="siem")
        """.formatted(work, out, port));
    Program p = start(List.of(RSYSLOGD.toString(), "-n", "-f", cfg.toString(), "-i",
        dir.resolve("rsyslog.pid").toString()), Map.of(), dir, port);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return p;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("rsyslog did not listen: " + Files.readString(p.log));
  }

  /** Request Tracker 5 on its own copy of the packaged SQLite database, root's password set. */
  public static Program requestTracker(Path dir) throws Exception {
    int port = freePort();
    Path conf = dir.resolve("rt-conf");
    Files.createDirectories(conf);
    try (var files = Files.list(Path.of("/etc/request-tracker5/RT_SiteConfig.d"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".pm")).toList()) {
        Files.copy(f, conf.resolve(f.getFileName()));
      }
    }
    Path db = dir.resolve("rtdb");
    Files.copy(RT_DB, db);
    Files.writeString(conf.resolve("99-pave-test.pm"), """
        Set($DatabaseName, '%s');
        Set($WebPath, "");
        Set($WebDomain, "127.0.0.1");
        Set($WebPort, %d);
        Set($WebBaseURL, "http://127.0.0.1:%d");
        Set(@ReferrerWhitelist, qw(127.0.0.1:%d));
        1;
        """.formatted(db, port, port, port));
    Map<String, String> env = Map.of("RT_SITE_CONFIG_DIR", conf.toString());
    ProcessBuilder pw = new ProcessBuilder("rt-passwd-5", "root").redirectErrorStream(true);
    pw.environment().putAll(env);
    Process p = pw.start();
    p.getOutputStream().write((RT_PASSWORD + "\n" + RT_PASSWORD + "\n").getBytes());
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0 && !out.contains("Successfully changed password")) {
      throw new IllegalStateException("rt-passwd-5 failed: " + out);
    }
    Program rt = start(List.of(RT_SERVER.toString(), "--host", "127.0.0.1", "--port",
        String.valueOf(port)), env, dir, port);
    waitFor(rt, "/REST/2.0/queues/all", "root:" + RT_PASSWORD);
    return rt;
  }

  /** Waits until GET path answers 200. */
  static void waitFor(Program p, String path, String basic) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.process.isAlive()) {
        throw new IllegalStateException("exited: " + Files.readString(p.log));
      }
      try {
        var b = HttpRequest.newBuilder(URI.create(p.url() + path)).timeout(Duration.ofSeconds(5));
        if (basic != null) {
          b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
              basic.getBytes()));
        }
        if (http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(p.url() + path + " did not answer: "
        + Files.readString(p.log));
  }

  /** Subjects and statuses of the RT tickets whose subject contains {@code marker}. */
  public static List<String[]> tickets(Program rt, String marker) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String q = java.net.URLEncoder.encode("Subject LIKE '" + marker + "'",
        java.nio.charset.StandardCharsets.UTF_8);
    var r = http.send(HttpRequest.newBuilder(URI.create(rt.url()
        + "/REST/2.0/tickets?per_page=100&fields=Subject,Status&query=" + q))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            ("root:" + RT_PASSWORD).getBytes())).build(), HttpResponse.BodyHandlers.ofString());
    var items = dev.pave.signals.store.Codec.json().readTree(r.body()).path("items");
    List<String[]> out = new ArrayList<>();
    for (var i : items) {
      out.add(new String[] {i.path("id").asText(), i.path("Subject").asText(),
          i.path("Status").asText()});
    }
    return out;
  }
}
