package dev.pave.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;

/** CPU-based autoscaling (autoscaling/v2); the Deployment then leaves replicas unset. */
final class Autoscalers {
  private Autoscalers() {}

  static HasMetadata render(Plan p) {
    return new HorizontalPodAutoscalerBuilder().withMetadata(Meta.of(p, p.name()))
        .withNewSpec()
        .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment")
        .withName(p.name()).endScaleTargetRef()
        .withMinReplicas(p.autoscale().min())
        .withMaxReplicas(p.autoscale().max())
        .addNewMetric().withType("Resource").withNewResource().withName("cpu").withNewTarget()
        .withType("Utilization").withAverageUtilization(p.autoscale().cpuPercent())
        .endTarget().endResource().endMetric()
        .endSpec().build();
  }
}
