package dev.pave.insights;

import java.time.Instant;
import java.util.List;

/**
 * One raw fact the platform already records, as the signals pipeline journals it. Each kind
 * comes from one source: the operator's Events (RevisionRecorded, RolloutAvailable, ...), the
 * incident state machine, enrichment, the dead-letter replay and the workload inventory.
 */
public sealed interface Fact {
  Key key();

  Instant at();

  /** A revision was recorded; {@code commitTime} is null when the deploy named no commit time. */
  record RevisionRecorded(Key key, Instant at, int revision, Instant commitTime) implements Fact {}

  /** A revision's replicas became Available. */
  record RolloutAvailable(Key key, Instant at, int revision) implements Fact {}

  /** A revision's rollout failed (progress deadline, crash loop, ...). */
  record RolloutFailed(Key key, Instant at, int revision) implements Fact {}

  /** The running revision was replaced by an earlier one: by the operator or by a person. */
  record RolledBack(Key key, Instant at, int toRevision, boolean automatic) implements Fact {}

  /** The operator put back what someone changed by hand. */
  record DriftCorrected(Key key, Instant at) implements Fact {}

  /** Admission refused a change; {@code rule} is the policy rule that blocked it. */
  record AdmissionDenied(Key key, Instant at, String rule) implements Fact {}

  /** A policy exception let a change through; {@code expiresAt} null when it never expires. */
  record ExceptionUsed(Key key, Instant at, String name, Instant expiresAt) implements Fact {}

  /** An incident started firing. */
  record IncidentOpened(Key key, Instant at, String id) implements Fact {}

  /** An incident resolved; {@code openedAt} is when it started firing. */
  record IncidentResolved(Key key, Instant at, String id, Instant openedAt) implements Fact {}

  /** A signal was enriched: complete or not, and which fields were missing. */
  record Enriched(Key key, Instant at, boolean complete, List<String> missing) implements Fact {
    public Enriched {
      missing = List.copyOf(missing);
    }
  }

  /** Dead letters were put back into the outbox by hand. */
  record DeadLettersReplayed(Key key, Instant at, int count) implements Fact {}

  /** A workload was seen in a namespace, deployed through Pave or not. */
  record WorkloadSeen(Key key, Instant at, String namespace, String kind, String name,
      boolean managed) implements Fact {}

  /** A Team was created (the start of onboarding). */
  record TeamCreated(Key key, Instant at) implements Fact {}
}
