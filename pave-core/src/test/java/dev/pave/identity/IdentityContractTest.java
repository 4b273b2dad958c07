package dev.pave.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.render.Renderer;
import dev.pave.render.Specs;
import dev.pave.spec.Environments;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Applies each consumer's documented derivation rule (docs/identity.md) to the rendered objects
 * and asserts that they all arrive at the same service identity: the OpenTelemetry SDK from the
 * container environment, the Collector's k8sattributes processor from pod metadata, and
 * Prometheus from the ServiceMonitor's relabelings.
 */
class IdentityContractTest {
  static final String SPEC = """
      port: 8080
      metrics: {port: 9100}
      jobs: [{name: report, schedule: "@daily"}]
      """;

  @ParameterizedTest(name = "in {0}")
  @ValueSource(strings = {"dev", "staging", "prod"})
  void sdkCollectorAndPrometheusDeriveTheSameIdentity(String env) {
    List<HasMetadata> out = Renderer.render(Specs.app(SPEC), Environments.builtIn().get(env));
    Map<String, String> expected = Map.of(
        "service.name", "checkout",
        "service.namespace", "payments",
        "service.version", "1.4.2",
        "deployment.environment.name", env,
        "k8s.cluster.name", env);

    Deployment d = (Deployment) out.stream().filter(Deployment.class::isInstance).findFirst()
        .orElseThrow();
    CronJob job = (CronJob) out.stream().filter(CronJob.class::isInstance).findFirst()
        .orElseThrow();
    for (PodTemplateSpec pod : List.of(d.getSpec().getTemplate(),
        job.getSpec().getJobTemplate().getSpec().getTemplate())) {
      Map<String, String> sdk = sdk(pod, d.getMetadata().getNamespace());
      assertThat(sdk).containsAllEntriesOf(expected);
      assertThat(sdk).containsEntry("k8s.namespace.name", "checkout-" + env)
          .containsEntry("k8s.pod.name", "pod-1").containsEntry("k8s.node.name", "node-a");
      Map<String, String> collector = collector(pod, d.getMetadata().getNamespace());
      assertThat(collector).containsAllEntriesOf(Map.of(
          "service.name", "checkout", "service.namespace", "payments",
          "service.version", "1.4.2", "deployment.environment.name", env));
    }

    var monitor = out.stream().filter(o -> o.getKind().equals("ServiceMonitor")).findFirst();
    if (env.equals("dev")) {
      assertThat(monitor).as("dev has no Prometheus Operator").isEmpty();
    } else {
      Map<String, String> prom = prometheus((GenericKubernetesResource) monitor.orElseThrow(),
          d.getSpec().getTemplate());
      assertThat(prom).containsEntry("service_name", "checkout")
          .containsEntry("service_namespace", "payments")
          .containsEntry("service_version", "1.4.2")
          .containsEntry("deployment_environment_name", env)
          .containsEntry("k8s_cluster_name", env)
          .containsEntry("job", "payments/checkout");
    }

    Map<String, String> sdk = sdk(d.getSpec().getTemplate(), d.getMetadata().getNamespace());
    for (HasMetadata o : out) {
      assertThat(o.getMetadata().getLabels()).as("labels of %s", o.getKind())
          .containsEntry(Identity.NAME, sdk.get("service.name"))
          .containsEntry(Identity.TEAM, sdk.get("service.namespace"))
          .containsEntry(Identity.VERSION, sdk.get("service.version"))
          .containsEntry(Identity.ENVIRONMENT, sdk.get("deployment.environment.name"));
    }
  }

