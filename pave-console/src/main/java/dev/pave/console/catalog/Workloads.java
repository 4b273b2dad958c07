package dev.pave.console.catalog;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.util.List;

/** A workload's health, image and port read from the object an informer holds. Pure. */
final class Workloads {
  private Workloads() {}

  static Workload of(HasMetadata w, String team, boolean managed, List<String> owners) {
    String kind = w.getKind();
    String ns = w.getMetadata().getNamespace();
    String name = w.getMetadata().getName();
    int want;
    int ready;
    int updated;
    PodTemplateSpec t;
    if (w instanceof Deployment d) {
      want = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1
          : d.getSpec().getReplicas();
      var st = d.getStatus();
      ready = st == null || st.getReadyReplicas() == null ? 0 : st.getReadyReplicas();
      updated = st == null || st.getUpdatedReplicas() == null ? 0 : st.getUpdatedReplicas();
      t = d.getSpec() == null ? null : d.getSpec().getTemplate();
    } else if (w instanceof StatefulSet s) {
      want = s.getSpec() == null || s.getSpec().getReplicas() == null ? 1
          : s.getSpec().getReplicas();
      var st = s.getStatus();
      ready = st == null || st.getReadyReplicas() == null ? 0 : st.getReadyReplicas();
      updated = st == null || st.getUpdatedReplicas() == null ? 0 : st.getUpdatedReplicas();
      t = s.getSpec() == null ? null : s.getSpec().getTemplate();
    } else if (w instanceof DaemonSet s) {
      var st = s.getStatus();
      want = st == null || st.getDesiredNumberScheduled() == null ? 0
          : st.getDesiredNumberScheduled();
      ready = st == null || st.getNumberReady() == null ? 0 : st.getNumberReady();
      updated = st == null || st.getUpdatedNumberScheduled() == null ? 0
          : st.getUpdatedNumberScheduled();
      t = s.getSpec() == null ? null : s.getSpec().getTemplate();
    } else if (w instanceof CronJob c) {
      // A CronJob has no replicas to be ready: no health.
      t = c.getSpec() == null || c.getSpec().getJobTemplate() == null
          || c.getSpec().getJobTemplate().getSpec() == null ? null
          : c.getSpec().getJobTemplate().getSpec().getTemplate();
      return new Workload(kind, ns, name, team, managed, null, null, owners, image(t), port(t));
    } else {
      return new Workload(kind, ns, name, team, managed, null, null, owners, null, null);
    }
    return new Workload(kind, ns, name, team, managed, health(want, ready, updated),
        ready + "/" + want, owners, image(t), port(t));
  }

  /**
   * All ready and updated: Healthy; some replicas not on the new template yet: Progressing;
   * updated but not ready: Degraded.
   */
  static String health(int want, int ready, int updated) {
    if (ready >= want && updated >= want) {
      return "Healthy";
    }
    return updated < want ? "Progressing" : "Degraded";
  }

  private static Container first(PodTemplateSpec t) {
    return t == null || t.getSpec() == null || t.getSpec().getContainers() == null
        || t.getSpec().getContainers().isEmpty() ? null : t.getSpec().getContainers().get(0);
  }

  private static String image(PodTemplateSpec t) {
    Container c = first(t);
    return c == null ? null : c.getImage();
  }

  private static Integer port(PodTemplateSpec t) {
    Container c = first(t);
    return c == null || c.getPorts() == null || c.getPorts().isEmpty() ? null
        : c.getPorts().get(0).getContainerPort();
  }
}
