package dev.pave.policy;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How long one rule may take on one object. The shell passes the ticker (System::nanoTime), so
 * the core reads no clock of its own; {@link #NONE} turns the deadline off.
 */
public record Limits(Duration deadline, LongSupplier ticker) {
  public static final Limits NONE = new Limits(null, null);

  /** The default the CLI and the admission handler use: 50 ms per rule and object. */
  public static Limits of(LongSupplier ticker) {
    return new Limits(Duration.ofMillis(50), ticker);
  }

  boolean enabled() {
    return deadline != null && ticker != null;
  }
}
