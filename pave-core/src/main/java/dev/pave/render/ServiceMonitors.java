package dev.pave.render;

import dev.pave.identity.Identity;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells the Prometheus Operator to scrape the service, relabelling each series with the same
 * identity the SDK and the Collector use (underscored, as Prometheus spells OTel attributes),
 * and job = team/app as Prometheus derives it from OTLP.
 */
final class ServiceMonitors {
  private ServiceMonitors() {}

  /** Prometheus target label to the pod label it is copied from (null: a fixed value). */
  static final Map<String, String> RELABEL = relabel();

  private static Map<String, String> relabel() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("service_name", Identity.NAME);
    m.put("service_namespace", Identity.TEAM);
    m.put("service_version", Identity.VERSION);
    m.put("deployment_environment_name", Identity.ENVIRONMENT);
    return m;
  }

  /** How Prometheus names the discovery label of a pod label. */
  static String metaLabel(String podLabel) {
    StringBuilder sb = new StringBuilder("__meta_kubernetes_pod_label_");
    for (int i = 0; i < podLabel.length(); i++) {
      char c = podLabel.charAt(i);
      boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_';
      sb.append(keep ? c : '_');
    }
    return sb.toString();
  }

  static HasMetadata render(Plan p) {
    GenericKubernetesResource sm = new GenericKubernetesResource();
    sm.setApiVersion("monitoring.coreos.com/v1");
    sm.setKind("ServiceMonitor");
    sm.setMetadata(Meta.of(p, p.name()));
    List<Map<String, Object>> relabelings = new ArrayList<>();
    for (Map.Entry<String, String> e : RELABEL.entrySet()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("action", "replace");
      r.put("sourceLabels", List.of(metaLabel(e.getValue())));
      r.put("targetLabel", e.getKey());
      relabelings.add(r);
    }
    Map<String, Object> cluster = new LinkedHashMap<>();
    cluster.put("action", "replace");
    cluster.put("targetLabel", "k8s_cluster_name");
    cluster.put("replacement", p.identity().cluster());
    relabelings.add(cluster);
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("action", "replace");
    job.put("sourceLabels", List.of(metaLabel(Identity.TEAM), metaLabel(Identity.NAME)));
    job.put("separator", "/");
    job.put("targetLabel", "job");
    relabelings.add(job);

    Map<String, Object> endpoint = new LinkedHashMap<>();
    endpoint.put("port", p.metricsOnServicePort() ? Workloads.HTTP : Workloads.METRICS);
    endpoint.put("path", p.scrape().path());
    endpoint.put("interval", "30s");
    endpoint.put("relabelings", relabelings);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("selector", Map.of("matchLabels", new LinkedHashMap<>(p.identity().selector())));
    spec.put("endpoints", List.of(endpoint));
    sm.setAdditionalProperty("spec", spec);
    return sm;
  }
}
