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
  /** Creates each test run's own RT database (rt5-db-sqlite's schema and initial data). */
  public static final Path RT_SETUP = Path.of("/usr/sbin/rt-setup-database-5");
  /**
   * What a test needs for RT's database: the setup tool, since each run creates its own (no
   * longer the packaged database of dbconfig-common, absent where dbconfig is not configured).
   */
  public static final Path RT_DB = RT_SETUP;
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

  /**
   * Skips the calling test, naming what is missing, when a real component cannot run here; in
   * CI (env CI=true) fails it instead, so a missing package never passes as a silent skip.
   */
  public static void require(Path... binaries) {
    String missing = missing(binaries);
    if (missing == null) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      org.junit.jupiter.api.Assertions.fail("CI=true and a real component is missing: "
          + missing);
    }
    org.junit.jupiter.api.Assumptions.abort("skipped: " + missing);
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

  /**
   * Request Tracker 5 on a database of its own: a private RT_SiteConfig.pm (RT_SITE_CONFIG,
   * with an empty RT_SITE_CONFIG_DIR, so nothing of /etc/request-tracker5 applies) names a
   * SQLite file in {@code dir}, {@code rt-setup-database-5 --action init} creates it, and
   * root's password is set.
   */
  public static Program requestTracker(Path dir) throws Exception {
    int port = freePort();
    Path conf = dir.resolve("rt-conf.d");
    Files.createDirectories(conf);
    Path site = dir.resolve("RT_SiteConfig.pm");
    Path db = dir.resolve("rtdb");
    Files.writeString(site, """
        Set($rtname, 'pave-test');
        Set($Organization, 'pave-test');
        Set($Timezone, 'UTC');
        Set($DatabaseType, 'SQLite');
        Set($DatabaseName, '%s');
        Set($LogToSyslog, undef);
        Set($LogToFile, undef);
        Set($LogToSTDERR, 'warning');
        Set($WebPath, "");
        Set($WebDomain, "127.0.0.1");
        Set($WebPort, %d);
        Set($WebBaseURL, "http://127.0.0.1:%d");
        Set(@ReferrerWhitelist, qw(127.0.0.1:%d));
        1;
        """.formatted(db, port, port, port));
    Map<String, String> env = Map.of("RT_SITE_CONFIG", site.toString(),
        "RT_SITE_CONFIG_DIR", conf.toString());
    // SQLite needs no DBA and creates the file on first use: --skip-create.
    String setup = run(List.of(RT_SETUP.toString(), "--action", "init", "--skip-create"), env,
        null);
    if (!Files.exists(db) || !setup.contains("Done.")) {
      throw new IllegalStateException("rt-setup-database-5 failed: " + setup);
    }
    String pw = run(List.of("rt-passwd-5", "root"), env, RT_PASSWORD + "\n" + RT_PASSWORD
        + "\n");
    if (!pw.contains("Successfully changed password")) {
      throw new IllegalStateException("rt-passwd-5 failed: " + pw);
    }
    Program rt = start(List.of(RT_SERVER.toString(), "--host", "127.0.0.1", "--port",
        String.valueOf(port)), env, dir, port);
    waitFor(rt, "/REST/2.0/queues/all", "root:" + RT_PASSWORD);
    return rt;
  }

  /** Runs a command to its end; its output. */
  private static String run(List<String> command, Map<String, String> env, String input)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    if (input != null) {
      p.getOutputStream().write(input.getBytes());
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }

  /** Creates an RT queue (REST2) and returns its name: tests keep their tickets apart. */
  public static String queue(Program rt, String name) throws Exception {
    var r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(rt.url()
        + "/REST/2.0/queue")).header("Content-Type", "application/json")
        .header("Authorization", rootAuth())
        .POST(HttpRequest.BodyPublishers.ofString("{\"Name\":\"" + name + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("queue " + name + ": HTTP " + r.statusCode() + " "
          + r.body());
    }
    return name;
  }

  private static String rootAuth() {
    return "Basic " + Base64.getEncoder().encodeToString(("root:" + RT_PASSWORD).getBytes());
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
    return tickets(rt, null, marker);
  }

  /** The same, in one queue (every queue when null). */
  public static List<String[]> tickets(Program rt, String queue, String marker)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String q = java.net.URLEncoder.encode((queue == null ? "" : "Queue = '" + queue + "' AND ")
        + "Subject LIKE '" + marker + "'",
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
