package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.deliver.CircuitBreaker;
import dev.pave.signals.deliver.Deliverer;
import dev.pave.signals.deliver.DeliveryException;
import dev.pave.signals.deliver.Sink;
import dev.pave.signals.enrich.Enricher;
import dev.pave.signals.incident.Change;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.store.Database;
import dev.pave.signals.store.Store;
import java.net.URI;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The circuit breaker around a sink whose answers are scripted: whatever the half-open trial
 * gets back, the circuit leaves half-open, so delivery goes on.
 */
class DelivererTest {
  private static final SinkConfig CFG = new SinkConfig.Webhook("hook",
      new SinkConfig.Delivery(Duration.ofMillis(10), Duration.ofMillis(20), 100,
          Duration.ofDays(1), 1, Duration.ofMillis(300), 1, Duration.ofSeconds(1)),
      URI.create("http://127.0.0.1:9/"), SinkConfig.WebhookFormat.JSON, null, null, null, 1);

  /** Answers each call with what {@code script} says for the call's number (from 0). */
  private static final class Scripted implements Sink {
    final List<String> taken = new CopyOnWriteArrayList<>();
    final Function<Integer, DeliveryException> script;
    int calls;

    Scripted(Function<Integer, DeliveryException> script) {
      this.script = script;
    }

    @Override
    public String name() {
      return "hook";
    }

    @Override
    public synchronized void deliver(Notice n) throws DeliveryException {
      DeliveryException e = script.apply(calls++);
      if (e != null) {
        throw e;
      }
      taken.add(n.signal().signal().id());
    }
  }

  private static void enqueue(Store store, String... ids) throws Exception {
    List<Store.Accepted> rows = new ArrayList<>();
    for (String id : ids) {
      Signal s = new Signal(id, SignalType.ALERT, Status.FIRING, Severity.HIGH, Fixtures.NOW,
          id, "", Map.of("namespace", "payments"), Map.of(), new Subject("", "payments", "", ""),
          new Origin.Alert("r", id, "f", Fixtures.NOW, null, null, null), "dedup-" + id, id);
      // Each its own incident: a failure of one holds back nothing else.
      rows.add(new Store.Accepted(new Notice(Enricher.enrich(s, Fixtures.catalog(),
          Fixtures.NOW), null, Change.NONE), Fixtures.NOW,
          List.of(new Store.Outgoing("hook", 0))));
    }
    try (Connection c = store.connection()) {
      c.setAutoCommit(false);
      store.enqueue(c, rows, store.writeJournal(c, rows), Instant.now());
      c.commit();
    }
  }

  private void run(Function<Integer, DeliveryException> script, String expectTaken)
      throws Exception {
    try (Database db = Database.open(Postgres.freshUrl(), "postgres", null, 2)) {
      Store store = new Store(db.dataSource());
      Scripted sink = new Scripted(script);
      enqueue(store, "a", "b", "c");
      try (Deliverer d = new Deliverer(sink, CFG, store, Clock.systemUTC(), l -> { })) {
        d.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> store.outboxSize() == 0);
        assertThat(d.breaker().state(Instant.now())).isEqualTo(CircuitBreaker.State.CLOSED);
      }
      assertThat(sink.taken.stream().sorted().toList())
          .isEqualTo(List.of(expectTaken.split(",")));
    }
  }

  @Test
  void aTrialRefusedForGoodClosesTheCircuitAndTheRestIsDelivered() throws Exception {
    // a: down (the circuit opens); a again, as the half-open trial: refused for good (a dead
    // letter); b and c then go through.
    run(n -> n == 0 ? new DeliveryException("down", false)
        : n == 1 ? new DeliveryException("HTTP 400", true) : null, "b,c");
  }

  @Test
  void aTrialToldToComeBackLaterGivesTheTrialBack() throws Exception {
    // a: down; the trial is told to wait 200 ms (no failure of the sink); the next trial, a
    // again once it may go, succeeds and the circuit closes.
    run(n -> n == 0 ? new DeliveryException("down", false)
        : n == 1 ? DeliveryException.notBefore("settling", Instant.now().plusMillis(200))
        : null, "a,b,c");
  }
}
