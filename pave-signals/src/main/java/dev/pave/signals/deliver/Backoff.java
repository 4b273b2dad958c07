package dev.pave.signals.deliver;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: attempt n waits between half and all of
 * min(max, initial * 2^(n-1)), so retries of many notices do not arrive in lockstep.
 */
public record Backoff(Duration initial, Duration max) {

  public Duration delay(int attempt, DoubleSupplier random) {
    long base = initial.toMillis();
    long cap = max.toMillis();
    long d = attempt >= 40 ? cap : Math.min(cap, base * (1L << Math.max(0, attempt - 1)));
    return Duration.ofMillis(d / 2 + (long) (random.getAsDouble() * (d - d / 2)));
  }
}
