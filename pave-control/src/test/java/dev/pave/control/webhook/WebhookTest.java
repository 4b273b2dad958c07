package dev.pave.control.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pave.policy.BuiltInPacks;
import dev.pave.policy.PolicyEngine;
import dev.pave.policy.Severity;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admission webhook over real HTTPS with its generated certificates, the CA bundle written
 * into the webhook configuration on the in-process API (which stores webhook configurations but
 * never calls them, so the test plays the API server and posts the reviews itself).
 */
class WebhookTest {
  static final ObjectMapper JSON = new ObjectMapper();
  dev.pave.control.TestCluster api;
  KubernetesClient client;
  WebhookServer webhook;
  CertificateKeeper keeper;
  MutableClock clock = new MutableClock(Instant.now());
  List<String> denied = new ArrayList<>();

  static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @BeforeEach
  void start() throws Exception {
    api = dev.pave.control.TestCluster.start().namespaces("pave-system");
    client = api.client;
    client.resource(new ValidatingWebhookConfigurationBuilder().withNewMetadata()
        .withName("pave").endMetadata().addNewWebhook().withName("workloads.pave.dev")
        .withNewClientConfig().withNewService().withName("pave-webhook")
        .withNamespace("pave-system").withPath("/validate/workloads").endService()
        .endClientConfig().withAdmissionReviewVersions("v1").withSideEffects("None")
        .endWebhook().build()).create();
    keeper = new CertificateKeeper(client, "pave-system", "pave-webhook-tls", "pave-webhook",
        List.of("127.0.0.1"), List.of("pave"), Rotation.DEFAULT, clock);
    keeper.refresh();
    PolicyEngine engine = PolicyEngine.build(BuiltInPacks.select(BuiltInPacks.all(),
        BuiltInPacks.NAMES), Map.of()).engine();
    Reviews reviews = new Reviews(engine, List.of(), Severity.HIGH, Set.of("kube-system"),
        clock, a -> denied.add(String.valueOf(a.decision().review())));
    webhook = new WebhookServer("127.0.0.1", 0, keeper::current, Map.of(
        "/validate/workloads", reviews::workload,
        "/validate/pave", reviews::paveResource,
        "/mutate/applications", reviews::stampUser), 2);
  }

  @AfterEach
  void stop() {
    webhook.close();
    api.close();
  }

