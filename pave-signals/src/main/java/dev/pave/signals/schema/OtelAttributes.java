package dev.pave.signals.schema;

import dev.pave.identity.Identity;
import dev.pave.signals.Signal;
import dev.pave.signals.enrich.Enrichment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OpenTelemetry resource attributes of a notice: the same identity Pave puts on the
 * workload (pave-core's {@link Identity#resourceAttributes()}) plus the Kubernetes object the
 * signal is about, so a signal joins the service's traces, metrics and logs.
 */
public final class OtelAttributes {
  private OtelAttributes() {}

  public static Map<String, String> of(Notice n) {
    Signal s = n.signal().signal();
    Enrichment e = n.signal().enrichment();
    Map<String, String> m = new LinkedHashMap<>();
    if (e.app() != null) {
      Identity id = new Identity(e.app(), e.team(), e.environment(), e.version(), e.tier(),
          e.cluster(), e.namespace());
      id.resourceAttributes().forEach((k, v) -> {
        if (v != null) {
          m.put(k, v);
        }
      });
    } else if (!s.subject().cluster().isEmpty()) {
      m.put("k8s.cluster.name", s.subject().cluster());
    }
    String namespace = !s.subject().namespace().isEmpty() ? s.subject().namespace()
        : e.namespace();
    if (namespace != null) {
      m.put("k8s.namespace.name", namespace);
    }
    String kind = s.subject().kind();
    if (!s.subject().name().isEmpty()) {
      switch (kind) {
        case "Pod" -> m.put("k8s.pod.name", s.subject().name());
        case "Deployment" -> m.put("k8s.deployment.name", s.subject().name());
        case "StatefulSet" -> m.put("k8s.statefulset.name", s.subject().name());
        case "DaemonSet" -> m.put("k8s.daemonset.name", s.subject().name());
        case "Job" -> m.put("k8s.job.name", s.subject().name());
        case "Node" -> m.put("k8s.node.name", s.subject().name());
        default -> { }
      }
    }
    String container = s.labels().get("container");
    if (container != null) {
      m.put("k8s.container.name", container);
    }
    return m;
  }
}
