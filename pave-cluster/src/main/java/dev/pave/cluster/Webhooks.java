package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The MutatingAdmissionWebhook and ValidatingAdmissionWebhook steps: every registered webhook
 * whose rules, namespaceSelector and objectSelector match a write is sent an AdmissionReview
 * v1 over HTTP(S) and its answer applied as the real server applies it: denials with the
 * webhook's status, warnings, JSONPatch mutations, and failurePolicy deciding what a webhook
 * that cannot be reached, is too slow or answers nonsense means. Webhooks given as a Service
 * cannot be reached from inside the process; failurePolicy decides for them too.
 */
final class Webhooks implements Admission {
  private static final String GROUP = "admissionregistration.k8s.io";

  private final Store store;
  private final ResourceTypes types;

  Webhooks(Store store, ResourceTypes types) {
    this.store = store;
    this.types = types;
  }

  @Override
  public void mutate(Attributes a) {
    for (JsonNode hook : hooks("mutatingwebhookconfigurations", a)) {
      ObjectNode review = review(a, true);
      JsonNode response = call(hook, review, a.warnings());
      if (response == null) {
        continue;
      }
      JsonNode patch = response.path("patch");
      if (response.path("allowed").asBoolean(false) && patch.isTextual()
          && a.object() != null) {
        ObjectNode patched = Patches.jsonPatch(a.object().deepCopy(),
            Base64.getDecoder().decode(patch.asText()));
        a.object().removeAll();
        a.object().setAll(patched);
      }
    }
  }

  @Override
  public void validate(Attributes a) {
    for (JsonNode hook : hooks("validatingwebhookconfigurations", a)) {
      call(hook, review(a, false), a.warnings());
    }
  }

  // ---- which webhooks a write meets ----

  private List<JsonNode> hooks(String plural, Attributes a) {
    if (a.type().group().equals(GROUP)) {
      return List.of(); // webhooks never see their own configuration, so none can lock it
    }
    ResourceType t = types.find(GROUP, "v1", plural).orElseThrow();
    List<JsonNode> matched = new java.util.ArrayList<>();
    for (ObjectNode config : store.list(Store.prefix(t, null)).items()) {
      for (JsonNode hook : config.path("webhooks")) {
        if (matches(hook, a)) {
          matched.add(hook);
        }
      }
    }
    return matched;
  }

  private boolean matches(JsonNode hook, Attributes a) {
    if (!Matching.rules(hook.path("rules"), a)) {
      return false;
    }
    if (!Matching.objectSelector(hook.path("objectSelector"), a)) {
      return false;
    }
    return Matching.namespaceSelector(hook.path("namespaceSelector"), a, store, types);
  }

  // ---- the AdmissionReview ----

  private static ObjectNode review(Attributes a, boolean mutating) {
    ObjectNode review = Json.object();
    review.put("kind", "AdmissionReview");
    review.put("apiVersion", "admission.k8s.io/v1");
    ObjectNode req = review.putObject("request");
    req.put("uid", UUID.randomUUID().toString());
    ResourceType t = a.type();
    ObjectNode kind = req.putObject("kind");
    kind.put("group", t.group()).put("version", t.version()).put("kind", t.kind());
    ObjectNode resource = req.putObject("resource");
    resource.put("group", t.group()).put("version", t.version()).put("resource", t.plural());
    if (a.subresource() != null) {
      req.put("subResource", a.subresource());
    }
    req.set("requestKind", kind.deepCopy());
    req.set("requestResource", resource.deepCopy());
    if (a.subresource() != null) {
      req.put("requestSubResource", a.subresource());
    }
    if (a.name() != null) {
      req.put("name", a.name());
    }
    if (a.namespace() != null) {
      req.put("namespace", a.namespace());
    }
    req.put("operation", a.operation());
    ObjectNode user = req.putObject("userInfo");
    user.put("username", a.user().name());
    if (a.user().uid() != null && !a.user().uid().isEmpty()) {
      user.put("uid", a.user().uid());
    }
    ArrayNode groups = user.putArray("groups");
    a.user().groups().forEach(groups::add);
    if (!a.user().extra().isEmpty()) {
      ObjectNode extra = user.putObject("extra");
      a.user().extra().forEach((k, v) -> {
        ArrayNode values = extra.putArray(k);
        v.forEach(values::add);
      });
    }
    ObjectNode object = a.object() == null ? null : a.object().deepCopy();
    if (object != null && mutating && a.operation().equals("CREATE")) {
      // mutating admission runs before the server names the object's identity
      ObjectNode meta = Json.meta(object);
      meta.remove("uid");
      meta.remove("creationTimestamp");
      meta.remove("resourceVersion");
    }
    req.set("object", object);
    req.set("oldObject", a.oldObject());
    req.put("dryRun", a.dryRun());
    ObjectNode options = req.putObject("options");
    options.put("kind", switch (a.operation()) {
      case "CREATE" -> "CreateOptions";
      case "DELETE" -> "DeleteOptions";
      default -> "UpdateOptions";
    });
    options.put("apiVersion", "meta.k8s.io/v1");
    if (a.dryRun()) {
      options.putArray("dryRun").add("All");
    }
    return review;
  }

