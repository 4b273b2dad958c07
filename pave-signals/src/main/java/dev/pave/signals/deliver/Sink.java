package dev.pave.signals.deliver;

import dev.pave.signals.schema.Notice;

/** One destination. deliver returns only when the destination has taken the notice. */
public interface Sink extends AutoCloseable {
  String name();

  void deliver(Notice notice) throws DeliveryException;

  @Override
  default void close() {}
}
