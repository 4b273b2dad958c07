package dev.pave.signals.insights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.signals.Postgres;
import dev.pave.signals.store.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * A month of a large platform's insights reads that month's rollups and samples through the
 * day-first indexes, never the 400 days kept: no sequential scan of insights_rollup or
 * insights_samples with 1,000 applications a day.
 */
class InsightsQueryPlanTest {
  @Test
  void aMonthOfFourHundredDaysIsReadThroughTheIndexes() throws Exception {
    String url = Postgres.freshUrl();
    try (Database db = Database.open(url, "postgres", null, 2);
        Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
        Statement st = c.createStatement()) {
      // 400 days x 1,000 applications x 2 measures, and a lead time sample a day each.
      st.execute("insert into insights_rollup (day, team, environment, app, measure, detail,"
          + " value) select current_date - d, 'team-' || (a % 20), case when a % 2 = 0 then"
          + " 'prod' else 'staging' end, 'app-' || a, m, '', 1 from generate_series(0, 399) d,"
          + " generate_series(1, 1000) a, unnest(array['DEPLOY', 'CHANGE']) m");
      st.execute("insert into insights_samples (day, team, environment, app, measure, detail,"
          + " seconds) select current_date - d, 'team-' || (a % 20), case when a % 2 = 0 then"
          + " 'prod' else 'staging' end, 'app-' || a, 'LEAD_TIME', '', a from"
          + " generate_series(0, 399) d, generate_series(1, 1000) a");
      st.execute("analyze insights_rollup");
      st.execute("analyze insights_samples");
      InsightsStore store = new InsightsStore(db.dataSource());
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      Instant since = now.minus(Duration.ofDays(29));
      flushStatistics(db);
      long[] before = scans(st);
      var team = store.insights("team-3", null, since, now, null);
      var env = store.insights(null, "prod", since, now, null);
      var all = store.insights(null, null, since, now, null);
      // 30 whole days (the window's first and last count whole) of 50, 500 and 1,000 apps.
      assertThat(team.deploymentFrequency().deployments()).isEqualTo(30 * 50);
      assertThat(env.deploymentFrequency().deployments()).isEqualTo(30 * 500);
      assertThat(all.deploymentFrequency().deployments()).isEqualTo(30 * 1000);
      assertThat(all.leadTimeForChanges().distribution().count()).isEqualTo(30 * 1000);
      assertThat(all.leadTimeForChanges().distribution().p50()).isEqualTo(500.0);
      assertThat(all.breakdown().applications()).hasSize(1000);
      flushStatistics(db);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        long[] after = scans(st);
        assertThat(after[1] - before[1]).as("index scans of insights_rollup").isPositive();
        assertThat(after[3] - before[3]).as("index scans of insights_samples").isPositive();
      });
      long[] after = scans(st);
      assertThat(after[0] - before[0]).as("sequential scans of insights_rollup").isZero();
      assertThat(after[2] - before[2]).as("sequential scans of insights_samples").isZero();
    }
  }

  /** A backend reports its statistics at most every 0.5 s: a later round trip sends them. */
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
        + " pg_stat_user_tables where relname in ('insights_rollup', 'insights_samples')")) {
      while (rs.next()) {
        int k = rs.getString(1).equals("insights_rollup") ? 0 : 2;
        out[k] = rs.getLong(2);
        out[k + 1] = rs.getLong(3);
      }
    }
    return out;
  }
}
