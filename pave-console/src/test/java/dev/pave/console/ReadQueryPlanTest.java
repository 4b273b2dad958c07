package dev.pave.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.console.audit.AuditLog;
import dev.pave.signals.Postgres;
import dev.pave.signals.store.Database;
import dev.pave.signals.store.Store;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * What a service page and the audit API read from PostgreSQL (a service's timeline, its audit
 * entries) goes through indexes: with 100,000 rows of 1,000 services in each table, reading one
 * service's rows makes no sequential scan.
 */
class ReadQueryPlanTest {
  @Test
  void aServicesTimelineAndAuditEntriesAreReadThroughIndexes() throws Exception {
    String url = Postgres.freshUrl();
    try (Database db = Database.open(url, "postgres", null, 2);
        Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
        Statement st = c.createStatement()) {
      Flyway.configure().dataSource(db.dataSource()).locations("classpath:db/console")
          .table("pave_console_schema_history").baselineOnMigrate(true).baselineVersion("0")
          .load().migrate();
      st.execute("insert into timeline (app, environment, time, type, status, severity, title,"
          + " summary, signal_id, enrichment) select 'svc-' || (g % 1000), 'prod',"
          + " now() - make_interval(secs => g), 'deploy', 'info', 'info', 't', 's', 'id' || g,"
          + " '{}' from generate_series(1, 100000) g");
      st.execute("insert into console_audit (time, actor, via, action, target, app,"
          + " environment, team, outcome, detail) select now() - make_interval(secs => g),"
          + " 'alice', 'token:x', 'deploy', 'Application/apps/svc-' || (g % 1000),"
          + " 'svc-' || (g % 1000), 'prod', 'team', 'ok', 'd' from generate_series(1, 100000) g");
      st.execute("analyze timeline");
      st.execute("analyze console_audit");
      Store store = new Store(db.dataSource());
      AuditLog audit = new AuditLog(db.dataSource(), null, Clock.systemUTC(), s -> { });
      flushStatistics(db);
      Map<String, long[]> before = scans(st);

      assertThat(store.timeline("svc-7", "prod", Instant.now().minus(Duration.ofDays(30)), 500))
          .hasSize(100);
      assertThat(audit.recent("svc-7", "prod", 500)).hasSize(100);

      flushStatistics(db);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Map<String, long[]> after = scans(st);
        for (String table : before.keySet()) {
          assertThat(after.get(table)[1] - before.get(table)[1]).as("index scans of " + table)
              .isPositive();
        }
      });
      Map<String, long[]> after = scans(st);
      for (String table : before.keySet()) {
        assertThat(after.get(table)[0] - before.get(table)[0])
            .as("sequential scans of " + table).isZero();
      }
    }
  }

  /** A backend reports its statistics at the end of a transaction at most every 0.5 s. */
  private static void flushStatistics(Database db) throws Exception {
    Thread.sleep(700);
    try (Connection a = db.dataSource().getConnection();
        Connection b = db.dataSource().getConnection();
        Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      sa.execute("select 1");
      sb.execute("select 1");
    }
  }

  private static Map<String, long[]> scans(Statement st) throws java.sql.SQLException {
    st.execute("select pg_stat_clear_snapshot()");
    Map<String, long[]> out = new HashMap<>();
    try (ResultSet rs = st.executeQuery("select relname, seq_scan, coalesce(idx_scan, 0) from"
        + " pg_stat_user_tables where relname in ('timeline', 'console_audit')")) {
      while (rs.next()) {
        out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
      }
    }
    assertThat(out).containsOnlyKeys("timeline", "console_audit");
    return out;
  }
}
