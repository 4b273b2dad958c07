package dev.pave.console.access;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions, in memory: a restart logs everyone out, which is the safe failure. Each
 * session carries its own CSRF token (synchronizer token pattern).
 *
 * <p>A session ends after {@code idle} without a request, {@code absolute} after it opened,
 * and as soon as the API token that opened it is revoked or expires: a session must never
 * hold rights its credential no longer has.
 */
public final class Sessions {
  public static final Duration DEFAULT_IDLE = Duration.ofHours(8);
  public static final Duration DEFAULT_ABSOLUTE = Duration.ofHours(12);
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
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

  public Sessions(Clock clock, Lifetimes lifetimes, ApiTokens tokens) {
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
  public Session open(Principal p, Instant tokenExpires) {
    Instant now = clock.instant();
    sessions.values().removeIf(s -> expired(s, now));
    String tokenId = p.via().startsWith("token:") ? p.via().substring(6) : null;
    Instant notAfter = now.plus(lifetimes.absolute());
    if (tokenExpires != null && tokenExpires.isBefore(notAfter)) {
      notAfter = tokenExpires;
    }
    Session s = new Session(random(), p.via("session"), random(), tokenId, notAfter, now);
    sessions.put(s.id(), s);
    return s;
  }

  /** The live session with this id; ended ones (idle, too old, token gone) are dropped. */
  public Optional<Session> find(String id) throws SQLException {
    if (id == null) {
      return Optional.empty();
    }
    Session s = sessions.get(id);
    Instant now = clock.instant();
    if (s == null) {
      return Optional.empty();
    }
    if (expired(s, now) || (s.tokenId() != null && !tokens.active(s.tokenId()))) {
      sessions.remove(id);
      return Optional.empty();
    }
    Session seen = new Session(s.id(), s.principal(), s.csrf(), s.tokenId(), s.notAfter(), now);
    sessions.put(id, seen);
    return Optional.of(seen);
  }

  public void close(String id) {
    if (id != null) {
      sessions.remove(id);
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
