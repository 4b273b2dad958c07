package dev.pave.signals;

/** Firing and resolved for alerts; info for things that happened once (events, deploys). */
public enum Status {
  FIRING, RESOLVED, INFO;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
