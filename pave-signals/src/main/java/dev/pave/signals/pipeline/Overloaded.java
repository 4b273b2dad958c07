package dev.pave.signals.pipeline;

/** The intake cannot take more now; the sender should retry (HTTP 429 or 503). */
public final class Overloaded extends RuntimeException {
  /** Why, as counted in {@code pave_signals_intake_refused_total}. */
  public enum Reason {
    QUEUE_FULL, SHUTTING_DOWN, COMMIT_TIMEOUT, JOURNAL_UNAVAILABLE, INTERRUPTED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Reason reason;

  public Overloaded(String message, Reason reason) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** 503 (journal not reachable, too slow, or stopping) rather than 429 (queue full). */
  public boolean unavailable() {
    return reason != Reason.QUEUE_FULL;
  }
}
