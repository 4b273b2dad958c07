package dev.pave.insights;

/**
 * What a rollup row counts, or what a sample measures. Counts add up per day; samples are
 * durations in seconds kept one by one, since distributions need them.
 */
public enum Measure {
  /** A revision became Available for the first time (deployment frequency). */
  DEPLOY,
  /** A revision was recorded (a change attempted: the failure rate's denominator). */
  CHANGE,
  /** A change failed: its rollout failed, it was rolled back, or it opened an incident. */
  CHANGE_FAILED,
  ROLLBACK_AUTOMATIC,
  ROLLBACK_MANUAL,
  DRIFT_CORRECTED,
  /** Detail: the rule. */
  DENIED,
  INCIDENT_OPENED,
  SIGNAL,
  SIGNAL_COMPLETE,
  /** Detail: the missing field. */
  SIGNAL_MISSING,
  DEAD_LETTERS_REPLAYED,
  /** Sample: commit time to Available. */
  LEAD_TIME,
  /** Sample: incident opened to resolved. */
  RESTORE_INCIDENT,
  /** Sample: failed rollout to the previous revision Available. */
  RESTORE_ROLLOUT,
  /** Sample: rollback asked (or failure detected) to the target revision Available. */
  ROLLBACK_TO_AVAILABLE,
  /** Sample: first admission denial to the next revision recorded. */
  FINDING_TO_FIX,
  /** Sample, detail the environment: Team created to its first Available revision there. */
  ONBOARDING;

  public boolean sample() {
    return ordinal() >= LEAD_TIME.ordinal();
  }
}
