package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.signals.enrich.Enricher;
import dev.pave.signals.incident.Change;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.store.Database;
import dev.pave.signals.store.Store;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The journal holds each notice once; the outbox and the dead letters read it from there. */
class StoreTest {
  private static Store.Accepted accepted(String id, Instant received, String... sinks) {
    Signal s = new Signal(id, SignalType.ALERT, Status.FIRING, Severity.HIGH, received, "A " + id,
        "", Map.of("namespace", "payments"), Map.of(), new Subject("", "payments", "", ""),
        new Origin.Alert("r", "g", "f", received, null, null, null), "dedup-" + id, "g");
    Notice n = new Notice(Enricher.enrich(s, Fixtures.catalog(), received), null, Change.NONE);
    return new Store.Accepted(n, received,
        java.util.Arrays.stream(sinks).map(k -> new Store.Outgoing(k, 0)).toList());
  }

  @Test
  void aQueuedNoticeIsReadFromItsJournalRowWhichRetentionKeepsWhileItWaits() throws Exception {
    try (Database db = Database.open(Postgres.freshUrl(), "postgres", null, 2)) {
      Store store = new Store(db.dataSource());
      Instant old = Fixtures.NOW.minus(Duration.ofDays(30));
      List<Store.Accepted> rows = List.of(accepted("delivered", old, "hook"),
          accepted("waiting", old, "hook"), accepted("unrouted", old),
          accepted("fresh", Fixtures.NOW, "hook"));
      try (Connection c = store.connection()) {
        c.setAutoCommit(false);
        long[] seqs = store.writeJournal(c, rows);
        assertThat(seqs).doesNotHaveDuplicates().isSorted();
        store.enqueue(c, rows, seqs, old);
        c.commit();
      }
      assertThat(store.count("select count(*) from outbox where notice is not null"))
          .as("outbox rows carrying their own copy").isZero();
      List<Store.Pending> pending = store.pending("hook", 0, 0, 10);
      assertThat(pending).hasSize(3);
      Map<Long, Notice> notices = store.notices(pending.stream().map(Store.Pending::seq).toList());
      assertThat(pending).extracting(p -> notices.get(p.seq()).signal().signal().id())
          .containsExactly("delivered", "waiting", "fresh");
      assertThat(notices.get(pending.get(1).seq())).isEqualTo(rows.get(1).notice());

      store.delivered(List.of(pending.get(0).seq()));
      Map<String, Integer> removed = store.expire(Fixtures.NOW.minus(Duration.ofDays(7)));
      // The delivered and the unrouted old rows go; the waiting one stays for its sink.
      assertThat(removed).containsEntry("journal", 2);
      assertThat(store.notices(List.of(pending.get(1).seq())).get(pending.get(1).seq())
          .signal().signal().id()).isEqualTo("waiting");

      store.deadLetter(pending.get(1).seq(), 3, "HTTP 400", Fixtures.NOW);
      assertThat(store.count("select count(*) from dead_letters where notice like"
          + " '%\"waiting\"%'")).as("dead letter with the notice copied from the journal")
          .isEqualTo(1);
      assertThat(store.replay("hook", null, (sink, key) -> 0, Fixtures.NOW)).isEqualTo(1);
      List<Store.Pending> again = store.pending("hook", 0, 0, 10);
      assertThat(store.notices(again.stream().map(Store.Pending::seq).toList()).values())
          .extracting(n -> n.signal().signal().id()).containsExactlyInAnyOrder("fresh", "waiting");
    }
  }
}
