package dev.pave.signals.deliver;

import java.time.Duration;

/** What a deliverer reports as it works; the pipeline's metrics listen. */
public interface DeliveryObserver {
  DeliveryObserver NONE = new DeliveryObserver() { };

  /** A notice reached the sink {@code sinceAccepted} after the intake accepted it. */
  default void delivered(Duration sinceAccepted, Duration call) { }

  /** A call failed and the notice will be retried. */
  default void failed(Duration call) { }

  /** A notice moved to the dead letters. */
  default void deadLettered() { }
}
