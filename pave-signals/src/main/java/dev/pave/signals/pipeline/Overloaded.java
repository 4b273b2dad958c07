package dev.pave.signals.pipeline;

/** The intake cannot take more now; the sender should retry (HTTP 429 or 503). */
public final class Overloaded extends RuntimeException {
  private final boolean unavailable;

  public Overloaded(String message, boolean unavailable) {
    super(message);
    this.unavailable = unavailable;
  }

  /** 503 (journal not reachable or too slow) rather than 429 (queue full). */
  public boolean unavailable() {
    return unavailable;
  }
}
