package dev.pave.console.access;

import java.security.SecureRandom;
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
 */
public final class Sessions {
  public static final Duration IDLE = Duration.ofHours(8);
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Clock clock;

  public record Session(String id, Principal principal, String csrf, Instant lastSeen) {}

  public Sessions(Clock clock) {
    this.clock = clock;
  }

  public Session open(Principal p) {
    sessions.values().removeIf(s -> expired(s, clock.instant()));
    Session s = new Session(random(), p.via("session"), random(), clock.instant());
    sessions.put(s.id(), s);
    return s;
  }

  public Optional<Session> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session s = sessions.get(id);
    Instant now = clock.instant();
    if (s == null || expired(s, now)) {
      if (s != null) {
        sessions.remove(id);
      }
      return Optional.empty();
    }
    Session seen = new Session(s.id(), s.principal(), s.csrf(), now);
    sessions.put(id, seen);
    return Optional.of(seen);
  }

  public void close(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  private static boolean expired(Session s, Instant now) {
    return s.lastSeen().plus(IDLE).isBefore(now);
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
