package dev.pave.console.access;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Login attempts per key (a client address, an account) in a sliding window: enough for people
 * who mistype, too few to guess an admin token or run a callback flood. Kept in PostgreSQL, so
 * replicas behind one address count together: an attacker gains nothing by spreading attempts.
 */
public final class LoginLimiter {
  private final DataSource ds;
  private final int attempts;
  private final Duration window;
  private final Clock clock;

  public LoginLimiter(DataSource ds, int attempts, Duration window, Clock clock) {
    this.ds = ds;
    this.attempts = attempts;
    this.window = window;
    this.clock = clock;
  }

  /** Records an attempt; false when the key used up its attempts for now. */
  public boolean allow(String key) throws SQLException {
    Instant now = clock.instant();
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        // One key at a time across replicas, so two racing attempts cannot both be the 10th.
        try (PreparedStatement ps = c.prepareStatement(
            "select pg_advisory_xact_lock(hashtextextended(?, 7))")) {
          ps.setString(1, key);
          ps.executeQuery().close();
        }
        try (PreparedStatement ps = c.prepareStatement(
            "delete from console_login_attempts where at < ?")) {
          ps.setTimestamp(1, Timestamp.from(now.minus(window)));
          ps.executeUpdate();
        }
        int seen;
        try (PreparedStatement ps = c.prepareStatement(
            "select count(*) from console_login_attempts where key = ?")) {
          ps.setString(1, key);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            seen = rs.getInt(1);
          }
        }
        boolean allowed = seen < attempts;
        if (allowed) {
          try (PreparedStatement ps = c.prepareStatement(
              "insert into console_login_attempts (key, at) values (?, ?)")) {
            ps.setString(1, key);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.executeUpdate();
          }
        }
        c.commit();
        return allowed;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Seconds until the oldest attempt leaves the window, for Retry-After. */
  public long retryAfterSeconds(String key) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select min(at) from console_login_attempts where key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        Timestamp first = rs.next() ? rs.getTimestamp(1) : null;
        return first == null ? 0 : Math.max(1, Duration.between(clock.instant(),
            first.toInstant().plus(window)).toSeconds() + 1);
      }
    }
  }
}
