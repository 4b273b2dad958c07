package dev.pave.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

/**
 * Keeps all but one replica up during node drains. Unhealthy pods may always be evicted, so a
 * crash-looping release cannot block cluster maintenance.
 */
final class DisruptionBudgets {
  private DisruptionBudgets() {}

  static HasMetadata render(Plan p) {
    return new PodDisruptionBudgetBuilder().withMetadata(Meta.of(p, p.name()))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector().withMatchLabels(Meta.serverSelector(p)).endSelector()
        .withUnhealthyPodEvictionPolicy("AlwaysAllow")
        .endSpec().build();
  }
}
