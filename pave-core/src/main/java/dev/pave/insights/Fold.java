package dev.pave.insights;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Turns one fact into what it adds to the rollups, given the state its application and team
 * were left in: a pure step, so the pipeline can apply it as it journals each fact, in the
 * same transaction, and nothing is ever recomputed from history.
 */
public final class Fold {
  /**
   * An incident opened this soon after a revision became Available counts against that
   * revision (DORA: a change that led to degraded service).
   */
  public static final Duration INCIDENT_WINDOW = Duration.ofHours(1);

  /** The new states and what the fact contributes. */
  public record Result(AppState app, TeamState team, List<Contribution> contributions) {}

  private Fold() {}

  public static Result step(AppState s, TeamState t, Fact fact) {
    s = s == null ? AppState.EMPTY : s;
    t = t == null ? TeamState.EMPTY : t;
    List<Contribution> out = new ArrayList<>();
    Key k = fact.key();
    LocalDate day = day(fact.at());
    if (fact instanceof Fact.RevisionRecorded f) {
      out.add(count(k, day, Measure.CHANGE, ""));
      if (s.firstDeniedAt() != null) {
        out.add(sample(k, day, Measure.FINDING_TO_FIX, "", s.firstDeniedAt(), f.at()));
      }
      s = new AppState(s.highestAvailable(), s.running(), s.runningSince(), f.revision(),
          f.commitTime(), s.failed(), s.failedAt(), s.rollbackAt(), null);
    } else if (fact instanceof Fact.RolloutAvailable f) {
      if (s.failedAt() != null) {
        out.add(sample(k, day, Measure.RESTORE_ROLLOUT, "", s.failedAt(), f.at()));
      }
      if (s.rollbackAt() != null) {
        out.add(sample(k, day, Measure.ROLLBACK_TO_AVAILABLE, "", s.rollbackAt(), f.at()));
      }
      int highest = s.highestAvailable();
      if (f.revision() > highest) {
        highest = f.revision();
        out.add(count(k, day, Measure.DEPLOY, ""));
        if (f.revision() == s.pending() && s.pendingCommitTime() != null) {
          out.add(sample(k, day, Measure.LEAD_TIME, "", s.pendingCommitTime(), f.at()));
        }
        if (t.createdAt() != null && !t.onboarded().contains(k.env())) {
          out.add(sample(k, day, Measure.ONBOARDING, k.env(), t.createdAt(), f.at()));
          var envs = new HashSet<>(t.onboarded());
          envs.add(k.env());
          t = new TeamState(t.createdAt(), envs);
        }
      }
      boolean pendingDone = f.revision() >= s.pending();
      s = new AppState(highest, f.revision(), f.at(), pendingDone ? 0 : s.pending(),
          pendingDone ? null : s.pendingCommitTime(), s.failed(), null, null,
          s.firstDeniedAt());
    } else if (fact instanceof Fact.RolloutFailed f) {
      int failed = s.failed();
      if (f.revision() > failed) {
        out.add(count(k, day, Measure.CHANGE_FAILED, ""));
        failed = f.revision();
      }
      s = new AppState(s.highestAvailable(), s.running(), s.runningSince(), s.pending(),
          s.pendingCommitTime(), failed, s.failedAt() == null ? f.at() : s.failedAt(),
          s.rollbackAt(), s.firstDeniedAt());
    } else if (fact instanceof Fact.RolledBack f) {
      out.add(count(k, day, f.automatic() ? Measure.ROLLBACK_AUTOMATIC
          : Measure.ROLLBACK_MANUAL, ""));
      // The change rolled back is the newest one tried: pending if it never became
      // Available, else the one running.
      int from = Math.max(s.pending(), s.running());
      int failed = s.failed();
      if (from > failed) {
        out.add(count(k, day, Measure.CHANGE_FAILED, ""));
        failed = from;
      }
      // An automatic rollback starts when the failure was detected, a manual one when asked.
      Instant start = f.automatic() && s.failedAt() != null ? s.failedAt() : f.at();
      s = new AppState(s.highestAvailable(), s.running(), s.runningSince(), 0, null, failed,
          s.failedAt(), start, s.firstDeniedAt());
    } else if (fact instanceof Fact.IncidentOpened f) {
      out.add(count(k, day, Measure.INCIDENT_OPENED, ""));
      if (s.running() > s.failed() && s.runningSince() != null
          && !f.at().isAfter(s.runningSince().plus(INCIDENT_WINDOW))) {
        out.add(count(k, day, Measure.CHANGE_FAILED, ""));
        s = new AppState(s.highestAvailable(), s.running(), s.runningSince(), s.pending(),
            s.pendingCommitTime(), s.running(), s.failedAt(), s.rollbackAt(),
            s.firstDeniedAt());
      }
    } else if (fact instanceof Fact.IncidentResolved f) {
      if (f.openedAt() != null) {
        out.add(sample(k, day, Measure.RESTORE_INCIDENT, "", f.openedAt(), f.at()));
      }
    } else if (fact instanceof Fact.DriftCorrected) {
      out.add(count(k, day, Measure.DRIFT_CORRECTED, ""));
    } else if (fact instanceof Fact.AdmissionDenied f) {
      out.add(count(k, day, Measure.DENIED, f.rule() == null ? "" : f.rule()));
      if (s.firstDeniedAt() == null) {
        s = new AppState(s.highestAvailable(), s.running(), s.runningSince(), s.pending(),
            s.pendingCommitTime(), s.failed(), s.failedAt(), s.rollbackAt(), f.at());
      }
    } else if (fact instanceof Fact.Enriched f) {
      out.add(count(k, day, Measure.SIGNAL, ""));
      if (f.complete()) {
        out.add(count(k, day, Measure.SIGNAL_COMPLETE, ""));
      }
      for (String m : f.missing()) {
        out.add(count(k, day, Measure.SIGNAL_MISSING, m));
      }
    } else if (fact instanceof Fact.DeadLettersReplayed f) {
      out.add(new Contribution(k, day, Measure.DEAD_LETTERS_REPLAYED, "", f.count()));
    } else if (fact instanceof Fact.TeamCreated f) {
      if (t.createdAt() == null || f.at().isBefore(t.createdAt())) {
        t = new TeamState(f.at(), t.onboarded());
      }
    }
    // ExceptionUsed and WorkloadSeen are inventories, not events: the store keeps the newest
    // state of each exception and workload instead of counting them.
    return new Result(s, t, out);
  }

  public static LocalDate day(Instant at) {
    return LocalDate.ofInstant(at, ZoneOffset.UTC);
  }

  private static Contribution count(Key k, LocalDate day, Measure m, String detail) {
    return new Contribution(k, day, m, detail, 1);
  }

  private static Contribution sample(Key k, LocalDate day, Measure m, String detail,
      Instant from, Instant to) {
    return new Contribution(k, day, m, detail, Duration.between(from, to).toMillis() / 1000.0);
  }
}
