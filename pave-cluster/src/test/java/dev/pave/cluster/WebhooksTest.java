package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Admission webhooks called over HTTP, answered as the real server applies their replies. */
class WebhooksTest {
  private Cluster cluster;
  private AuthHttp http;
  private HttpServer hooks;
  private final List<JsonNode> reviews = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    hooks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    hooks.createContext("/", ex -> {
      JsonNode review = Json.parse(ex.getRequestBody().readAllBytes());
      reviews.add(review);
      String uid = review.path("request").path("uid").asText();
      String path = ex.getRequestURI().getPath();
      String response = switch (path) {
        case "/deny" -> "{\"uid\":\"" + uid + "\",\"allowed\":false,\"status\":{\"code\":403,"
            + "\"reason\":\"Forbidden\",\"message\":\"tx policy: no\"}}";
        case "/deny-plain" -> "{\"uid\":\"" + uid + "\",\"allowed\":false}";
        case "/warn" -> "{\"uid\":\"" + uid + "\",\"allowed\":true,\"warnings\":[\"first\","
            + "\"second\"]}";
        case "/mutate" -> "{\"uid\":\"" + uid + "\",\"allowed\":true,\"patchType\":"
            + "\"JSONPatch\",\"patch\":\"" + Base64.getEncoder().encodeToString(
                "[{\"op\":\"add\",\"path\":\"/metadata/labels/mutated\",\"value\":\"yes\"}]"
                    .getBytes(StandardCharsets.UTF_8)) + "\"}";
        default -> "{\"uid\":\"" + uid + "\",\"allowed\":true}";
      };
      byte[] body = path.equals("/bad") ? "\"nonsense\"".getBytes(StandardCharsets.UTF_8)
          : ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
              + "\"response\":" + response + "}").getBytes(StandardCharsets.UTF_8);
      if (path.equals("/slow")) {
        try {
          Thread.sleep(3000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    hooks.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    hooks.start();
    cluster = Cluster.start();
    http = new AuthHttp(cluster);
    http.namespace("tx-adm", "{\"tx-adm\":\"yes\"}");
    http.namespace("tx-plain", null);
    String base = "http://127.0.0.1:" + hooks.getAddress().getPort();
    StringBuilder validating = new StringBuilder();
    for (String[] h : new String[][] {{"allow", "Fail", "5"}, {"deny", "Fail", "5"},
        {"deny-plain", "Fail", "5"}, {"warn", "Fail", "5"}, {"slow", "Fail", "1"},
        {"bad", "Fail", "5"}}) {
      validating.append(validating.length() == 0 ? "" : ",").append(hook(h[0], base + "/"
          + h[0], h[1], h[2]));
    }
    validating.append(",").append(hook("down", "http://127.0.0.1:1/down", "Ignore", "2"));
    assertThat(http.admin("POST", "/apis/admissionregistration.k8s.io/v1/"
        + "validatingwebhookconfigurations", "{\"metadata\":{\"name\":\"v\"},\"webhooks\":["
        + validating + "]}").status()).isEqualTo(201);
    assertThat(http.admin("POST", "/apis/admissionregistration.k8s.io/v1/"
        + "mutatingwebhookconfigurations", "{\"metadata\":{\"name\":\"m\"},\"webhooks\":["
        + hook("mutate", base + "/mutate", "Fail", "5") + "]}").status()).isEqualTo(201);
  }

  private static String hook(String name, String url, String policy, String timeout) {
    return "{\"name\":\"" + name + ".tx.example.com\",\"clientConfig\":{\"url\":\"" + url
        + "\"},\"rules\":[{\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"operations\":["
        + "\"CREATE\",\"UPDATE\",\"DELETE\"],\"resources\":[\"configmaps\"],\"scope\":"
        + "\"Namespaced\"}],\"namespaceSelector\":{\"matchLabels\":{\"tx-adm\":\"yes\"}},"
        + "\"objectSelector\":{\"matchLabels\":{\"hook\":\"" + name + "\"}},\"failurePolicy\":\""
        + policy + "\",\"sideEffects\":\"None\",\"admissionReviewVersions\":[\"v1\"],"
        + "\"timeoutSeconds\":" + timeout + "}";
  }

  @AfterEach
  void stop() {
    cluster.close();
    hooks.stop(0);
  }

  private AuthHttp.Answer create(String ns, String name, String hook) {
    return http.admin("POST", "/api/v1/namespaces/" + ns + "/configmaps", "{\"metadata\":{"
        + "\"name\":\"" + name + "\",\"labels\":{\"hook\":\"" + hook + "\"}},\"data\":{\"k\":"
        + "\"v\"}}");
  }

  @Test
  void reviewsCarryTheWriteAndDeletesAreReviewedToo() {
    assertThat(create("tx-adm", "a1", "allow").status()).isEqualTo(201);
    JsonNode req = reviews.get(0).path("request");
    assertThat(reviews.get(0).path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(req.path("operation").asText()).isEqualTo("CREATE");
    assertThat(req.path("resource").toString()).isEqualTo("{\"group\":\"\",\"version\":\"v1\","
        + "\"resource\":\"configmaps\"}");
    assertThat(req.path("object").path("metadata").path("uid").asText()).isNotEmpty();
    assertThat(req.path("oldObject").isNull()).isTrue();
    assertThat(req.path("options").path("kind").asText()).isEqualTo("CreateOptions");
    assertThat(http.admin("DELETE", "/api/v1/namespaces/tx-adm/configmaps/a1", null).status())
        .isEqualTo(200);
    JsonNode del = reviews.get(1).path("request");
    assertThat(del.path("operation").asText()).isEqualTo("DELETE");
    assertThat(del.path("object").isNull()).isTrue();
    assertThat(del.path("oldObject").path("metadata").path("name").asText()).isEqualTo("a1");
  }

  @Test
  void namespaceSelectorKeepsOtherNamespacesOut() {
    assertThat(create("tx-plain", "d0", "deny").status()).isEqualTo(201);
    assertThat(reviews).isEmpty();
  }

  @Test
  void denialsAnswerWithTheWebhooksStatus() {
    AuthHttp.Answer deny = create("tx-adm", "d1", "deny");
    assertThat(deny.status()).isEqualTo(403);
    assertThat(deny.message()).isEqualTo("admission webhook \"deny.tx.example.com\" denied the "
        + "request: tx policy: no");
    assertThat(deny.body().path("reason").asText()).isEqualTo("Forbidden");
    AuthHttp.Answer plain = create("tx-adm", "d2", "deny-plain");
    assertThat(plain.status()).isEqualTo(400);
    assertThat(plain.body().has("reason")).isFalse();
    assertThat(plain.message()).isEqualTo("admission webhook \"deny-plain.tx.example.com\" "
        + "denied the request without explanation");
    assertThat(http.admin("GET", "/api/v1/namespaces/tx-adm/configmaps/d1", null).status())
        .isEqualTo(404);
  }

  @Test
  void warningsAndPatchesReachTheClient() {
    AuthHttp.Answer warned = create("tx-adm", "w1", "warn");
    assertThat(warned.status()).isEqualTo(201);
    assertThat(warned.warnings()).containsExactly("299 - \"first\"", "299 - \"second\"");
    AuthHttp.Answer mutated = create("tx-adm", "m1", "mutate");
    assertThat(mutated.body().path("metadata").path("labels").path("mutated").asText())
        .isEqualTo("yes");
    JsonNode sent = reviews.get(reviews.size() - 1).path("request").path("object");
    assertThat(sent.path("metadata").has("uid")).isFalse();
  }

  @Test
  void failuresFollowFailurePolicy() {
    AuthHttp.Answer slow = create("tx-adm", "s1", "slow");
    assertThat(slow.status()).isEqualTo(500);
    String port = Integer.toString(hooks.getAddress().getPort());
    assertThat(slow.message()).isEqualTo("Internal error occurred: failed calling webhook "
        + "\"slow.tx.example.com\": failed to call webhook: Post \"http://127.0.0.1:" + port
        + "/slow?timeout=1s\": context deadline exceeded");
    assertThat(slow.body().path("reason").asText()).isEqualTo("InternalError");
    assertThat(create("tx-adm", "x2", "down").status()).isEqualTo(201);
    AuthHttp.Answer bad = create("tx-adm", "x3", "bad");
    assertThat(bad.status()).isEqualTo(500);
    assertThat(bad.message()).contains("json: cannot unmarshal string into Go value of type "
        + "struct { APIVersion string");
  }
}
