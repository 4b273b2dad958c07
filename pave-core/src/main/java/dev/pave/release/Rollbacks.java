package dev.pave.release;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which revision a rollback goes to. A manual rollback goes to the revision asked for, or the
 * one before the current one; an automatic rollback after a failed rollout goes to the newest
 * revision that was ever available, so it never lands on another broken release.
 */
public final class Rollbacks {
  /** What to do after looking at a rollout. */
  public sealed interface Decision permits Stay, RollBack {}

  /** Nothing to do, and why. */
  public record Stay(String reason) implements Decision {}

  /** Roll back to this revision, for this reason (shown in events and the timeline). */
  public record RollBack(int to, String reason) implements Decision {}

  private Rollbacks() {}

  /** The target of {@code pave rollback}: the revision asked for, or the previous one. */
  public static Optional<Revision> manualTarget(List<Revision> history, int current,
      Integer requested) {
    if (requested != null) {
      return history.stream().filter(r -> r.number() == requested && requested != current)
          .findFirst();
    }
    return history.stream().filter(r -> r.number() < current)
        .max(Comparator.comparingInt(Revision::number));
  }

  /**
   * The target of a rollback a person asks for: the revision asked for, or else the newest
   * earlier one that was ever available and differs from what runs now. After an automatic
   * rollback the revision just before the current one is the failed release, and the one
   * before that holds the objects already running: neither is a rollback. When no revision
   * was ever marked available (no operator watched the rollouts) any earlier revision that
   * differs counts. Empty when there is no such revision; a requested revision that holds the
   * objects running now is returned, for the caller to refuse as a change of nothing.
   */
  public static Optional<Revision> userTarget(List<Revision> history, Integer requested,
      Set<Integer> everAvailable) {
    if (history.isEmpty()) {
      return Optional.empty();
    }
    Revision current = history.get(history.size() - 1);
    if (requested != null) {
      return manualTarget(history, current.number(), requested);
    }
    return history.stream()
        .filter(r -> r.number() < current.number() && !r.hash().equals(current.hash()))
        .filter(r -> everAvailable.isEmpty() || everAvailable.contains(r.number()))
        .max(Comparator.comparingInt(Revision::number));
  }

  /**
   * After a rollout check: roll back automatically when it failed, the environment allows it,
   * and an earlier revision was available; otherwise say why not.
   */
  public static Decision afterRollout(Rollout rollout, boolean autoRollback, int current,
      Set<Integer> everAvailable, Integer pinned) {
    if (rollout.phase() != Rollout.Phase.FAILED) {
      return new Stay("rollout is " + rollout.phase().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (!autoRollback) {
      return new Stay("rollout failed; automatic rollback is off in this environment");
    }
    if (pinned != null && pinned == current) {
      return new Stay("rollout of pinned revision " + current + " failed; a pinned revision is"
          + " not rolled back automatically");
    }
    Optional<Integer> target = everAvailable.stream().filter(n -> n < current)
        .max(Integer::compare);
    if (target.isEmpty()) {
      return new Stay("rollout failed and no earlier revision was ever available");
    }
    return new RollBack(target.get(), "revision " + current + " failed to roll out ("
        + rollout.message() + "); rolling back to revision " + target.get()
        + ", the last one that was available");
  }
}
