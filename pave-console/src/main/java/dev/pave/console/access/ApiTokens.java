package dev.pave.console.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * API tokens for CI and the CLI: 256 random bits, shown once at creation; the database keeps
 * only their SHA-256, so a leaked table gives nobody a working token. Scoped to a role and a
 * team, expiring, revocable.
 */
public final class ApiTokens {
  /** Tokens start with this, so secret scanners and people can recognise them. */
  public static final String PREFIX = "pave_";
  public static final Duration MAX_LIFETIME = Duration.ofDays(366);

  private static final SecureRandom RANDOM = new SecureRandom();
  private final DataSource ds;
  private final Clock clock;

  /** A token as listed: never the token itself. */
  public record Token(String id, String name, Role role, String team, String createdBy,
      Instant createdAt, Instant expiresAt, Instant revokedAt, String revokedBy,
      Instant lastUsedAt) {
    public boolean active(Instant now) {
      return revokedAt == null && now.isBefore(expiresAt);
    }
  }

  /** A new token: the secret, returned this once, and its listing. */
  public record Created(String secret, Token token) {}

  public ApiTokens(DataSource ds, Clock clock) {
    this.ds = ds;
    this.clock = clock;
  }

  public Created create(String name, Role role, String team, Duration lifetime,
      String createdBy) throws SQLException {
    if (name == null || name.isBlank() || name.length() > 100) {
      throw new IllegalArgumentException("name: required, at most 100 characters");
    }
    if (lifetime == null || lifetime.isNegative() || lifetime.isZero()
        || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException("expiresInDays: between 1 and "
          + MAX_LIFETIME.toDays());
    }
    if (role.teamScoped() && (team == null || team.isBlank())) {
      throw new IllegalArgumentException("team: role " + role.wire() + " needs a team");
    }
    if (!role.teamScoped()) {
      team = null;
    }
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    byte[] idBytes = new byte[6];
    RANDOM.nextBytes(idBytes);
    String id = HexFormat.of().formatHex(idBytes);
    String secret = PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(raw);
    Instant now = clock.instant();
    Token t = new Token(id, name.strip(), role, team, createdBy, now, now.plus(lifetime), null,
        null, null);
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "insert into console_api_tokens (id, name, token_sha256, role, team, created_by,"
            + " created_at, expires_at) values (?,?,?,?,?,?,?,?)")) {
      ps.setString(1, id);
      ps.setString(2, t.name());
      ps.setString(3, sha256(secret));
      ps.setString(4, role.wire());
      ps.setString(5, team);
      ps.setString(6, createdBy);
      ps.setTimestamp(7, Timestamp.from(now));
      ps.setTimestamp(8, Timestamp.from(t.expiresAt()));
      ps.executeUpdate();
    }
    return new Created(secret, t);
  }

  /** The principal a presented token stands for, when it is known, unexpired, not revoked. */
  public Optional<Principal> authenticate(String secret) throws SQLException {
    if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 200) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "update console_api_tokens set last_used_at = ? where token_sha256 = ? and"
            + " revoked_at is null and expires_at > ? returning id, name, role, team,"
            + " created_by")) {
      ps.setTimestamp(1, Timestamp.from(now));
      ps.setString(2, sha256(secret));
      ps.setTimestamp(3, Timestamp.from(now));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Role role = Role.ofWire(rs.getString(3));
        String team = rs.getString(4);
        String who = rs.getString(5) + " (token " + rs.getString(2) + ")";
        Principal p = role.teamScoped()
            ? new Principal(who, Role.VIEWER, Map.of(team, role), "token:" + rs.getString(1))
            : new Principal(who, role, Map.of(), "token:" + rs.getString(1));
        return Optional.of(p);
      }
    }
  }

  /** Whether the token with this id still works: known, unexpired, not revoked. */
  public boolean active(String id) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select 1 from console_api_tokens where id = ? and revoked_at is null and"
            + " expires_at > ?")) {
      ps.setString(1, id);
      ps.setTimestamp(2, Timestamp.from(clock.instant()));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  public Optional<Token> find(String id) throws SQLException {
    return list(id).stream().findFirst();
  }

  /** Every token, newest first. */
  public List<Token> list() throws SQLException {
    return list(null);
  }

  private List<Token> list(String id) throws SQLException {
    List<Token> out = new ArrayList<>();
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select id, name, role, team, created_by, created_at, expires_at, revoked_at,"
            + " revoked_by, last_used_at from console_api_tokens where (? is null or id = ?)"
            + " order by created_at desc, id")) {
      ps.setString(1, id);
      ps.setString(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Token(rs.getString(1), rs.getString(2), Role.ofWire(rs.getString(3)),
              rs.getString(4), rs.getString(5), instant(rs, 6), instant(rs, 7),
              instant(rs, 8), rs.getString(9), instant(rs, 10)));
        }
      }
    }
    return out;
  }

  /** Revokes a token; false when it does not exist or was revoked already. */
  public boolean revoke(String id, String by) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "update console_api_tokens set revoked_at = ?, revoked_by = ? where id = ? and"
            + " revoked_at is null")) {
      ps.setTimestamp(1, Timestamp.from(clock.instant()));
      ps.setString(2, by);
      ps.setString(3, id);
      return ps.executeUpdate() == 1;
    }
  }

  private static Instant instant(ResultSet rs, int col) throws SQLException {
    Timestamp t = rs.getTimestamp(col);
    return t == null ? null : t.toInstant();
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
