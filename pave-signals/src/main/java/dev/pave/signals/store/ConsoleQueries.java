package dev.pave.signals.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Read-only queries the web console needs over the signals tables: open incidents per
 * application and environment, and what waits per sink. Kept apart from {@link Store}, whose
 * statements serve the pipeline's hot path.
 */
public final class ConsoleQueries {
  private final DataSource ds;

  public ConsoleQueries(DataSource ds) {
    this.ds = ds;
  }

  /** Open (firing) incidents, counted per {@code app + "/" + environment}. */
  public Map<String, Integer> openIncidentsByService() throws SQLException {
    Map<String, Integer> out = new LinkedHashMap<>();
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select app, environment, count(*) from incidents where state = 'firing'"
            + " and app is not null group by app, environment");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1) + "/" + rs.getString(2), rs.getInt(3));
      }
    }
    return out;
  }

  /** What waits for one sink: never tried yet, being retried, given up on. */
  public record Backlog(String sink, long pending, long retrying, long deadLettered,
      Instant oldestWaiting, String lastError) {}

  /** The backlog of every sink that has rows in the outbox or the dead letters. */
  public Map<String, Backlog> backlogs() throws SQLException {
    Map<String, long[]> counts = new LinkedHashMap<>();
    Map<String, Instant> oldest = new LinkedHashMap<>();
    Map<String, String> errors = new LinkedHashMap<>();
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("select sink, count(*) filter (where"
          + " attempts = 0), count(*) filter (where attempts > 0), min(created_at),"
          + " max(last_error) from outbox group by sink order by sink");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), 0});
          Timestamp t = rs.getTimestamp(4);
          if (t != null) {
            oldest.put(rs.getString(1), t.toInstant());
          }
          if (rs.getString(5) != null) {
            errors.put(rs.getString(1), rs.getString(5));
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "select sink, count(*) from dead_letters group by sink order by sink");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.computeIfAbsent(rs.getString(1), k -> new long[3])[2] = rs.getLong(2);
        }
      }
    }
    Map<String, Backlog> out = new LinkedHashMap<>();
    counts.forEach((sink, n) -> out.put(sink, new Backlog(sink, n[0], n[1], n[2],
        oldest.get(sink), errors.get(sink))));
    return out;
  }
}
