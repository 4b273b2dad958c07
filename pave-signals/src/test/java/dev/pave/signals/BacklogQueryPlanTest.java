package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.signals.store.Database;
import dev.pave.signals.store.Store;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The backlog gauges are read at scrapes: a sink that is current must not pay for the backlog
 * of one that is down (no sequential scan of the outbox or the dead letters).
 */
class BacklogQueryPlanTest {
  @Test
  void backlog_reads_use_the_indexes_however_large_another_sinks_backlog() throws Exception {
    String url = Postgres.freshUrl();
    // The figures are watched on a connection of their own.
    try (Database db = Database.open(url, "postgres", null, 2);
        Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
        Statement st = c.createStatement()) {
      // One sink down for a while: 100,000 notices waiting, 20,000 dead; another sink current.
      st.execute("insert into outbox (sink, lane, ordering_key, signal_id, notice,"
          + " next_attempt_at, created_at) select case when g % 1000 = 0 then 'quiet'"
          + " else 'down' end, g % 4, 'k' || g, 's' || g, 'n', now(),"
          + " now() - make_interval(secs => 100000 - g) from generate_series(1, 100000) g");
      st.execute("insert into dead_letters (outbox_seq, sink, ordering_key, signal_id, notice,"
          + " attempts, created_at, dead_at) select g, 'down', 'k', 's', 'n', 1, now(), now()"
          + " from generate_series(1, 20000) g");
      st.execute("analyze outbox");
      st.execute("analyze dead_letters");
      Store store = new Store(db.dataSource());
      // The migrations' own scans (CREATE INDEX reads the table) may still be unreported.
      flushStatistics(db);
      long[] before = scans(st);
      Store.Backlog quiet = store.backlog("quiet");
      assertThat(quiet.waiting()).isEqualTo(100);
      assertThat(quiet.deadLetters()).isZero();
      assertThat(quiet.oldest()).isNotNull();
      flushStatistics(db);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        long[] after = scans(st);
        assertThat(after[1] - before[1]).as("index scans of outbox").isPositive();
        assertThat(after[3] - before[3]).as("index scans of dead_letters").isPositive();
      });
      long[] after = scans(st);
      assertThat(after[0] - before[0]).as("sequential scans of outbox").isZero();
      assertThat(after[2] - before[2]).as("sequential scans of dead_letters").isZero();
      // The sink that is down: counting its own rows is as long as its backlog, nothing more.
      Store.Backlog downSink = store.backlog("down");
      assertThat(downSink.waiting()).isEqualTo(99_900);
      assertThat(downSink.deadLetters()).isEqualTo(20_000);
      assertThat(downSink.oldest()).isBefore(quiet.oldest());
    }
  }

  /**
   * PostgreSQL sends a backend's statistics at the end of a transaction at least 0.5 s after its
   * last report: one more round trip on each pooled connection, later, sends them.
   */
  private static void flushStatistics(Database db) throws Exception {
    Thread.sleep(700);
    try (Connection a = db.dataSource().getConnection();
        Connection b = db.dataSource().getConnection();
        Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      sa.execute("select 1");
      sb.execute("select 1");
    }
  }

  private static long[] scans(Statement st) throws java.sql.SQLException {
    st.execute("select pg_stat_clear_snapshot()");
    long[] out = new long[4];
    try (ResultSet rs = st.executeQuery("select relname, seq_scan, coalesce(idx_scan, 0) from"
        + " pg_stat_user_tables where relname in ('outbox', 'dead_letters')")) {
      while (rs.next()) {
        int k = rs.getString(1).equals("outbox") ? 0 : 2;
        out[k] = rs.getLong(2);
        out[k + 1] = rs.getLong(3);
      }
    }
    return out;
  }

}
