package dev.pave.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Deployment statuses as the Deployment controller writes them, and the phase Pave reads. */
class RolloutTest {
  static Rollout of(String yaml) {
    Map<String, Object> d = new Yaml().load(yaml);
    return Rollout.of(d);
  }

  @Test
  void aSpecTheControllerHasNotSeenYetIsPending() {
    Rollout r = of("metadata: {generation: 3}\nspec: {replicas: 2}\n"
        + "status: {observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2}");
    assertThat(r.phase()).isEqualTo(Rollout.Phase.PROGRESSING);
    assertThat(r.reason()).isEqualTo("Pending");
  }

  @Test
  void allReplicasUpdatedAndAvailableIsAvailable() {
    Rollout r = of("metadata: {generation: 3}\nspec: {replicas: 3}\nstatus: {observedGeneration:"
        + " 3, replicas: 3, updatedReplicas: 3, availableReplicas: 3, readyReplicas: 3}");
    assertThat(r).isEqualTo(new Rollout(Rollout.Phase.AVAILABLE, "RolloutComplete",
        "All 3 replicas run the current revision and are available."));
  }

  @Test
  void oldReplicasStillRunningIsProgressing() {
    Rollout r = of("metadata: {generation: 3}\nspec: {replicas: 3}\nstatus: {observedGeneration:"
        + " 3, replicas: 4, updatedReplicas: 1, availableReplicas: 3}");
    assertThat(r.phase()).isEqualTo(Rollout.Phase.PROGRESSING);
    assertThat(r.message()).isEqualTo("1 of 3 replicas updated, 3 available.");
  }

  @Test
  void aPassedProgressDeadlineIsFailedWithTheControllersMessage() {
    Rollout r = of("metadata: {generation: 4}\nspec: {replicas: 2}\nstatus:\n"
        + "  observedGeneration: 4\n  replicas: 3\n  updatedReplicas: 1\n  availableReplicas: 2\n"
        + "  conditions:\n  - {type: Progressing, status: 'False', reason:"
        + " ProgressDeadlineExceeded, message: ReplicaSet \"web-7d9\" has timed out progressing.}");
    assertThat(r.phase()).isEqualTo(Rollout.Phase.FAILED);
    assertThat(r.message()).isEqualTo("The rollout made no progress within its deadline: 1 of 2"
        + " replicas updated, 2 available. ReplicaSet \"web-7d9\" has timed out progressing.");
  }

  @Test
  void updatedButNotAvailableIsDegraded() {
    Rollout r = of("metadata: {generation: 2}\nspec: {replicas: 2}\nstatus: {observedGeneration:"
        + " 2, replicas: 2, updatedReplicas: 2, availableReplicas: 1}");
    assertThat(r.phase()).isEqualTo(Rollout.Phase.DEGRADED);
  }
}
