package dev.pave.spec;

/** How much the business depends on a service; drives replica and disruption defaults. */
public enum Tier {
  CRITICAL,
  STANDARD,
  EXPERIMENTAL
}
