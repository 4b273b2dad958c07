package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.signals.store.Codec;
import dev.pave.signals.store.Database;
import dev.pave.signals.store.Store;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas as processes on one PostgreSQL, alerts sent to them in turns as a Service would;
 * one is killed with SIGKILL in the middle of 2,000 alerts. Every acknowledged alert reaches
 * the webhook (again only with its own id, for what the dead replica had sent but not marked),
 * Request Tracker has exactly one ticket per incident, and the survivor drains the outbox.
 */
class ReplicaKillTest {
  @TempDir Path dir;

  /** 2,000 alerts here; bench/signals-replicas.sh runs it with 20,000. */
  private static final int NOTIFICATIONS = Integer.getInteger("pave.replicas.notifications",
      200);
  private static final int PER_NOTIFICATION = 10;
  private static final int GROUPS = 20;

  @Test
  void a_replica_killed_mid_stream_leaves_nothing_undelivered_and_no_ticket_twice()
      throws Exception {
    RealParts.require(RealParts.RT_SERVER, RealParts.RT_DB);
    String url = Postgres.freshUrl();
    try (Receiver hook = new Receiver(); RealParts.Program rt = RealParts.requestTracker(dir);
        Database db = Database.open(url, "postgres", null, 2)) {
      Store store = new Store(db.dataSource());
      Files.writeString(dir.resolve("rt-password"), RealParts.RT_PASSWORD);
      hook.delayMillis.set(3);
      Process a = start(config("a", url, hook, rt));
      Process b = start(config("b", url, hook, rt));
      int portA = port(a);
      int portB = port(b);
      try {
        await().atMost(Duration.ofSeconds(40)).until(() ->
            new HashSet<>(store.laneOwners("hook").values()).size() == 2);
        int acknowledged = 0;
        boolean killed = false;
        for (int n = 0; n < NOTIFICATIONS; n++) {
          if (n == NOTIFICATIONS / 2) {
            await().atMost(Duration.ofSeconds(30)).until(() -> hook.requests.size() >= 200);
            a.destroyForcibly();
            assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
            killed = true;
          }
          // In turns; once a is gone, what would have gone to it goes to b, as the Service
          // sends it to the endpoint left.
          int to = n % 2 == 0 && !killed ? portA : portB;
          acknowledged += post(to, ReplicasTest.notification(n));
        }
        int total = NOTIFICATIONS * PER_NOTIFICATION;
        assertThat(acknowledged).isEqualTo(total);
        assertThat(store.journalSize()).isEqualTo(total);
        // The survivor takes the dead replica's lanes once their leases run out.
        long lastSent = System.nanoTime();
        long deadline = lastSent + Duration.ofSeconds(90 + NOTIFICATIONS / 20).toNanos();
        while (store.outboxSize() > 0 && System.nanoTime() < deadline) {
          Thread.sleep(500);
        }
        assertThat(store.outboxSize()).as(() -> {
          try {
            return "waiting " + store.backlog("hook") + " " + store.backlog("tickets")
                + ", lanes " + store.laneOwners("hook") + " " + store.laneOwners("tickets")
                + ", survivor: " + Files.readString(logs.get(b)).lines().limit(40).toList();
          } catch (Exception e) {
            return e.toString();
          }
        }).isZero();
        System.out.printf("replicas: %d alerts acknowledged, outbox drained %.1f s after the"
            + " last was sent%n", acknowledged, (System.nanoTime() - lastSent) / 1e9);
        Map<String, Integer> seen = new HashMap<>();
        for (var r : hook.requests) {
          seen.merge(Codec.json().readTree(r.body()).get("id").asText(), 1, Integer::sum);
        }
        assertThat(seen).hasSize(total);
        // What the dead replica had sent but not yet marked goes out again, with its id: at
        // most a page (256) per lane it held.
        long repeated = seen.values().stream().filter(c -> c > 1).count();
        System.out.printf("replicas: %d distinct ids at the webhook, %d sent again%n",
            seen.size(), repeated);
        assertThat(repeated).isLessThanOrEqualTo(4 * 256);
        assertThat(store.laneOwners("hook").values()).containsOnly(owner(b));
        await().atMost(Duration.ofSeconds(60)).until(() ->
            RealParts.tickets(rt, "pave:").size() >= GROUPS);
        Thread.sleep(2000);
        var tickets = RealParts.tickets(rt, "pave:");
        assertThat(tickets).hasSize(GROUPS);
        Set<String> subjects = new HashSet<>();
        tickets.forEach(t -> subjects.add(t[1].substring(0, t[1].indexOf(']') + 1)));
        assertThat(subjects).hasSize(GROUPS);
        assertThat(store.count("select count(*) from dead_letters")).isZero();
      } finally {
        a.destroyForcibly();
        b.destroy();
        b.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private final Map<Process, CompletableFuture<String>> ports = new HashMap<>();
  private final Map<Process, Path> logs = new HashMap<>();

  private Path config(String name, String url, Receiver hook, RealParts.Program rt)
      throws Exception {
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake: {port: 0, queue: 20000}
        database: {url: "%s", user: postgres, poolSize: 8}
        catalog:
          applications:
            - {app: checkout, environment: prod, team: payments, namespace: payments}
        sinks:
          - {name: hook, type: webhook, url: "%s", format: json, partitions: 4}
          - {name: tickets, type: request-tracker, url: "%s/REST/2.0/", user: root,
             passwordFile: rt-password, timeout: 30s, partitions: 2}
        routes:
          - sinks: [hook, tickets]
        """.formatted(url, hook.url(), rt.url()));
    return config;
  }

  private Process start(Path config) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ReplicaMain.class.getName(), config.toString()).redirectErrorStream(true).start();
    CompletableFuture<String> up = new CompletableFuture<>();
    Path log = dir.resolve("replica-" + p.pid() + ".log");
    ports.put(p, up);
    logs.put(p, log);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8)); var w = Files.newBufferedWriter(log)) {
        String line;
        while ((line = r.readLine()) != null) {
          w.write(line);
          w.newLine();
          w.flush();
          if (line.startsWith("listening ")) {
            up.complete(line.substring("listening ".length()));
          }
        }
      } catch (Exception ignored) {
        // the process went away
      }
      up.completeExceptionally(new IllegalStateException("replica exited"));
    });
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  private int port(Process p) throws Exception {
    try {
      return Integer.parseInt(ports.get(p).get(120, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException("replica did not start: " + Files.readString(logs.get(p)),
          e);
    }
  }

  /** The owner name the replica logged when it took a lane of the webhook sink. */
  private String owner(Process p) throws Exception {
    for (String line : Files.readAllLines(logs.get(p))) {
      if (line.startsWith("hook: lane ") && line.contains(" taken by ")) {
        return line.substring(line.indexOf(" taken by ") + " taken by ".length());
      }
    }
    throw new IllegalStateException("no lane taken: " + Files.readString(logs.get(p)));
  }

  private static int post(int port, String body) throws Exception {
    var r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + port + "/api/v1/alertmanager"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Codec.json().readTree(r.body()).get("accepted").asInt();
  }
}
