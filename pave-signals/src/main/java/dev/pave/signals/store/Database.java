package dev.pave.signals.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pave.signals.config.SignalsConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The PostgreSQL database: the bundled embedded one (real PostgreSQL binaries, data kept in a
 * directory across restarts) or any JDBC URL; migrated with Flyway on open.
 */
public final class Database implements AutoCloseable {
  private final EmbeddedPostgres embedded;
  private final HikariDataSource pool;
  private final String description;

  private Database(EmbeddedPostgres embedded, HikariDataSource pool, String description) {
    this.embedded = embedded;
    this.pool = pool;
    this.description = description;
  }

  public static Database open(SignalsConfig.Database cfg) throws IOException {
    return open(cfg, false);
  }

  /**
   * Opens the database. For the embedded one: {@code shareRunning} false (the pipeline) takes
   * the data directory for this process, and fails if a live pipeline holds it; true (tools such
   * as replay) connects to the PostgreSQL a running pipeline started, else starts one.
   */
  public static Database open(SignalsConfig.Database cfg, boolean shareRunning)
      throws IOException {
    String password = cfg.password() == null ? null : cfg.password().text();
    if (!cfg.embedded()) {
      return open(cfg.url(), cfg.user(), password, cfg.poolSize(), null, redact(cfg.url()));
    }
    Path dir = cfg.dataDirectory();
    Files.createDirectories(dir);
    Running running = running(dir);
    if (running != null && running.ownerAlive()) {
      if (!shareRunning) {
        throw new IOException("the data directory " + dir + " is in use by another pave signals"
            + " process (pid " + running.owner() + ")");
      }
      String url = "jdbc:postgresql://localhost:" + running.port() + "/postgres";
      return open(url, "postgres", null, 2, null, "embedded PostgreSQL of pid "
          + running.owner() + " in " + dir);
    }
    if (running != null) {
      stop(running, dir);
    }
    EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
        .setDataDirectory(dir).setCleanDataDirectory(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        // Durability of the journal is the point: keep fsync on (the test default is off).
        .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setServerConfig("max_connections", "100");
    if (cfg.port() > 0) {
      b.setPort(cfg.port());
    }
    EmbeddedPostgres embedded = b.start();
    Files.writeString(dir.resolve(OWNER_FILE), String.valueOf(ProcessHandle.current().pid()));
    return open(embedded.getJdbcUrl("postgres", "postgres"), "postgres", null, cfg.poolSize(),
        embedded, "embedded PostgreSQL in " + dir);
  }

  private static final String OWNER_FILE = "pave-signals.pid";

  /** A PostgreSQL running on the data directory, and the pave process that started it. */
  private record Running(ProcessHandle postgres, int port, long owner) {
    boolean ownerAlive() {
      return owner > 0 && owner != ProcessHandle.current().pid()
          && ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  private static Running running(Path dir) throws IOException {
    Path pidFile = dir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return null;
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.size() < 4 || !lines.get(0).strip().matches("\\d+")
        || !lines.get(3).strip().matches("\\d+")) {
      return null;
    }
    Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(lines.get(0).strip()));
    if (p.isEmpty() || !p.get().isAlive()
        || !p.get().info().command().orElse("").contains("postgres")) {
      return null;
    }
    long owner = -1;
    Path ownerFile = dir.resolve(OWNER_FILE);
    if (Files.exists(ownerFile)) {
      String o = Files.readString(ownerFile).strip();
      owner = o.matches("\\d+") ? Long.parseLong(o) : -1;
    }
    return new Running(p.get(), Integer.parseInt(lines.get(3).strip()), owner);
  }

  /**
   * A PostgreSQL left running by a pave process that was killed holds the data directory; stop
   * it (its clients are gone) so this process can start its own on the same data.
   */
  private static void stop(Running r, Path dir) throws IOException {
    r.postgres().destroy();
    try {
      r.postgres().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("a PostgreSQL process (pid " + r.postgres().pid() + ") still holds "
          + dir + " and did not stop");
    }
  }

  /** Opens an existing database by URL (tests, tools). */
  public static Database open(String url, String user, String password, int poolSize) {
    return open(url, user, password, poolSize, null, redact(url));
  }

  private static Database open(String url, String user, String password, int poolSize,
      EmbeddedPostgres embedded, String description) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    hc.setUsername(user);
    if (password != null) {
      hc.setPassword(password);
    }
    hc.setMaximumPoolSize(poolSize);
    hc.setPoolName("pave-signals");
    hc.setConnectionTimeout(10_000);
    // The journal writer inserts in batches: let the driver send them as multi-row inserts.
    hc.addDataSourceProperty("reWriteBatchedInserts", "true");
    // The driver prepares repeated statements on the server, and PostgreSQL then settles on a
    // generic plan costed while the tables were small: a sequential scan of incidents for
    // "key = any(?)" that stays cached as the table grows, and turns every commit into a scan
    // of the whole table after a burst (seconds per commit, until autovacuum analyzes it).
    // Planning each execution for its arguments costs microseconds and follows the tables;
    // the statements stay prepared (unprepared ones measured 15-25% fewer alerts per second).
    // Set per session rather than as a startup option, which connection poolers refuse; a
    // server older than 12, without the setting, is left as it is.
    hc.setConnectionInitSql("select set_config('plan_cache_mode', 'force_custom_plan', false)"
        + " where current_setting('server_version_num')::int >= 120000");
    HikariDataSource pool = new HikariDataSource(hc);
    Flyway.configure().dataSource(pool).locations("classpath:db/signals")
        .table("pave_signals_schema_history").load().migrate();
    return new Database(embedded, pool, description);
  }

  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  public DataSource dataSource() {
    return pool;
  }

  public String description() {
    return description;
  }

  @Override
  public void close() throws IOException {
    pool.close();
    if (embedded != null) {
      embedded.close();
    }
  }
}