  /** An HTTPS client that trusts exactly the CA bundle in the webhook configuration. */
  HttpClient apiServer() throws Exception {
    ValidatingWebhookConfiguration c = client.admissionRegistration().v1()
        .validatingWebhookConfigurations().withName("pave").get();
    String bundle = new String(Base64.getDecoder().decode(c.getWebhooks().get(0)
        .getClientConfig().getCaBundle()), StandardCharsets.UTF_8);
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int i = 0;
    for (X509Certificate ca : Certificates.certificates(bundle)) {
      trust.setCertificateEntry("ca" + i++, ca);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(tls).build();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> post(String path, Map<String, Object> review) throws Exception {
    HttpResponse<String> r = apiServer().send(HttpRequest.newBuilder(URI.create(
        "https://127.0.0.1:" + webhook.port() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(review))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return (Map<String, Object>) JSON.readValue(r.body(), Map.class).get("response");
  }

  static Map<String, Object> review(String namespace, Map<String, Object> object) {
    Map<String, Object> request = new HashMap<>();
    request.put("uid", "u-1");
    request.put("operation", "CREATE");
    request.put("namespace", namespace);
    request.put("object", object);
    request.put("userInfo", Map.of("username", "ana@example.com"));
    return Map.of("apiVersion", "admission.k8s.io/v1", "kind", "AdmissionReview",
        "request", request);
  }

  static Map<String, Object> privilegedPod() {
    return Map.of("apiVersion", "v1", "kind", "Pod",
        "metadata", Map.of("name", "debug", "namespace", "shop"),
        "spec", Map.of("containers", List.of(Map.of("name", "shell", "image", "busybox:1.36",
            "securityContext", Map.of("privileged", true)))));
  }

  @Test
  void aPrivilegedPodIsDeniedWithThePolicyEnginesMessage() throws Exception {
    Map<String, Object> response = post("/validate/workloads", review("shop", privilegedPod()));
    assertThat(response).containsEntry("uid", "u-1").containsEntry("allowed", false);
    assertThat(String.valueOf(((Map<?, ?>) response.get("status")).get("message")))
        .startsWith("denied by Pave policy: ")
        .contains("pod-security-baseline/privileged: privileged (container \"shell\" must not"
            + " set securityContext.privileged=true)");
    assertThat(denied).hasSize(1);
  }

  @Test
  void excludedNamespacesAreAllowedWithoutEvaluation() throws Exception {
    assertThat(post("/validate/workloads", review("kube-system", privilegedPod())))
        .containsEntry("allowed", true);
    assertThat(denied).isEmpty();
  }

  @Test
  void anInvalidApplicationIsRefusedWithTheFieldAndWhatWouldBeValid() throws Exception {
    Map<String, Object> app = Map.of("apiVersion", "pave.dev/v1alpha1", "kind", "Application",
        "metadata", Map.of("name", "checkout"), "spec", Map.of("team", "payments",
            "image", "registry.example.com/payments/checkout:1.4.2", "replcas", 3));
    Map<String, Object> response = post("/validate/pave", review("apps", app));
    assertThat(response).containsEntry("allowed", false);
    assertThat(String.valueOf(((Map<?, ?>) response.get("status")).get("message")))
        .startsWith("Application apps/checkout is not valid: spec.replcas: unknown field"
            + " \"replcas\"; did you mean \"replicas\"? Valid fields here: team, image, port,");
  }

  @Test
  void anApplicationIsStampedWithTheUserTheApiServerAuthenticated() throws Exception {
    Map<String, Object> app = Map.of("apiVersion", "pave.dev/v1alpha1", "kind", "Application",
        "metadata", Map.of("name", "checkout", "annotations", Map.of("a", "b")),
        "spec", Map.of());
    Map<String, Object> response = post("/mutate/applications", review("apps", app));
    assertThat(response).containsEntry("patchType", "JSONPatch");
    assertThat(new String(Base64.getDecoder().decode((String) response.get("patch")),
        StandardCharsets.UTF_8)).isEqualTo("[{\"op\":\"add\",\"path\":\"/metadata/annotations/"
            + "pave.dev~1requested-by\",\"value\":\"ana@example.com\"}]");
  }

  /**
   * The certificate the server presents. The rotation tests move the clock years ahead, which
   * the TLS stack's own validity check would refuse, so this handshake trusts anything and the
   * tests verify the chain against the bundle themselves.
   */
  X509Certificate presented() throws Exception {
    javax.net.ssl.TrustManager[] any = {new javax.net.ssl.X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }};
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, any, null);
    HttpResponse<String> r = HttpClient.newBuilder().sslContext(tls).build().send(HttpRequest.newBuilder(URI.create(
        "https://127.0.0.1:" + webhook.port() + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
    SSLSession s = r.sslSession().orElseThrow();
    return (X509Certificate) s.getPeerCertificates()[0];
  }

  @Test
  void theServingCertificateNamesTheServiceAndIsRenewedWithoutARestart() throws Exception {
    X509Certificate first = presented();
    assertThat(first.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))))
        .contains("pave-webhook.pave-system.svc", "pave-webhook.pave-system.svc.cluster.local");
    assertThat(keeper.refresh()).isEqualTo(Rotation.Action.KEEP);
    clock.now = clock.now.plus(Duration.ofDays(61)); // two thirds of 90 days gone
    assertThat(keeper.refresh()).isEqualTo(Rotation.Action.NEW_SERVING_CERTIFICATE);
    X509Certificate second = presented();
    assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
    second.verify(Certificates.certificates(keeper.caBundle()).get(0).getPublicKey());
    assertThat(second.getIssuerX500Principal()).isEqualTo(first.getIssuerX500Principal());
  }

  @Test
  void aNewAuthorityIsTrustedAlongsideTheOldOneUntilTheOldExpires() throws Exception {
    X509Certificate oldCa = Certificates.certificates(keeper.caBundle()).get(0);
    clock.now = clock.now.plus(Duration.ofDays(4 * 365)); // past two thirds of five years
    assertThat(keeper.refresh()).isEqualTo(Rotation.Action.TRUST_NEW_AUTHORITY);
    // The new CA is trusted first; the old one still signs what the server presents.
    assertThat(Certificates.certificates(keeper.caBundle())).hasSize(2).first().isEqualTo(oldCa);
    presented().verify(oldCa.getPublicKey());
    clock.now = clock.now.plus(Duration.ofMinutes(5));
    assertThat(keeper.refresh()).isEqualTo(Rotation.Action.KEEP);
    clock.now = clock.now.plus(CertificateKeeper.TAKE_OVER);
    assertThat(keeper.refresh()).isEqualTo(Rotation.Action.NEW_AUTHORITY);
    List<X509Certificate> bundle = Certificates.certificates(keeper.caBundle());
    assertThat(bundle).hasSize(2).element(1).isEqualTo(oldCa);
    assertThat(presented().getIssuerX500Principal()).isEqualTo(bundle.get(0)
        .getSubjectX500Principal());
    presented().verify(bundle.get(0).getPublicKey());
    clock.now = clock.now.plus(Duration.ofDays(366)); // the old CA has expired
    keeper.refresh();
    assertThat(Certificates.certificates(keeper.caBundle())).hasSize(1);
  }

  @Test
  void anotherReplicaUsesTheCertificatesTheFirstOneWrote() {
    CertificateKeeper second = new CertificateKeeper(client, "pave-system", "pave-webhook-tls",
        "pave-webhook", List.of("127.0.0.1"), List.of("pave"), Rotation.DEFAULT, clock);
    assertThat(second.refresh()).isEqualTo(Rotation.Action.KEEP);
    assertThat(second.current().certificate()).isEqualTo(keeper.current().certificate());
  }

  @Test
  @SuppressWarnings("unchecked")
  void metadataOnlyWritesPassEvenWhenTheSpecNoLongerValidates() throws Exception {
    Map<String, Object> spec = Map.of("team", "payments", "replcas", 3);
    Map<String, Object> before = Map.of("apiVersion", "pave.dev/v1alpha1", "kind", "Application",
        "metadata", Map.of("name", "checkout"), "spec", spec);
    Map<String, Object> after = Map.of("apiVersion", "pave.dev/v1alpha1", "kind", "Application",
        "metadata", Map.of("name", "checkout", "finalizers", List.of("applications.pave.dev")),
        "spec", spec);
    Map<String, Object> review = review("apps", after);
    Map<String, Object> request = new HashMap<>((Map<String, Object>) review.get("request"));
    request.put("operation", "UPDATE");
    request.put("oldObject", before);
    Map<String, Object> update = Map.of("apiVersion", "admission.k8s.io/v1",
        "kind", "AdmissionReview", "request", request);
    // A finalizer added by the operator: allowed, so the object can be reconciled and deleted.
    assertThat(post("/validate/pave", update)).containsEntry("allowed", true);
    // Nor does it take the authorship of the spec from whoever wrote it.
    assertThat(post("/mutate/applications", update)).doesNotContainKey("patch");
  }

  @Test
  void suppliedCertificatesAreReadWithTheirChainAndAgainWhenTheyChange() throws Exception {
    Instant now = Instant.now();
    Certificates.Issued root = Certificates.authority("root", now, Duration.ofDays(30));
    Certificates.Issued intermediate = Certificates.serving(root, List.of("intermediate"), now,
        Duration.ofDays(30));
    Certificates.Issued leaf = Certificates.serving(root, List.of("127.0.0.1"), now,
        Duration.ofDays(30));
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("tls");
    java.nio.file.Files.writeString(dir.resolve("tls.crt"), leaf.certificatePem()
        + intermediate.certificatePem());
    java.nio.file.Files.writeString(dir.resolve("tls.key"), leaf.keyPem());
    CertificateFiles files = new CertificateFiles(dir);
    assertThat(files.get().chain()).containsExactly(leaf.certificate(),
        intermediate.certificate());
    Certificates.Issued renewed = Certificates.serving(root, List.of("127.0.0.1"), now,
        Duration.ofDays(30));
    java.nio.file.Files.writeString(dir.resolve("tls.crt"), renewed.certificatePem());
    java.nio.file.Files.writeString(dir.resolve("tls.key"), renewed.keyPem());
    java.nio.file.Files.setLastModifiedTime(dir.resolve("tls.crt"),
        java.nio.file.attribute.FileTime.from(now.plusSeconds(5)));
    assertThat(files.get().certificate()).isEqualTo(renewed.certificate());
  }
}
