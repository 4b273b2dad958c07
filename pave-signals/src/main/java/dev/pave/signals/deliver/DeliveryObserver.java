package dev.pave.signals.deliver;

import java.time.Duration;

/** What a deliverer reports as it works; the pipeline's metrics listen. */
public interface DeliveryObserver {
  DeliveryObserver NONE = new DeliveryObserver() { };

  /**
   * A notice reached the sink {@code sinceAccepted} after the intake accepted it. {@code call}
   * is the duration of the request that carried it, given with the first notice of each
   * request and null for the others, so that requests are counted once.
   */
  default void delivered(Duration sinceAccepted, Duration call) { }

  /** A request failed (its notices are retried or dead-lettered). */
  default void failed(Duration call) { }

  /** A notice moved to the dead letters. */
  default void deadLettered() { }
}
