package dev.pave.signals.incident;

/** What a signal did to its incident; sinks are told of everything except NONE. */
public enum Change {
  OPENED, UPDATED, RESOLVED, REOPENED, FLAPPING, NONE;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
