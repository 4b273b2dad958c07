package dev.pave.signals;

/** What kind of thing a signal reports; routes and the timeline filter on it. */
public enum SignalType {
  ALERT("alert"),
  KUBERNETES_EVENT("kubernetes-event"),
  DEPLOY("deploy"),
  ROLLOUT("rollout"),
  ROLLBACK("rollback"),
  DRIFT("drift"),
  POLICY("policy"),
  EXTERNAL("external");

  private final String wire;

  SignalType(String wire) {
    this.wire = wire;
  }

  /** The lowercase name used in configuration, CloudEvents types and the timeline. */
  public String wire() {
    return wire;
  }

  public static SignalType ofWire(String s) {
    for (SignalType t : values()) {
      if (t.wire.equals(s)) {
        return t;
      }
    }
    return null;
  }
}
