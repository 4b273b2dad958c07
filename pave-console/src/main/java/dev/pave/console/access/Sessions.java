package dev.pave.console.access;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Browser sessions, in PostgreSQL so that every console replica on the database knows them;
 * only the SHA-256 of a session id is stored. Each session carries its own CSRF token
 * (synchronizer token pattern).
 *
 * <p>A session ends after {@code idle} without a request, {@code absolute} after it opened,
 * and as soon as the API token that opened it is revoked or expires: a session must never
 * hold rights its credential no longer has.
 */
public final class Sessions {
  public static final Duration DEFAULT_IDLE = Duration.ofHours(8);
  public static final Duration DEFAULT_ABSOLUTE = Duration.ofHours(12);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper();
  private final DataSource ds;
  private final Clock clock;
  private final Lifetimes lifetimes;
  private final ApiTokens tokens;

  /**
   * @param tokenId the API token that opened the session, or null (OIDC, the sandbox's
   *     one-time admin token)
   * @param notAfter when the session ends whatever happens: the absolute lifetime, or the
   *     token's expiry when that comes first
   */
  public record Session(String id, Principal principal, String csrf, String tokenId,
      Instant notAfter, Instant lastSeen) {}

  /** How long a session may sit unused, and how long it may live at all. */
  public record Lifetimes(Duration idle, Duration absolute) {
    public Lifetimes {
      idle = idle == null ? DEFAULT_IDLE : idle;
      absolute = absolute == null ? DEFAULT_ABSOLUTE : absolute;
      if (idle.isNegative() || idle.isZero()) {
        throw new IllegalArgumentException("session idle timeout " + idle + ": must be positive");
      }
      if (absolute.isNegative() || absolute.isZero()) {
        throw new IllegalArgumentException("session lifetime " + absolute
            + ": must be positive");
      }
    }
  }

  public Sessions(DataSource ds, Clock clock, Lifetimes lifetimes, ApiTokens tokens) {
    this.ds = ds;
    this.clock = clock;
    this.lifetimes = lifetimes;
    this.tokens = tokens;
  }

  /**
   * Opens a session for {@code p}; a principal that authenticated with an API token keeps the
   * token's id, so the session ends with the token.
   *
   * @param tokenExpires the token's expiry, or null
   */
  public Session open(Principal p, Instant tokenExpires) throws SQLException {
    Instant now = clock.instant();
    String tokenId = p.via().startsWith("token:") ? p.via().substring(6) : null;
    Instant notAfter = now.plus(lifetimes.absolute());
    if (tokenExpires != null && tokenExpires.isBefore(notAfter)) {
      notAfter = tokenExpires;
    }
    Session s = new Session(random(), p.via("session"), random(), tokenId, notAfter, now);
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(
          "delete from console_sessions where not_after <= ? or last_seen < ?")) {
        ps.setTimestamp(1, Timestamp.from(now));
        ps.setTimestamp(2, Timestamp.from(now.minus(lifetimes.idle())));
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("insert into console_sessions (id_sha256,"
          + " name, platform, teams, csrf, token_id, not_after, last_seen) values"
          + " (?,?,?,?,?,?,?,?)")) {
        Map<String, String> teams = new LinkedHashMap<>();
        p.teams().forEach((t, r) -> teams.put(t, r.wire()));
        ps.setString(1, ApiTokens.sha256(s.id()));
        ps.setString(2, p.name());
        ps.setString(3, p.platform().wire());
        ps.setString(4, JSON.writeValueAsString(teams));
        ps.setString(5, s.csrf());
        ps.setString(6, tokenId);
        ps.setTimestamp(7, Timestamp.from(notAfter));
        ps.setTimestamp(8, Timestamp.from(now));
        ps.executeUpdate();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return s;
  }

  /** The live session with this id; ended ones (idle, too old, token gone) are dropped. */
  public Optional<Session> find(String id) throws SQLException {
    if (id == null || id.length() > 100) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Session s;
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select name, platform, teams, csrf, token_id, not_after, last_seen from"
            + " console_sessions where id_sha256 = ?")) {
      ps.setString(1, ApiTokens.sha256(id));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Map<String, Role> teams = new LinkedHashMap<>();
        JSON.readValue(rs.getString(3), new TypeReference<Map<String, String>>() { })
            .forEach((t, r) -> teams.put(t, Role.ofWire(r)));
        s = new Session(id, new Principal(rs.getString(1), Role.ofWire(rs.getString(2)), teams,
            "session"), rs.getString(4), rs.getString(5), rs.getTimestamp(6).toInstant(),
            rs.getTimestamp(7).toInstant());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (expired(s, now) || (s.tokenId() != null && !tokens.active(s.tokenId()))) {
      close(id);
      return Optional.empty();
    }
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "update console_sessions set last_seen = greatest(last_seen, ?) where id_sha256 = ?")) {
      ps.setTimestamp(1, Timestamp.from(now));
      ps.setString(2, ApiTokens.sha256(id));
      ps.executeUpdate();
    }
    return Optional.of(new Session(s.id(), s.principal(), s.csrf(), s.tokenId(), s.notAfter(),
        now));
  }

  public void close(String id) throws SQLException {
    if (id == null) {
      return;
    }
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "delete from console_sessions where id_sha256 = ?")) {
      ps.setString(1, ApiTokens.sha256(id));
      ps.executeUpdate();
    }
  }

  public Lifetimes lifetimes() {
    return lifetimes;
  }

  private boolean expired(Session s, Instant now) {
    return s.lastSeen().plus(lifetimes.idle()).isBefore(now) || !now.isBefore(s.notAfter());
  }

  public static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Constant-time comparison, for CSRF and admin tokens. */
  public static boolean same(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return java.security.MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