  /**
   * Sends a review; returns the webhook's response when it allowed, null when the webhook
   * failed and failurePolicy Ignore let the write through; throws its denial or failure.
   */
  private JsonNode call(JsonNode hook, ObjectNode review, List<String> warnings) {
    String name = hook.path("name").asText();
    long timeout = hook.path("timeoutSeconds").asLong(10);
    boolean ignore = hook.path("failurePolicy").asText("Fail").equals("Ignore");
    JsonNode answer;
    try {
      answer = send(hook, review, timeout);
    } catch (WebhookFailure f) {
      if (ignore) {
        return null;
      }
      String message = "failed calling webhook \"" + name + "\": " + f.getMessage();
      throw ApiException.of(500, "InternalError", "Internal error occurred: " + message, null,
          null, null, List.of(new ApiException.Cause(null, message, null)));
    }
    JsonNode response = answer.path("response");
    for (JsonNode w : response.path("warnings")) {
      warnings.add(w.asText());
    }
    if (!response.path("allowed").asBoolean(false)) {
      JsonNode status = response.path("status");
      String message = status.path("message").asText("");
      int code = status.path("code").asInt(0);
      String reason = status.path("reason").asText(null);
      throw ApiException.of(code == 0 ? 400 : code, reason == null || reason.isEmpty() ? null
          : reason, "admission webhook \"" + name + "\" denied the request"
          + (message.isEmpty() ? " without explanation" : ": " + message), null, null, null,
          List.of());
    }
    return response;
  }

  private JsonNode send(JsonNode hook, ObjectNode review, long timeout) {
    JsonNode client = hook.path("clientConfig");
    String url = client.path("url").asText(null);
    if (url == null) {
      JsonNode svc = client.path("service");
      String target = "https://" + svc.path("name").asText() + "." + svc.path("namespace")
          .asText() + ".svc:" + svc.path("port").asInt(443) + svc.path("path").asText("")
          + "?timeout=" + timeout + "s";
      throw new WebhookFailure("failed to call webhook: Post \"" + target + "\": no endpoints "
          + "available for service \"" + svc.path("name").asText() + "\"");
    }
    String full = url + (url.contains("?") ? "&" : "?") + "timeout=" + timeout + "s";
    HttpResponse<byte[]> response;
    try {
      HttpClient http = client(client.path("caBundle").asText(""));
      response = http.send(HttpRequest.newBuilder(URI.create(full))
          .timeout(Duration.ofSeconds(timeout))
          .header("Content-Type", "application/json")
          .header("Accept", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(review))).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new WebhookFailure("failed to call webhook: Post \"" + full + "\": context "
          + "deadline exceeded");
    } catch (ConnectException e) {
      URI u = URI.create(url);
      int port = u.getPort() > 0 ? u.getPort() : u.getScheme().equals("https") ? 443 : 80;
      throw new WebhookFailure("failed to call webhook: Post \"" + full + "\": dial tcp "
          + u.getHost() + ":" + port + ": connect: connection refused");
    } catch (IOException e) {
      throw new WebhookFailure("failed to call webhook: Post \"" + full + "\": "
          + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebhookFailure("failed to call webhook: Post \"" + full + "\": context "
          + "canceled");
    }
    if (response.statusCode() < 200 || response.statusCode() > 299) {
      throw new WebhookFailure("failed to call webhook: an error on the server (\""
          + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8).strip()
          + "\") has prevented the request from succeeding");
    }
    JsonNode body;
    try {
      body = Json.parse(response.body());
    } catch (IOException e) {
      String text = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)
          .strip();
      throw new WebhookFailure("failed to call webhook: couldn't get version/kind; json parse "
          + "error: invalid character '" + (text.isEmpty() ? "" : text.substring(0, 1))
          + "' looking for beginning of value");
    }
    if (body == null || !body.isObject()) {
      String type = body == null ? "null" : body.isTextual() ? "string" : body.isArray()
          ? "array" : body.isNumber() ? "number" : body.isBoolean() ? "bool" : "null";
      throw new WebhookFailure("failed to call webhook: couldn't get version/kind; json parse "
          + "error: json: cannot unmarshal " + type + " into Go value of type struct { "
          + "APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string "
          + "\"json:\\\"kind,omitempty\\\"\" }");
    }
    JsonNode uid = body.path("response").path("uid");
    if (!uid.asText().equals(review.path("request").path("uid").asText())) {
      throw new WebhookFailure("received invalid webhook response: expected response.uid=\""
          + review.path("request").path("uid").asText() + "\", got \"" + uid.asText() + "\"");
    }
    return body;
  }

  private static HttpClient client(String caBundle) throws IOException {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (!caBundle.isEmpty()) {
      try {
        byte[] pem = Base64.getDecoder().decode(caBundle);
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(pem))) {
          ks.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(
            TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        b.sslContext(ssl);
      } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
        throw new IOException("x509: " + e.getMessage(), e);
      }
    }
    return b.build();
  }

  /** A webhook that could not be asked or answered nonsense: failurePolicy decides. */
  private static final class WebhookFailure extends RuntimeException {
    WebhookFailure(String message) {
      super(message, null, false, false);
    }
  }
}
