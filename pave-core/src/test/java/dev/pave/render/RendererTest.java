package dev.pave.render;

import static dev.pave.render.Specs.app;
import static dev.pave.render.Specs.kinds;
import static dev.pave.render.Specs.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.spec.Environment;
import dev.pave.spec.Environments;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendererTest {
  static final Environment DEV = Environments.builtIn().get("dev");
  static final Environment PROD = Environments.builtIn().get("prod");

  @Test
  void aMinimalServiceGetsTheObjectsItNeedsAndNoMore() {
    List<HasMetadata> dev = Renderer.render(app("port: 8080"), DEV);
    assertThat(kinds(dev)).containsExactly("Namespace", "ServiceAccount", "Deployment", "Service",
        "NetworkPolicy");
    List<HasMetadata> prod = Renderer.render(app("port: 8080"), PROD);
    assertThat(kinds(prod)).containsExactly("Namespace", "ServiceAccount", "Deployment",
        "Service", "NetworkPolicy", "PodDisruptionBudget", "ServiceMonitor");
  }

  @Test
  void prodRaisesReplicasToItsFloorButAParkedServiceStaysAtZero() {
    assertThat(only(Renderer.render(app("port: 8080"), PROD), Deployment.class).getSpec()
        .getReplicas()).isEqualTo(2);
    assertThat(only(Renderer.render(app("port: 8080\nreplicas: 0"), PROD), Deployment.class)
        .getSpec().getReplicas()).isZero();
    assertThat(only(Renderer.render(app("port: 8080\ntier: critical"), DEV), Deployment.class)
        .getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void autoscalingLeavesReplicasToTheAutoscalerAndRaisesItsMinimumToTheFloor() {
    List<HasMetadata> out = Renderer.render(app("port: 8080\nautoscale: {min: 1, max: 5}"), PROD);
    assertThat(only(out, Deployment.class).getSpec().getReplicas()).isNull();
    HorizontalPodAutoscaler hpa = only(out, HorizontalPodAutoscaler.class);
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget()
        .getAverageUtilization()).isEqualTo(70);
    assertThat(kinds(out)).contains("PodDisruptionBudget");
  }

  @Test
  void overridesReplaceFieldsForOneEnvironmentOnly() {
    String spec = """
        port: 8080
        env: {LOG_LEVEL: info, MODE: normal}
        overrides:
          prod:
            image: registry.example.com/payments/checkout:1.5.0
            replicas: 4
            env: {LOG_LEVEL: warn}
        """;
    Deployment prod = only(Renderer.render(app(spec), PROD), Deployment.class);
    Deployment dev = only(Renderer.render(app(spec), DEV), Deployment.class);
    assertThat(prod.getSpec().getReplicas()).isEqualTo(4);
    assertThat(prod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/version", "1.5.0");
    assertThat(env(prod)).containsEntry("LOG_LEVEL", "warn").containsEntry("MODE", "normal");
    assertThat(dev.getSpec().getReplicas()).isEqualTo(1);
    assertThat(env(dev)).containsEntry("LOG_LEVEL", "info");
    assertThat(dev.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .endsWith(":1.4.2");
  }

  @Test
  void secretsAreReferencedNeverCopied() {
    Deployment d = only(Renderer.render(app("port: 8080\nenv: {DB_PASSWORD: {secret: db, key:"
        + " password}}"), DEV), Deployment.class);
    EnvVar v = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("DB_PASSWORD")).findFirst().orElseThrow();
    assertThat(v.getValue()).isNull();
    assertThat(v.getValueFrom().getSecretKeyRef().getName()).isEqualTo("db");
    assertThat(v.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
  }

  @Test
  void aConfigChangeChangesThePodTemplateSoPodsRestart() {
    Deployment a = only(Renderer.render(app("port: 8080\nconfig: {files: {app.conf: a=1}}"),
        DEV), Deployment.class);
    Deployment b = only(Renderer.render(app("port: 8080\nconfig: {files: {app.conf: a=2}}"),
        DEV), Deployment.class);
    String hashA = a.getSpec().getTemplate().getMetadata().getAnnotations()
        .get("pave.dev/config-hash");
    assertThat(hashA).hasSize(16);
    assertThat(b.getSpec().getTemplate().getMetadata().getAnnotations())
        .doesNotContainEntry("pave.dev/config-hash", hashA);
    ConfigMap cm = only(Renderer.render(app("port: 8080\nconfig: {files: {app.conf: a=1}}"), DEV),
        ConfigMap.class);
    assertThat(cm.getData()).containsEntry("app.conf", "a=1");
    assertThat(a.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
        .anySatisfy(m -> {
          assertThat(m.getMountPath()).isEqualTo("/etc/checkout");
          assertThat(m.getReadOnly()).isTrue();
        });
  }

  @Test
  void aGatewayEnvironmentGetsAnHttpRouteInsteadOfAnIngress() {
    Environment gw = Specs.env("""
        apiVersion: pave.dev/v1alpha1
        kind: Environment
        metadata: {name: edge}
        spec:
          domain: edge.example.com
          gateway: {name: public, namespace: gateway-system, listener: https}
        """);
    List<HasMetadata> out = Renderer.render(app("port: 8080\nexpose: public"), gw);
    assertThat(kinds(out)).doesNotContain("Ingress").contains("HTTPRoute");
    GenericKubernetesResource route = (GenericKubernetesResource) out.stream()
        .filter(o -> o.getKind().equals("HTTPRoute")).findFirst().orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) route.getAdditionalProperties().get("spec");
    assertThat(spec.get("hostnames")).isEqualTo(List.of("checkout.edge.example.com"));
    assertThat(Manifests.yaml(route)).contains("sectionName: https")
        .contains("namespace: gateway-system");
  }

  @Test
  void aTlsIssuerAddsCertificateAnnotationsAndTls() {
    Environment tls = Specs.env("""
        apiVersion: pave.dev/v1alpha1
        kind: Environment
        metadata: {name: prod}
        spec: {tlsIssuer: letsencrypt}
        """);
    Environment merged = Environments.with(List.of(tls)).get("prod");
    Ingress ing = only(Renderer.render(app("port: 8080\nexpose: {type: public, host:"
        + " shop.example.com}"), merged), Ingress.class);
    assertThat(ing.getMetadata().getAnnotations())
        .containsEntry("cert-manager.io/cluster-issuer", "letsencrypt");
    assertThat(ing.getSpec().getTls().get(0).getHosts()).containsExactly("shop.example.com");
    assertThat(ing.getSpec().getRules().get(0).getHost()).isEqualTo("shop.example.com");
  }

  @Test
  void aSharedNamespaceTemplateIsNotCreatedByEachApplication() {
    Environment shared = Specs.env("""
        apiVersion: pave.dev/v1alpha1
        kind: Environment
        metadata: {name: dev}
        spec: {namespaceTemplate: "{team}-{env}"}
        """);
    List<HasMetadata> out = Renderer.render(app("port: 8080"), shared);
    assertThat(kinds(out)).doesNotContain("Namespace");
    assertThat(out).allSatisfy(o -> assertThat(o.getMetadata().getNamespace())
        .isEqualTo("payments-dev"));
  }

  @Test
  void persistentVolumesGetAClaimAndJobsGetCronJobsThatTheServiceDoesNotSelect() {
    List<HasMetadata> out = Renderer.render(app("""
        port: 8080
        volumes: [{name: data, mountPath: /data, type: persistent, size: 5Gi, storageClass: ssd}]
        jobs: [{name: cleanup, schedule: "@daily", command: [/app/cleanup]}]
        """), DEV);
    PersistentVolumeClaim pvc = only(out, PersistentVolumeClaim.class);
    assertThat(pvc.getMetadata().getName()).isEqualTo("checkout-data");
    assertThat(pvc.getSpec().getStorageClassName()).isEqualTo("ssd");
    CronJob job = only(out, CronJob.class);
    assertThat(job.getMetadata().getName()).isEqualTo("checkout-cleanup");
    assertThat(job.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
    Map<String, String> jobPodLabels = job.getSpec().getJobTemplate().getSpec().getTemplate()
        .getMetadata().getLabels();
    Map<String, String> serviceSelector = only(out, Service.class).getSpec().getSelector();
    boolean selected = serviceSelector.entrySet().stream()
        .allMatch(e -> e.getValue().equals(jobPodLabels.get(e.getKey())));
    assertThat(selected).as("the Service must not send traffic to job pods").isFalse();
  }

  @Test
  void aWorkerWithoutAPortGetsNoServiceAndCommandProbes() {
    List<HasMetadata> out = Renderer.render(app("health: {command: [/app/check]}"), PROD);
    assertThat(kinds(out)).doesNotContain("Service", "Ingress", "ServiceMonitor");
    var c = only(out, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getPorts()).isEmpty();
    assertThat(c.getReadinessProbe().getExec().getCommand()).containsExactly("/app/check");
  }

  @Test
  void aSeparateMetricsPortIsExposedToPrometheusOnly() {
    List<HasMetadata> out = Renderer.render(app("port: 8080\nmetrics: {port: 9100}"), PROD);
    assertThat(only(out, Service.class).getSpec().getPorts()).extracting(p -> p.getName())
        .containsExactly("http", "metrics");
    assertThat(Manifests.yaml(out.get(out.size() - 1))).contains("port: metrics");
  }

  @Test
  void theOutputIsPlainKubernetesWithNoPaveKinds() {
    List<HasMetadata> out = Renderer.render(app("port: 8080\nexpose: public\nautoscale: {min: 2,"
        + " max: 4}\njobs: [{name: j, schedule: \"@hourly\"}]\nconfig: {files: {a: b}}"), PROD);
    assertThat(out).allSatisfy(o -> assertThat(o.getApiVersion()).doesNotContain("pave.dev"));
  }

  private static Map<String, String> env(Deployment d) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (EnvVar e : d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
      m.put(e.getName(), e.getValue());
    }
    return m;
  }
}
