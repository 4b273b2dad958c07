package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.config.SignalsConfig;
import dev.pave.signals.deliver.Deliverer;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Codec;
import dev.pave.signals.store.Database;
import dev.pave.signals.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two pipelines on one PostgreSQL, as two replicas of a Deployment: both take alerts at once
 * (some the same alert, as Alertmanager's HA peers send it), step the same incidents, and
 * share the sink's lanes; every alert is journaled and delivered once, incidents stay one per
 * key with every member counted, and each incident's notices arrive in order. The kill -9 of a
 * replica is SignalsReplicasTest in pave-cli (real processes).
 */
class ReplicasTest {
  @TempDir Path dir;

  private static final int GROUPS = 20;
  private static final int NOTIFICATIONS = 200;
  private static final int PER_NOTIFICATION = 10;

  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void two_replicas_take_the_same_stream_and_deliver_each_alert_once_in_incident_order()
      throws Exception {
    Receiver hook = new Receiver();
    open.add(hook);
    String url = Postgres.freshUrl();
    Pipeline a = start(url, hook);
    Pipeline b = start(url, hook);
    // The first replica took every lane; the second joins and is handed its share.
    await().atMost(Duration.ofSeconds(40)).until(() ->
        new HashSet<>(a.store().laneOwners("hook").values()).size() == 2);
    Map<Integer, String> owners = a.store().laneOwners("hook");
    assertThat(owners).hasSize(4);
    assertThat(owners.values()).containsOnly(a.deliverers().get(0).owner(),
        b.deliverers().get(0).owner());

    ExecutorService senders = Executors.newFixedThreadPool(4);
    AtomicInteger accepted = new AtomicInteger();
    List<Future<?>> sent = new ArrayList<>();
    for (int n = 0; n < NOTIFICATIONS; n++) {
      int k = n;
      Pipeline to = n % 2 == 0 ? a : b;
      sent.add(senders.submit(() -> accepted.addAndGet(post(to, notification(k)))));
      if (n % 10 == 0) {
        // The HA peer's copy of the same notification, to the other replica at the same time.
        Pipeline other = to == a ? b : a;
        sent.add(senders.submit(() -> accepted.addAndGet(post(other, notification(k)))));
      }
    }
    for (Future<?> f : sent) {
      f.get();
    }
    senders.shutdown();
    int total = NOTIFICATIONS * PER_NOTIFICATION;
    assertThat(accepted.get()).isEqualTo(total);
    assertThat(a.store().journalSize()).isEqualTo(total);

    await().atMost(Duration.ofSeconds(60)).until(() -> hook.requests.size() >= total);
    await().atMost(Duration.ofSeconds(10)).until(() -> a.store().outboxSize() == 0);
    Thread.sleep(500);
    assertThat(hook.requests).hasSize(total);
    Set<String> ids = new HashSet<>();
    Map<String, List<Integer>> versions = new HashMap<>();
    for (var r : hook.requests) {
      JsonNode n = Codec.json().readTree(r.body());
      ids.add(n.get("id").asText());
      JsonNode inc = n.get("incident");
      versions.computeIfAbsent(inc.get("id").asText(), x -> new ArrayList<>())
          .add(inc.get("version").asInt());
    }
    assertThat(ids).hasSize(total);
    // One incident per group, each of its members counted, whichever replica stepped it.
    assertThat(versions).hasSize(GROUPS);
    assertThat(a.store().count("select count(*) from incidents")).isEqualTo(GROUPS);
    assertThat(a.store().listIncidents(null, 100)).allSatisfy(i ->
        assertThat(i.firingCount()).isEqualTo(total / GROUPS));
    for (var e : versions.entrySet()) {
      assertThat(e.getValue()).as("versions of incident %s as delivered", e.getKey())
          .isSorted();
    }
    assertThat(a.deliverers().get(0).delivered()).isPositive();
    assertThat(b.deliverers().get(0).delivered()).isPositive();
  }

  @Test
  void a_lane_goes_to_another_replica_only_when_its_holder_stops_renewing() throws Exception {
    try (Database db = Database.open(Postgres.freshUrl(), "postgres", null, 2)) {
      Store store = new Store(db.dataSource());
      Duration lease = Duration.ofMinutes(1);
      assertThat(store.leaseLane("s", 0, "a", lease)).isTrue();
      assertThat(store.leaseLane("s", 0, "b", lease)).isFalse();
      assertThat(store.leaseLane("s", 1, "b", lease)).isTrue();
      assertThat(store.leaseLane("s", 0, "a", lease)).as("renewal").isTrue();
      // a dies: its lease runs out.
      try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
        s.executeUpdate("update outbox_lanes set expires_at = now() - interval '1 second'"
            + " where owner = 'a'");
      }
      assertThat(store.laneOwners("s")).containsExactlyEntriesOf(Map.of(1, "b"));
      assertThat(store.leaseLane("s", 0, "b", lease)).isTrue();
      assertThat(store.leaseLane("s", 0, "a", lease)).as("a, back, finds it taken").isFalse();
      store.releaseLane("s", 0, "b");
      assertThat(store.leaseLane("s", 0, "a", lease)).as("given back at once").isTrue();
      assertThat(store.members("s", "a", lease)).isEqualTo(1);
      assertThat(store.members("s", "b", lease)).isEqualTo(2);
      store.members("s", "b", null);
      assertThat(store.members("s", "a", lease)).isEqualTo(1);
    }
  }

  private Pipeline start(String url, Receiver hook) throws Exception {
    String yaml = """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake: {port: 0, queue: 20000}
        catalog:
          applications:
            - {app: checkout, environment: prod, team: payments, namespace: payments}
        sinks:
          - {name: hook, type: webhook, url: "%s", format: json, partitions: 4}
        routes:
          - sinks: [hook]
        """.formatted(hook.url());
    var r = ConfigReader.read("signals.yaml", yaml, dir);
    assertThat(r.problems()).isEmpty();
    SignalsConfig cfg = r.config();
    Database db = Database.open(url, "postgres", null, 8);
    open.add(db);
    Pipeline p = Pipeline.start(cfg, db, Clock.systemUTC(), log::add);
    open.add(p);
    return p;
  }

  private int post(Pipeline to, String body) throws Exception {
    var resp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.port()
        + "/api/v1/alertmanager")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    return Codec.json().readTree(resp.body()).get("accepted").asInt();
  }

  /**
   * Notification n: ten firing alerts, members no other one has, of group (n / 10) % GROUPS:
   * notifications sent at the same time to the two replicas step the same incident.
   */
  static String notification(int n) {
    int g = (n / 10) % GROUPS;
    StringBuilder alerts = new StringBuilder();
    for (int i = 0; i < PER_NOTIFICATION; i++) {
      int member = n * PER_NOTIFICATION + i;
      alerts.append(i == 0 ? "" : ",").append("""
          {"status":"firing","labels":{"alertname":"Replica%d","namespace":"payments",
           "pod":"checkout-7d9f8b6c5-r%04d","severity":"critical"},"annotations":{},
           "startsAt":"2026-11-23T19:35:08Z","endsAt":"0001-01-01T00:00:00Z",
           "generatorURL":"","fingerprint":"r%d-%d"}""".formatted(g, member, g, member));
    }
    return """
        {"receiver":"pave","status":"firing","alerts":[%s],"groupLabels":{},"commonLabels":{},
         "commonAnnotations":{},"externalURL":"","version":"4",
         "groupKey":"{}:{alertname=\\"Replica%d\\"}","truncatedAlerts":0}""".formatted(alerts, g);
  }
}
