package dev.pave.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RollbacksTest {
  static final Rollout FAILED = new Rollout(Rollout.Phase.FAILED, "ProgressDeadlineExceeded",
      "1 of 2 replicas updated, 1 available.");

  static List<Revision> history(int n) {
    List<Revision> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(new Revision(i, "h" + i, "", "", "ana", Instant.EPOCH.plusSeconds(i), null));
    }
    return out;
  }

  @Test
  void aFailedRolloutRollsBackToTheLastRevisionThatWasAvailable() {
    Rollbacks.Decision d = Rollbacks.afterRollout(FAILED, true, 5, Set.of(1, 2, 3), null);
    assertThat(d).isEqualTo(new Rollbacks.RollBack(3, "revision 5 failed to roll out (1 of 2"
        + " replicas updated, 1 available.); rolling back to revision 3, the last one that was"
        + " available"));
  }

  @Test
  void noRollbackWhenTheEnvironmentSaysNoOrNothingEarlierEverWorked() {
    assertThat(Rollbacks.afterRollout(FAILED, false, 5, Set.of(3), null))
        .isEqualTo(new Rollbacks.Stay("rollout failed; automatic rollback is off in this"
            + " environment"));
    assertThat(Rollbacks.afterRollout(FAILED, true, 1, Set.of(), null))
        .isInstanceOf(Rollbacks.Stay.class);
    assertThat(Rollbacks.afterRollout(new Rollout(Rollout.Phase.AVAILABLE, "RolloutComplete",
        ""), true, 5, Set.of(3), null)).isEqualTo(new Rollbacks.Stay("rollout is available"));
  }

  @Test
  void aPinnedRevisionIsNotRolledBackAutomatically() {
    assertThat(Rollbacks.afterRollout(FAILED, true, 3, Set.of(1, 2), 3))
        .isInstanceOf(Rollbacks.Stay.class);
  }

  @Test
  void aManualRollbackGoesToTheRequestedOrThePreviousRevision() {
    assertThat(Rollbacks.manualTarget(history(5), 5, null)).get()
        .extracting(Revision::number).isEqualTo(4);
    assertThat(Rollbacks.manualTarget(history(5), 5, 2)).get()
        .extracting(Revision::number).isEqualTo(2);
    assertThat(Rollbacks.manualTarget(history(5), 5, 5)).isEmpty();
    assertThat(Rollbacks.manualTarget(history(5), 5, 9)).isEmpty();
    assertThat(Rollbacks.manualTarget(history(1), 1, null)).isEmpty();
  }
  @Test
  void aRollbackAfterAnAutomaticOneNeverOffersTheFailedReleaseOrWhatRunsNow() {
    // 1 and 2 rolled out, 3 failed and was rolled back automatically to 2 (recorded as 4).
    List<Revision> h = history(3);
    h.add(new Revision(4, "h2", "", "", "auto-rollback", Instant.EPOCH.plusSeconds(4), null));
    assertThat(Rollbacks.userTarget(h, null, Set.of(1, 2))).get()
        .extracting(Revision::number).isEqualTo(1);
    // Only 2 ever rolled out, and 2 is what runs: nothing to roll back to.
    assertThat(Rollbacks.userTarget(h, null, Set.of(2))).isEmpty();
    // Asked for by number, the revision is returned even when it holds what runs now, so the
    // caller can say that nothing would change.
    assertThat(Rollbacks.userTarget(h, 2, Set.of(1, 2))).get().extracting(Revision::hash)
        .isEqualTo("h2");
    // Without availability known, any earlier revision that differs counts.
    assertThat(Rollbacks.userTarget(history(3), null, Set.of())).get()
        .extracting(Revision::number).isEqualTo(2);
  }
}
