package dev.pave.signals.pipeline;

/**
 * The journal refused what one request carried, written alone: a retry would fail the same
 * way, so the sender is told (HTTP 400) instead of asked to retry. The message names no value,
 * no statement and no database error text.
 */
public final class Unstorable extends RuntimeException {
  public Unstorable() {
    super("the journal cannot store a value of this request; nothing of it was taken");
  }
}
