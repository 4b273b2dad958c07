package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.signals.store.Database;
import dev.pave.signals.store.Store;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The journal writer repeats the same statements on one pooled connection for the life of the
 * process, while its tables grow from empty to millions of rows. A plan fixed while they were
 * small must not follow them: after a burst, a sequential scan of the incidents per commit held
 * acknowledgements for seconds.
 */
class QueryPlansTest {
  @Test
  void incidentLookupStaysOnTheIndexAfterTheTableGrowsUnderAPreparedStatement() throws Exception {
    try (Database db = Database.open(Postgres.freshUrl(), "postgres", null, 2);
        Connection c = db.dataSource().getConnection()) {
      Store store = new Store(db.dataSource());
      List<String> keys = List.of("missing-1", "missing-2", "missing-3");
      // As in a new pipeline: autovacuum analyzes the table while it holds a few rows, then the
      // writer repeats the lookup often enough for the driver to prepare it on the server and
      // for PostgreSQL to cost a generic plan against those statistics.
      try (Statement s = c.createStatement()) {
        s.execute(rows(1, 40));
        s.execute("analyze incidents");
      }
      for (int i = 0; i < 12; i++) {
        assertThat(store.incidents(c, keys)).isEmpty();
      }
      try (Statement s = c.createStatement()) {
        // A burst, faster than autovacuum looks again (once a minute by default).
        s.execute(rows(41, 60_000));
      }
      // The backend's scan counters include earlier statements not yet reported: compare
      // before and after the one lookup, in one transaction (no report in between).
      c.setAutoCommit(false);
      long[] before = scans(c);
      assertThat(store.incidents(c, keys)).isEmpty();
      long[] after = scans(c);
      assertThat(after[0] - before[0]).as("sequential scans of incidents").isZero();
      assertThat(after[1] - before[1]).as("index scans of incidents").isPositive();
      c.rollback();
    }
  }

  private static long[] scans(Connection c) throws java.sql.SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select seq_scan,"
        + " idx_scan from pg_stat_xact_user_tables where relname = 'incidents'")) {
      assertThat(rs.next()).isTrue();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  private static String rows(int from, int to) {
    return "insert into incidents (key, id, state, flapping, updated_at, incident)"
        + " select 'k' || g, 'i' || g, 'firing', false, now(), repeat('x', 400)"
        + " from generate_series(" + from + ", " + to + ") g";
  }
}
