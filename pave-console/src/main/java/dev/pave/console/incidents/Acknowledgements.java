package dev.pave.console.incidents;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Acknowledgements of incidents, in the console's database: pave-signals owns incidents and
 * their state; an acknowledgement only says a person has taken it on.
 */
public final class Acknowledgements {
  private final DataSource ds;
  private final Clock clock;

  public record Ack(String incidentId, String actor, Instant at) {}

  public Acknowledgements(DataSource ds, Clock clock) {
    this.ds = ds;
    this.clock = clock;
  }

  /**
   * Acknowledges the occurrence; returns the acknowledgement that stands, and whether it is
   * this one (false: someone acknowledged it first).
   */
  public Result acknowledge(String incidentId, String incidentKey, String actor)
      throws SQLException {
    Instant now = clock.instant();
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "insert into console_incident_acks (incident_id, incident_key, actor, at)"
            + " values (?,?,?,?) on conflict (incident_id) do nothing")) {
      ps.setString(1, incidentId);
      ps.setString(2, incidentKey);
      ps.setString(3, actor);
      ps.setTimestamp(4, Timestamp.from(now));
      boolean inserted = ps.executeUpdate() == 1;
      return new Result(find(incidentId).orElseThrow(), inserted);
    }
  }

  public record Result(Ack ack, boolean first) {}

  public Optional<Ack> find(String incidentId) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select actor, at from console_incident_acks where incident_id = ?")) {
      ps.setString(1, incidentId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new Ack(incidentId, rs.getString(1),
            rs.getTimestamp(2).toInstant())) : Optional.empty();
      }
    }
  }
}
