package dev.pave.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
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
    RollingUpdateDeployment rolling = new RollingUpdateDeployment(new IntOrString("25%"),
        new IntOrString(0));
    ObjectMeta podMeta = new ObjectMeta();
    podMeta.setLabels(podLabels);
    podMeta.setAnnotations(podAnnotations);
    DeploymentSpec spec = new DeploymentSpec();
    spec.setReplicas(p.autoscale() == null ? p.replicas() : null);
    spec.setRevisionHistoryLimit(5);
    spec.setProgressDeadlineSeconds(p.env().progressDeadlineSeconds());
    spec.setSelector(new LabelSelector(null, selector));
    spec.setStrategy(new DeploymentStrategy(rolling, "RollingUpdate"));
    spec.setTemplate(new PodTemplateSpec(podMeta, Workloads.podSpec(p, main, selector,
        "Always")));
    Deployment d = new Deployment();
    d.setMetadata(Meta.of(p, p.name()));
    d.setSpec(spec);
    return d;
  }
}
