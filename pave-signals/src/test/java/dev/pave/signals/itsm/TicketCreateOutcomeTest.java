package dev.pave.signals.itsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.signals.Fixtures;
import dev.pave.signals.Postgres;
import dev.pave.signals.RealParts;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.config.SignalsConfig;
import dev.pave.signals.deliver.DeliveryException;
import dev.pave.signals.deliver.TicketSink;
import dev.pave.signals.itsm.SlowProxy.Fault;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Exactly one ticket per incident when the outcome of a create is unknown to the sink, for
 * real Request Tracker and the local ServiceNow and Jira servers, each behind a
 * {@link SlowProxy}: the create reaches the system after the sink's timeout (the system
 * commits late), its answer is lost, the process dies after sending it, and two deliveries
 * on one database take the same incident at once. The sink's timeout is 2 s, so it settles
 * 6 s (three timeouts) after a create before it searches again. Each time the ticket is then
 * resolved with the incident, and only one create ever reached the system.
 */
@org.junit.jupiter.api.Timeout(120)
class TicketCreateOutcomeTest {
  private static final AtomicInteger QUEUES = new AtomicInteger();
  @TempDir static Path rtDir;
  private static RealParts.Program rt;

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> log = new CopyOnWriteArrayList<>();

  enum Kind { REQUEST_TRACKER, SERVICENOW, JIRA }

