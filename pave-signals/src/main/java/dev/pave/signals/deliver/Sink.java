package dev.pave.signals.deliver;

import dev.pave.signals.schema.Notice;
import java.util.List;

/** One destination. deliver returns only when the destination has taken the notice. */
public interface Sink extends AutoCloseable {
  String name();

  void deliver(Notice notice) throws DeliveryException;

  /** Most notices {@link #deliverAll} takes at once; 1 for a sink that takes one per call. */
  default int batchSize() {
    return 1;
  }

  /**
   * Delivers the notices, in order, as one call where the destination allows: it took all of
   * them, or (on an exception) the caller treats none of them as delivered.
   */
  default void deliverAll(List<Notice> notices) throws DeliveryException {
    for (Notice n : notices) {
      deliver(n);
    }
  }

  @Override
  default void close() {}
}