  /**
   * The SDK rule: OTEL_RESOURCE_ATTRIBUTES is a comma-separated list of key=value, and
   * OTEL_SERVICE_NAME wins over its service.name. Kubernetes expands $(VAR) from variables
   * defined earlier in the list; downward API values are simulated.
   */
  static Map<String, String> sdk(PodTemplateSpec pod, String namespace) {
    Map<String, String> downward = Map.of("metadata.name", "pod-1", "metadata.uid", "uid-1",
        "metadata.namespace", namespace, "spec.nodeName", "node-a");
    Map<String, String> vars = new LinkedHashMap<>();
    for (EnvVar v : pod.getSpec().getContainers().get(0).getEnv()) {
      if (v.getValueFrom() != null && v.getValueFrom().getFieldRef() != null) {
        vars.put(v.getName(), downward.get(v.getValueFrom().getFieldRef().getFieldPath()));
      } else if (v.getValue() != null) {
        vars.put(v.getName(), expand(v.getValue(), vars));
      }
    }
    Map<String, String> attrs = new LinkedHashMap<>();
    for (String pair : vars.getOrDefault("OTEL_RESOURCE_ATTRIBUTES", "").split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        attrs.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
    if (vars.containsKey("OTEL_SERVICE_NAME")) {
      attrs.put("service.name", vars.get("OTEL_SERVICE_NAME"));
    }
    return attrs;
  }

  private static String expand(String value, Map<String, String> defined) {
    Matcher m = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(value);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = defined.get(m.group(1));
      m.appendReplacement(sb, Matcher.quoteReplacement(v != null ? v : m.group()));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /**
   * The Collector's k8sattributes rule: service.name from the resource.opentelemetry.io
   * annotation, else app.kubernetes.io/instance, else app.kubernetes.io/name; service.namespace
   * from the annotation, else the Kubernetes namespace; service.version from the annotation,
   * else app.kubernetes.io/version; other resource.opentelemetry.io/* annotations copied.
   */
  static Map<String, String> collector(PodTemplateSpec pod, String namespace) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    Map<String, String> ann = pod.getMetadata().getAnnotations() == null ? Map.of()
        : pod.getMetadata().getAnnotations();
    String prefix = Identity.OTEL_ANNOTATION_PREFIX;
    Map<String, String> attrs = new LinkedHashMap<>();
    ann.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        attrs.put(k.substring(prefix.length()), v);
      }
    });
    attrs.putIfAbsent("service.name", labels.getOrDefault(Identity.INSTANCE,
        labels.get(Identity.NAME)));
    attrs.putIfAbsent("service.namespace", namespace);
    attrs.putIfAbsent("service.version", labels.get(Identity.VERSION));
    return attrs;
  }

  /**
   * Prometheus relabelling with action replace: join the source labels with the separator
   * (default ";") and write them, or the fixed replacement, to the target label. Source labels
   * are the discovery labels __meta_kubernetes_pod_label_NAME, NAME with every character
   * outside [a-zA-Z0-9_] turned into "_".
   */
  @SuppressWarnings("unchecked")
  static Map<String, String> prometheus(GenericKubernetesResource sm, PodTemplateSpec pod) {
    Map<String, String> meta = new LinkedHashMap<>();
    pod.getMetadata().getLabels().forEach((k, v) ->
        meta.put("__meta_kubernetes_pod_label_" + k.replaceAll("[^a-zA-Z0-9_]", "_"), v));
    Map<String, Object> spec = (Map<String, Object>) sm.getAdditionalProperties().get("spec");
    Map<String, Object> endpoint = ((List<Map<String, Object>>) spec.get("endpoints")).get(0);
    Map<String, String> out = new LinkedHashMap<>();
    for (Map<String, Object> r : (List<Map<String, Object>>) endpoint.get("relabelings")) {
      assertThat(r.get("action")).isEqualTo("replace");
      String value;
      if (r.containsKey("replacement")) {
        value = (String) r.get("replacement");
      } else {
        String sep = (String) r.getOrDefault("separator", ";");
        value = String.join(sep, ((List<String>) r.get("sourceLabels")).stream()
            .map(l -> meta.getOrDefault(l, "")).toList());
      }
      out.put((String) r.get("targetLabel"), value);
    }
    return out;
  }
}