  /** A ticket system: where it listens, how a create looks, the sink, the tickets' states. */
  private record Target(String url, BiPredicate<String, String> isCreate,
      Function<String, String> sink, ThrowingSupplier<List<String>> states, String resolved,
      AutoCloseable server, Duration timeout) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      if (server != null) {
        server.close();
      }
    }
  }

  @FunctionalInterface
  private interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  private static synchronized RealParts.Program requestTracker() throws Exception {
    RealParts.require(RealParts.RT_SERVER, RealParts.RT_SETUP);
    if (rt == null) {
      rt = RealParts.requestTracker(rtDir);
    }
    return rt;
  }

  @AfterAll
  static void stopRequestTracker() {
    if (rt != null) {
      rt.close();
    }
  }

  private Target target(Kind kind) throws Exception {
    Duration timeout = Duration.ofSeconds(kind == Kind.REQUEST_TRACKER ? 5 : 2);
    String delivery = ", timeout: " + timeout.toSeconds() + "s,"
        + " retry: {initialBackoff: 50ms, maxBackoff: 200ms}}";
    switch (kind) {
      case REQUEST_TRACKER -> {
        RealParts.Program server = requestTracker();
        // A queue per test: the incident ids repeat from test to test, RT does not restart.
        String queue = RealParts.queue(server, "pave-" + QUEUES.incrementAndGet() + "-"
            + System.nanoTime());
        Files.writeString(dir.resolve("itsm-password"), RealParts.RT_PASSWORD);
        return new Target(server.url(), (m, p) -> m.equals("POST")
            && p.endsWith("/REST/2.0/ticket"),
            url -> "{name: tickets, type: request-tracker, url: \"" + url + "/REST/2.0/\","
                + " queue: " + queue + ", user: root, passwordFile: itsm-password" + delivery,
            () -> RealParts.tickets(server, queue, "pave:").stream().map(t -> t[2]).toList(),
            "resolved", null, timeout);
      }
      case SERVICENOW -> {
        FakeServiceNow sn = new FakeServiceNow("pave", "s3cret-pw");
        Files.writeString(dir.resolve("itsm-password"), "s3cret-pw");
        return new Target(sn.url(), (m, p) -> m.equals("POST")
            && p.equals(FakeServiceNow.TABLE_PATH),
            url -> "{name: tickets, type: servicenow, url: \"" + url + "\", user: pave,"
                + " passwordFile: itsm-password" + delivery,
            () -> {
              synchronized (sn) {
                return sn.records.values().stream().map(r -> r.fields().get("state")).toList();
              }
            }, "6", sn, timeout);
      }
      default -> {
        FakeJira jira = new FakeJira("OPS", "pave@example.com", "s3cret-pw");
        Files.writeString(dir.resolve("itsm-password"), "s3cret-pw");
        return new Target(jira.url(), (m, p) -> m.equals("POST")
            && p.endsWith("/rest/api/3/issue"),
            url -> "{name: tickets, type: jira, url: \"" + url + "\", project: OPS,"
                + " user: pave@example.com, tokenFile: itsm-password, searchSettle: 0s"
                + delivery,
            () -> {
              synchronized (jira) {
                return new ArrayList<>(jira.issues.values()).stream()
                    .map(FakeJira.Issue::category).toList();
              }
            }, "done", jira, timeout);
      }
    }
  }

  private SignalsConfig config(String sink) throws Exception {
    String yaml = """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake: {port: 0}
        catalog:
          applications:
            - {app: checkout, environment: prod, team: payments, namespace: payments}
        sinks:
          - %s
        routes:
          - sinks: [tickets]
        """.formatted(sink);
    var r = ConfigReader.read("signals.yaml", yaml, dir);
    assertThat(r.problems()).isEmpty();
    return r.config();
  }

  private void post(Pipeline p, String body) throws Exception {
    HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + p.port() + "/api/v1/alertmanager")).POST(HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
  }

  private static String firing() {
    return new String(Fixtures.firing());
  }

  /** The incident resolves; then exactly one ticket, resolved, and one create sent. */
  private void resolvesOneTicket(Pipeline p, Target t, SlowProxy proxy) throws Exception {
    post(p, ItsmSinksTest.allResolved());
    try {
      await().atMost(Duration.ofSeconds(40)).until(() -> t.states().get().contains(t.resolved()));
    } catch (RuntimeException e) {
      throw new AssertionError("tickets " + t.states().get() + "\nlog " + log + "\ndead "
          + p.store().deadLetters(null) + "\noutbox " + p.store().pending("tickets", 0, 0, 5)
          + " " + outboxErrors(p), e);
    }
    assertThat(t.states().get()).containsExactly(t.resolved());
    assertThat(proxy.createsReceived).hasValue(1);
    assertThat(p.store().deadLetters(null)).isEmpty();
    assertThat(p.store().count("select count(*) from tickets")).isEqualTo(1);
  }

  private Pipeline start(SignalsConfig cfg, Database db) throws Exception {
    return Pipeline.start(cfg, db, Clock.systemUTC(), log::add);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void a_create_the_system_commits_after_the_timeout_makes_one_ticket(Kind kind)
      throws Exception {
    try (Target t = target(kind); SlowProxy proxy = new SlowProxy(t.url(), t.isCreate());
        Database db = Postgres.fresh()) {
      // Reaches the system 0.5 s after the sink gave up, answered 3 s later still: a search
      // right after the timeout would find nothing and create a second ticket.
      proxy.nextCreate(Fault.commitsAfterTimeout(t.timeout().plusMillis(500),
          Duration.ofSeconds(3)));
      SignalsConfig cfg = config(t.sink().apply(proxy.url()));
      try (Pipeline p = start(cfg, db)) {
        post(p, firing());
        await().atMost(Duration.ofSeconds(30)).until(() -> p.store().count(
            "select count(*) from tickets") == 1);
        resolvesOneTicket(p, t, proxy);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void a_create_whose_answer_is_lost_makes_one_ticket(Kind kind) throws Exception {
    try (Target t = target(kind); SlowProxy proxy = new SlowProxy(t.url(), t.isCreate());
        Database db = Postgres.fresh()) {
      proxy.nextCreate(Fault.answerLost());
      SignalsConfig cfg = config(t.sink().apply(proxy.url()));
      try (Pipeline p = start(cfg, db)) {
        post(p, firing());
        await().atMost(Duration.ofSeconds(30)).until(() -> p.store().count(
            "select count(*) from tickets") == 1);
        resolvesOneTicket(p, t, proxy);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void a_process_killed_after_sending_the_create_leaves_one_ticket(Kind kind)
      throws Exception {
    try (Target t = target(kind); SlowProxy proxy = new SlowProxy(t.url(), t.isCreate());
        Database db = Postgres.fresh()) {
      // The create reaches the system 1.5 s after the sink's timeout; the process that sent it
      // is gone by then, and the one that takes over must not create a second.
      proxy.nextCreate(Fault.commitsAfterTimeout(t.timeout().plusMillis(1500), Duration.ZERO));
      SignalsConfig cfg = config(t.sink().apply(proxy.url()));
      Pipeline first = start(cfg, db);
      post(first, firing());
      await().atMost(Duration.ofSeconds(10)).until(() -> proxy.createsReceived.get() == 1);
      first.close();
      try (Pipeline p = start(cfg, db)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> p.store().count(
            "select count(*) from tickets") == 1);
        resolvesOneTicket(p, t, proxy);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void two_deliveries_of_one_incident_on_one_database_create_one_ticket(Kind kind)
      throws Exception {
    try (Target t = target(kind); SlowProxy proxy = new SlowProxy(t.url(), t.isCreate());
        Database db = Postgres.fresh()) {
      // The first create takes 1.5 s: meanwhile a second sink on the same database (as a
      // second replica would; one database takes one pipeline) delivers the same notice, and
      // its search finds nothing yet.
      proxy.nextCreate(Fault.commitsAfterTimeout(Duration.ofMillis(1500), Duration.ZERO));
      SignalsConfig cfg = config(t.sink().apply(proxy.url()));
      try (Pipeline p = start(cfg, db)) {
        post(p, firing());
        Notice notice = await().atMost(Duration.ofSeconds(10)).until(() -> waiting(p),
            n -> n != null);
        TicketSink other = TicketSink.of(cfg.sinks().get(0), p.store(), Clock.systemUTC());
        for (int tries = 0; tries < 3; tries++) {
          try {
            other.deliver(notice);
            break;
          } catch (DeliveryException e) {
            if (e.notBefore() != null) {
              // The delivery that lost the claim waits for the other's ticket.
              break;
            }
          }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> p.store().count(
            "select count(*) from tickets") == 1);
        resolvesOneTicket(p, t, proxy);
      }
    }
  }

  private static List<String> outboxErrors(Pipeline p) throws Exception {
    List<String> out = new ArrayList<>();
    try (var c = p.store().connection(); var ps = c.prepareStatement(
        "select last_error from outbox where last_error is not null");
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** The notice waiting in the outbox for the ticket sink, if one is. */
  private static Notice waiting(Pipeline p) throws Exception {
    for (int lane = 0; lane < 64; lane++) {
      for (var pending : p.store().pending("tickets", lane, 0, 10)) {
        Notice n = p.store().notices(List.of(pending.seq())).get(pending.seq());
        if (n != null) {
          return n;
        }
      }
    }
    return null;
  }
}
