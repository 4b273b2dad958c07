package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.control.ApplicationResource;
import io.fabric8.kubernetes.api.model.Secret;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `pave operator` as a user runs it, against the in-process API through a kubeconfig: it
 * reconciles, serves metrics, and answers admission reviews over HTTPS with a certificate it
 * generated and keeps in the cluster. The in-process API cannot call webhooks, so the test
 * posts the review as the API server would.
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

        Secret tls = await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client.secrets()
            .inNamespace("pave-system").withName("pave-webhook-tls").get(), s -> s != null);
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
            .generateCertificate(new java.io.ByteArrayInputStream(Base64.getDecoder()
                .decode(tls.getData().get("ca.crt")))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(
            TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        String review = """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
             "uid":"r-1","operation":"CREATE","namespace":"shop","object":{
             "apiVersion":"v1","kind":"Pod","metadata":{"name":"debug","namespace":"shop"},
             "spec":{"containers":[{"name":"shell","image":"busybox:1.36",
             "securityContext":{"privileged":true}}]}}}}""";
        String answer = await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
            HttpClient.newBuilder().sslContext(ctx).build().send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + webhook + "/validate/workloads"))
                .POST(HttpRequest.BodyPublishers.ofString(review, StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString()).body(), b -> !b.isEmpty());
        assertThat(answer).contains("\"uid\":\"r-1\"").contains("\"allowed\":false")
            .contains("pod-security-baseline/privileged: privileged (container \\\"shell\\\""
                + " must not set securityContext.privileged=true)");
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
