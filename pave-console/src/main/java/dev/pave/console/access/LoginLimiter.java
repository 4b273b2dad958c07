package dev.pave.console.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Login attempts per key (a client address, an account) in a sliding window: enough for people
 * who mistype, too few to guess an admin token or run a callback flood.
 */
public final class LoginLimiter {
  private final int attempts;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Deque<Instant>> seen = new ConcurrentHashMap<>();

  public LoginLimiter(int attempts, Duration window, Clock clock) {
    this.attempts = attempts;
    this.window = window;
    this.clock = clock;
  }

  /** Records an attempt; false when the client used up its attempts for now. */
  public boolean allow(String client) {
    Instant now = clock.instant();
    if (seen.size() > 10_000) {
      // Forget addresses whose attempts all left the window, so the map stays small.
      seen.entrySet().removeIf(e -> {
        synchronized (e.getValue()) {
          Instant last = e.getValue().peekLast();
          return last == null || last.plus(window).isBefore(now);
        }
      });
    }
    Deque<Instant> q = seen.computeIfAbsent(client, k -> new ArrayDeque<>());
    synchronized (q) {
      while (!q.isEmpty() && q.peekFirst().plus(window).isBefore(now)) {
        q.pollFirst();
      }
      if (q.size() >= attempts) {
        return false;
      }
      q.addLast(now);
      return true;
    }
  }

  /** Seconds until the oldest attempt leaves the window, for Retry-After. */
  public long retryAfterSeconds(String client) {
    Deque<Instant> q = seen.get(client);
    if (q == null) {
      return 0;
    }
    synchronized (q) {
      Instant first = q.peekFirst();
      return first == null ? 0 : Math.max(1,
          Duration.between(clock.instant(), first.plus(window)).toSeconds() + 1);
    }
  }
}
