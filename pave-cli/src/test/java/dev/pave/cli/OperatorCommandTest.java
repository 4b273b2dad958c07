package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.control.ApplicationResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `pave operator` as a user runs it, against the embedded API through a kubeconfig: it
 * reconciles, serves metrics, and answers the API server's admission reviews over HTTPS with a
 * certificate it generated, keeps in the cluster and writes into the webhook configuration.
 */
class OperatorCommandTest {
  @TempDir Path tmp;

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void theOperatorReconcilesServesMetricsAndRefusesAPrivilegedPod() throws Exception {
    try (InProcessCluster cluster = new InProcessCluster(tmp, InProcessCluster.paveCrds())) {
      int health = freePort();
      int webhook = freePort();
      // As the install leaves it, with the webhook registered by URL: pods only here, so the
      // operator's own Deployments do not wait for the webhook to come up.
      cluster.namespace("pave-system");
      cluster.namespace("shop");
      cluster.client.resource(new ValidatingWebhookConfigurationBuilder().withNewMetadata()
          .withName("pave").endMetadata().addNewWebhook().withName("workloads.pave.dev")
          .withAdmissionReviewVersions("v1").withSideEffects("None").withFailurePolicy("Fail")
          .withTimeoutSeconds(5).withNewClientConfig()
          .withUrl("https://127.0.0.1:" + webhook + "/validate/workloads").endClientConfig()
          .withNewNamespaceSelector().addNewMatchExpression()
          .withKey("kubernetes.io/metadata.name").withOperator("NotIn")
          .withValues("kube-system", "pave-system").endMatchExpression().endNamespaceSelector()
          .addNewRule().withApiGroups("").withApiVersions("v1").withOperations("CREATE")
          .withResources("pods").endRule().endWebhook().build()).create();
      AtomicReference<Cli> result = new AtomicReference<>();
      Thread run = new Thread(() -> result.set(Cli.run("operator", "-e", "dev",
          "--kubeconfig", cluster.kubeconfig.toString(), "--health-port", String.valueOf(health),
          "--webhook-port", String.valueOf(webhook), "--webhook-namespace", "pave-system",
          "--webhook-host", "127.0.0.1", "--log-format", "text", "--log-level", "warn")));
      run.start();
      try {
        ApplicationResource app = new ApplicationResource();
        app.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("checkout").withNamespace("apps").build());
        app.setSpec(Map.of("team", "payments", "image",
            "registry.example.com/payments/checkout:1.4.2", "port", 8080));
        cluster.client.resource(app).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.client.apps().deployments()
            .inNamespace("checkout-dev").withName("checkout").get() != null);

        HttpClient plain = HttpClient.newHttpClient();
        String metrics = await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
            plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body(),
            b -> b.contains("pave_applies_total"));
        assertThat(metrics).contains("pave_reconcile_queue_depth");

        // The API server calls the webhook by URL with the CA bundle the operator wrote into
        // the configuration, as when the operator runs outside the cluster.
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client.admissionRegistration()
            .v1().validatingWebhookConfigurations().withName("pave").get().getWebhooks().get(0)
            .getClientConfig().getCaBundle() != null);
        Pod privileged = new PodBuilder().withNewMetadata().withName("debug").withNamespace("shop")
            .endMetadata().withNewSpec().addNewContainer().withName("shell")
            .withImage("busybox:1.36").withNewSecurityContext().withPrivileged(true)
            .endSecurityContext().endContainer().endSpec().build();
        KubernetesClientException refused = await().atMost(Duration.ofSeconds(10)).until(() -> {
          try {
            cluster.client.pods().resource(privileged).create();
            return null;
          } catch (KubernetesClientException e) {
            return e;
          }
        }, e -> e != null && e.getCode() == 403);
        assertThat(refused.getStatus().getMessage())
            .startsWith("admission webhook \"workloads.pave.dev\" denied the request")
            .contains("pod-security-baseline/privileged: privileged (container \"shell\""
                + " must not set securityContext.privileged=true)");
        assertThat(cluster.client.pods().inNamespace("shop").withName("debug").get()).isNull();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cluster.client
            .v1().events().inNamespace("shop").list().getItems()).anySatisfy(e -> {
              assertThat(e.getReason()).isEqualTo("AdmissionDenied");
              assertThat(e.getInvolvedObject().getName()).isEqualTo("debug");
              assertThat(e.getMessage()).contains("pod-security-baseline/privileged");
            }));
      } finally {
        run.interrupt();
        run.join(20_000);
      }
      assertThat(run.isAlive()).isFalse();
      assertThat(result.get().exit()).as(result.get().err()).isZero();
      assertThat(result.get().err()).contains("pave operator running for environment dev")
          .contains("admission webhook on port " + webhook);
    }
  }

  @Test
  void readinessSaysWhenTheApiServerCannotBeReached() throws Exception {
    InProcessCluster cluster = new InProcessCluster(tmp, InProcessCluster.paveCrds());
    int health = freePort();
    AtomicReference<Cli> result = new AtomicReference<>();
    Thread run = new Thread(() -> result.set(Cli.run("operator", "-e", "dev",
        "--kubeconfig", cluster.kubeconfig.toString(), "--health-port", String.valueOf(health),
        "--log-level", "warn")));
    run.start();
    HttpClient plain = HttpClient.newHttpClient();
    java.util.function.IntSupplier ready = () -> {
      try {
        return plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health
            + "/readyz")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (Exception e) {
        return -1;
      }
    };
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> ready.getAsInt() == 200);
      cluster.close(); // the API server goes away
      await().atMost(Duration.ofSeconds(30)).until(() -> ready.getAsInt() == 503);
      assertThat(plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health
          + "/healthz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .as("the process itself is alive").isEqualTo(200);
    } finally {
      run.interrupt();
      run.join(20_000);
    }
    assertThat(run.isAlive()).isFalse();
  }
}
