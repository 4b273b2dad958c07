package dev.pave.insights;

import java.time.Instant;

/**
 * What the fold remembers of one application in one environment between facts, so each fact
 * is turned into contributions without reading history again.
 *
 * @param highestAvailable newest revision that ever became Available (0: none): a revision at or
 *     below it becoming Available again is a restore, not a deployment
 * @param running revision running now (0: none), {@code runningSince} when it became Available
 * @param pending newest revision recorded and not yet Available, with its commit time (nullable)
 * @param failed newest revision already counted as a failed change, so one change fails once
 * @param failedAt when a rollout failed and nothing Available has replaced it yet
 * @param rollbackAt when a rollback was asked (or, automatic, the failure detected), until the
 *     target is Available
 * @param firstDeniedAt first admission denial not yet followed by a recorded revision
 */
public record AppState(int highestAvailable, int running, Instant runningSince, int pending,
    Instant pendingCommitTime, int failed, Instant failedAt, Instant rollbackAt,
    Instant firstDeniedAt) {
  public static final AppState EMPTY = new AppState(0, 0, null, 0, null, 0, null, null, null);
}
