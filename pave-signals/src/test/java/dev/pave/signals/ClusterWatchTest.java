package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.schema.CustomResourceDefinitions;
import dev.pave.signals.cluster.ClusterWatch;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.config.SignalsConfig;
import dev.pave.signals.intake.KubernetesEvents;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Database;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog and the Events watch on the embedded Kubernetes API: Applications,
 * ApplicationRevisions and Deployments as the operator leaves them, Events as the operator and
 * the kubelet write them. The test writes what the operator would, acting as the operator.
 */
class ClusterWatchTest {
  @TempDir Path dir;
  private TestApi api;
  private KubernetesClient client;

  private static final ResourceDefinitionContext APPS = new ResourceDefinitionContext.Builder()
      .withGroup("pave.dev").withVersion("v1alpha1").withKind("Application")
      .withPlural("applications").withNamespaced(true).build();
  private static final ResourceDefinitionContext REVS = new ResourceDefinitionContext.Builder()
      .withGroup("pave.dev").withVersion("v1alpha1").withKind("ApplicationRevision")
      .withPlural("applicationrevisions").withNamespaced(true).build();

  @BeforeEach
  void cluster() {
    api = TestApi.start().namespaces("pave-apps", "payments")
        .define(CustomResourceDefinitions.application(),
            CustomResourceDefinitions.applicationRevision());
    client = api.client;
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private void application() {
    GenericKubernetesResource app = new GenericKubernetesResourceBuilder()
        .withApiVersion("pave.dev/v1alpha1").withKind("Application").withNewMetadata()
        .withName("checkout").withNamespace("pave-apps")
        .addToLabels("pave.dev/environment", "prod").endMetadata()
        .addToAdditionalProperties("spec", Map.of("team", "payments", "image",
            "registry.example.com/payments/checkout:1.4.2", "owner", "ana@example.com",
            "onCall", "pagerduty:payments-primary", "runbook",
            "https://runbooks.example.com/checkout", "tier", "critical"))
        .build();
    client.genericKubernetesResources(APPS).inNamespace("pave-apps").resource(app).create();
    client.apps().deployments().inNamespace("payments").resource(new DeploymentBuilder()
        .withNewMetadata().withName("checkout").withNamespace("payments")
        .addToLabels("app.kubernetes.io/instance", "checkout-prod")
        .addToLabels("app.kubernetes.io/managed-by", "pave")
        .addToLabels("app.kubernetes.io/version", "1.4.2").endMetadata().withNewSpec()
        .withNewSelector().addToMatchLabels("app", "checkout").endSelector().withNewTemplate()
        .withNewMetadata().addToLabels("app", "checkout").endMetadata().withNewSpec()
        .addNewContainer().withName("app").withImage("registry.example.com/payments/checkout:1.4.2")
        .endContainer().endSpec().endTemplate().endSpec().build()).create();
  }

  private void revision(int n, String by, Instant at) {
    client.genericKubernetesResources(REVS).inNamespace("payments").resource(
        new GenericKubernetesResourceBuilder().withApiVersion("pave.dev/v1alpha1")
            .withKind("ApplicationRevision").withNewMetadata().withName("checkout-prod-" + n)
            .withNamespace("payments").endMetadata()
            .addToAdditionalProperties("spec", Map.of("application", "checkout",
                "environment", "prod", "number", n, "hash", "h" + n, "objects", "x",
                "changedBy", by, "createdAt", at.toString()))
            .build()).create();
  }

  @Test
  void kubernetes_and_operator_events_become_enriched_timeline_entries() throws Exception {
    application();
    Instant now = Instant.now();
    revision(1, "ben", now.minus(Duration.ofDays(3)));
    revision(2, "ana", now.minus(Duration.ofMinutes(10)));
    var r = ConfigReader.read("signals.yaml", """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake: {port: 0}
        catalog:
          kubernetes: {cluster: prod-eu-1, namespaces: [payments, pave-apps]}
        """, dir);
    assertThat(r.problems()).isEmpty();
    SignalsConfig cfg = r.config();
    try (Database db = Postgres.fresh();
        Pipeline pipeline = Pipeline.start(cfg, db, Clock.systemUTC(), l -> { })) {
      ClusterWatch watch = new ClusterWatch(api.newClient(), cfg.catalog().kubernetes(),
          List.of(), pipeline::catalog, pipeline.ingest()::submit, Clock.systemUTC(), l -> { })
          .start();
      pipeline.attach(watch);
      await().atMost(Duration.ofSeconds(10)).until(() ->
          pipeline.catalog().find("checkout", "prod") != null);
      var entry = pipeline.catalog().find("checkout", "prod");
      assertThat(entry.namespace()).isEqualTo("payments");
      assertThat(entry.version()).isEqualTo("1.4.2");
      assertThat(entry.onCall()).isEqualTo("pagerduty:payments-primary");
      assertThat(entry.current().number()).isEqualTo(2);

      // The kubelet reports a crash loop of one of the application's pods.
      client.v1().events().inNamespace("payments").resource(new EventBuilder().withNewMetadata()
          .withName("checkout-7d9f8b6c5-x2k4q.1").withNamespace("payments").endMetadata()
          .withNewInvolvedObject().withKind("Pod").withName("checkout-7d9f8b6c5-x2k4q")
          .withNamespace("payments").endInvolvedObject().withReason("BackOff")
          .withMessage("Back-off restarting failed container").withType("Warning")
          .withNewSource().withComponent("kubelet").endSource()
          .withLastTimestamp(now.minusSeconds(30).toString()).withCount(1).build()).create();
      // The operator (acting as it here) records revision 3 and reports the rollback to 2.
      revision(3, "auto-rollback", now.minusSeconds(5));
      await().atMost(Duration.ofSeconds(10)).until(() ->
          pipeline.catalog().find("checkout", "prod").current().number() == 3);
      client.v1().events().inNamespace("pave-apps").resource(new EventBuilder().withNewMetadata()
          .withName("checkout.rb").withNamespace("pave-apps")
          .addToAnnotations(KubernetesEvents.APP, "checkout")
          .addToAnnotations(KubernetesEvents.ENVIRONMENT, "prod")
          .addToAnnotations(KubernetesEvents.REVISION, "3")
          .addToAnnotations(KubernetesEvents.CHANGED_BY, "auto-rollback").endMetadata()
          .withNewInvolvedObject().withApiVersion("pave.dev/v1alpha1").withKind("Application")
          .withName("checkout").withNamespace("pave-apps").endInvolvedObject()
          .withReason("AutoRolledBack").withMessage("rolled back to revision 2").withType("Warning")
          .withNewSource().withComponent("pave-operator").endSource()
          .withLastTimestamp(now.toString()).withCount(1).build()).create();

      await().atMost(Duration.ofSeconds(10)).until(() ->
          pipeline.store().timeline("checkout", "prod", now.minusSeconds(3600), 100).size() == 2);
      var items = pipeline.store().timeline("checkout", "prod", now.minusSeconds(3600), 100);
      assertThat(items.get(0)).containsEntry("type", "kubernetes-event")
          .containsEntry("title", "BackOff").containsEntry("enrichment", "complete");
      assertThat(items.get(1)).containsEntry("type", "rollback")
          .containsEntry("title", "AutoRolledBack").containsEntry("severity", "high");
      var journal = pipeline.store().count("select count(*) from journal where notice like"
          + " '%\"lastDeployBy\":\"auto-rollback\"%' and type = 'rollback'");
      assertThat(journal).isEqualTo(1);
    }
  }
}
