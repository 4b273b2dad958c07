package dev.pave.signals.deliver;

import java.time.Duration;
import java.time.Instant;

/**
 * Stops calling a sink that keeps failing: after {@code threshold} failures in a row the circuit
 * opens for {@code openFor}; then one trial call is let through (half-open), and its result
 * closes or re-opens the circuit. Thread-safe; the time comes from the caller.
 */
public final class CircuitBreaker {
  /** Closed: calls pass. Open: none pass. Half-open: one trial passes. */
  public enum State { CLOSED, OPEN, HALF_OPEN }

  private final int threshold;
  private final Duration openFor;
  private int failures;
  private Instant openUntil;
  private boolean trialOut;

  public CircuitBreaker(int threshold, Duration openFor) {
    this.threshold = threshold;
    this.openFor = openFor;
  }

  public synchronized State state(Instant now) {
    if (openUntil == null) {
      return State.CLOSED;
    }
    return now.isBefore(openUntil) ? State.OPEN : State.HALF_OPEN;
  }

  /** Whether a call may go out now; in half-open state only one at a time. */
  public synchronized boolean allow(Instant now) {
    State s = state(now);
    if (s == State.CLOSED) {
      return true;
    }
    if (s == State.HALF_OPEN && !trialOut) {
      trialOut = true;
      return true;
    }
    return false;
  }

  /** Gives back a half-open trial that was allowed but not used. */
  public synchronized void release() {
    trialOut = false;
  }

  public synchronized void success() {
    failures = 0;
    openUntil = null;
    trialOut = false;
  }

  public synchronized void failure(Instant now) {
    failures++;
    trialOut = false;
    if (openUntil != null || failures >= threshold) {
      openUntil = now.plus(openFor);
    }
  }
}
