package dev.pave.policy;

/** How bad a finding is, most severe first; {@code --fail-on} compares against it. */
public enum Severity {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW,
  INFO;

  public boolean atLeast(Severity threshold) {
    return ordinal() <= threshold.ordinal();
  }
}
