package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The admission webhook server the recorder ran at https://127.0.0.1:9443, stood up again so
 * that a replay's webhook configurations reach a real HTTPS endpoint. It answers each
 * AdmissionReview as the recorded server did and keeps what the embedded API POSTed, so that
 * the recorded reviews ("(webhook) /allow" entries) can be compared with the ones sent here.
 *
 * <p>Where the recording holds the webhook's reply (a "(webhook)" entry), that reply is sent
 * back with the review's uid echoed. The other endpoints' replies are not recorded as
 * exchanges; they are what the client-visible answers of admission.json show the webhook
 * said: a denial with a Status, one without, a 422 denial, two warnings, a reply slower than
 * the 2 s timeout, and a body that is not an AdmissionReview.
 */
final class RecordedWebhook implements AutoCloseable {
  static final int PORT = 9443;

  private final HttpsServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "recorded-webhook");
    t.setDaemon(true);
    return t;
  });
  private final String caBundle;
  /** Recorded replies per endpoint path, in file order. */
  private final Map<String, Deque<JsonNode>> replies = new HashMap<>();
  /** The last review the embedded API POSTed to each endpoint path. */
  private final Map<String, JsonNode> received = new ConcurrentHashMap<>();

  private RecordedWebhook(List<Recordings.Entry> entries) throws IOException {
    for (Recordings.Entry e : entries) {
      if (e.path().startsWith("(webhook) ")) {
        replies.computeIfAbsent(endpoint(e), k -> new ArrayDeque<>())
            .add(e.json().path("response").path("body"));
      }
    }
    ServingCertificate cert = ServingCertificate.create();
    caBundle = Base64.getEncoder().encodeToString(cert.pem().getBytes(StandardCharsets.UTF_8));
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), PORT),
        16);
    server.setHttpsConfigurator(new HttpsConfigurator(cert.context()));
    server.createContext("/", ex -> {
      try (ex) {
        String path = ex.getRequestURI().getPath();
        JsonNode review = Json.parse(ex.getRequestBody().readAllBytes());
        received.put(path, review);
        byte[] body = answer(path, review);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      } catch (IOException ignored) {
        // the API gave up waiting (the slow endpoints): nobody reads the answer
      }
    });
    server.setExecutor(executor);
    server.start();
  }

  /** Starts the server when a file's entries talk to a webhook; null when they do not. */
  static RecordedWebhook forFile(List<Recordings.Entry> entries) throws IOException {
    boolean talks = entries.stream().anyMatch(e -> e.path().startsWith("(webhook) "));
    if (!talks) {
      return null;
    }
    try {
      return new RecordedWebhook(entries);
    } catch (java.net.BindException e) {
      // another process holds the recorded port: the webhook entries then differ, as the
      // recorded configurations name no other
      System.err.println("recorded webhook: 127.0.0.1:" + PORT + " is taken: " + e.getMessage());
      return null;
    }
  }

  /** The endpoint path a webhook entry names: "(webhook) /allow" is "/allow". */
  static String endpoint(Recordings.Entry e) {
    return e.path().substring("(webhook) ".length()).strip();
  }

  /** The base64 PEM a webhook configuration's caBundle must hold to trust this server. */
  String caBundle() {
    return caBundle;
  }

  /** The review most recently POSTed to an endpoint, or null. */
  JsonNode lastReview(String path) {
    return received.get(path);
  }

  private byte[] answer(String path, JsonNode review) {
    String uid = review.path("request").path("uid").asText();
    JsonNode recorded;
    synchronized (replies) {
      Deque<JsonNode> queue = replies.get(path);
      recorded = queue == null || queue.isEmpty() ? null
          : queue.size() > 1 ? queue.poll() : queue.peek();
    }
    if (recorded != null) {
      ObjectNode reply = recorded.deepCopy();
      ((ObjectNode) reply.with("response")).put("uid", uid);
      return Json.bytes(reply);
    }
    ObjectNode reply = Json.object();
    reply.put("apiVersion", "admission.k8s.io/v1");
    reply.put("kind", "AdmissionReview");
    ObjectNode response = reply.putObject("response");
    response.put("uid", uid);
    switch (path) {
      case "/deny" -> {
        // admission.json#10: 403 Forbidden with the webhook's message
        response.put("allowed", false);
        response.putObject("status").put("code", 403).put("reason", "Forbidden")
            .put("message", "tx policy: configmaps labelled hook=deny are not allowed");
      }
      case "/deny-plain" -> response.put("allowed", false); // #11: no status at all
      case "/deny-422" -> {
        // #12: a code and a message but no reason
        response.put("allowed", false);
        response.putObject("status").put("code", 422)
            .put("message", "tx says the data is invalid");
      }
      case "/warn" -> {
        // #13: two warnings, each a Warning header of its own
        response.put("allowed", true);
        response.putArray("warnings").add("tx warning: this configmap is deprecated")
            .add("second warning");
      }
      case "/slow-fail", "/slow-ignore" -> {
        // #16/#17: slower than the webhooks' 2 s timeoutSeconds
        Scenarios.sleep(3000);
        response.put("allowed", true);
      }
      case "/bad-response" -> {
        // #20: a JSON string where an AdmissionReview belongs
        return "\"this is not an AdmissionReview\"".getBytes(StandardCharsets.UTF_8);
      }
      default -> response.put("allowed", true);
    }
    return Json.bytes(reply);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
