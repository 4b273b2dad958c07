package dev.pave.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The service's Deployment. Rolling updates never take a ready pod away before its replacement
 * is ready; with autoscaling the replica count is left to the autoscaler.
 */
final class Deployments {
  private Deployments() {}

  static HasMetadata render(Plan p) {
    Map<String, String> podLabels = new LinkedHashMap<>(p.identity().labels());
    podLabels.put(Meta.COMPONENT, Meta.SERVER);
    Map<String, String> podAnnotations = new LinkedHashMap<>(p.identity().podAnnotations());
    if (p.spec().config() != null) {
      podAnnotations.put(ConfigMaps.HASH_ANNOTATION, ConfigMaps.hash(p));
    }
    Map<String, String> selector = Meta.serverSelector(p);
    Workloads.ContainerPlan main = new Workloads.ContainerPlan(p.name(), p.spec().command(),
        p.spec().args(), p.compute(), true);
    return new DeploymentBuilder()
        .withMetadata(Meta.of(p, p.name()))
        .withNewSpec()
        .withReplicas(p.autoscale() == null ? p.replicas() : null)
        .withRevisionHistoryLimit(5)
        .withProgressDeadlineSeconds(p.env().progressDeadlineSeconds())
        .withNewSelector().withMatchLabels(selector).endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString("25%"))
        .withMaxUnavailable(new IntOrString(0))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withMetadata(new ObjectMetaBuilder().withLabels(podLabels)
            .withAnnotations(podAnnotations).build())
        .withSpec(Workloads.podSpec(p, main, selector, "Always"))
        .endTemplate()
        .endSpec()
        .build();
  }
}
