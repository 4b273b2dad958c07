package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Requests to a test cluster over HTTP, with whatever credentials and headers a test sends. */
final class AuthHttp {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  record Answer(int status, JsonNode body, List<String> warnings) {
    String message() {
      return body.path("message").asText();
    }
  }

  private final Cluster cluster;

  AuthHttp(Cluster cluster) {
    this.cluster = cluster;
  }

  Answer admin(String method, String path, String body) {
    return send(method, path, body, "Authorization", "Bearer " + cluster.adminToken());
  }

  /** headers: name, value pairs; no Authorization unless given. */
  Answer send(String method, String path, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.url() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    String type = method.equals("PATCH") ? "application/merge-patch+json" : "application/json";
    boolean typed = false;
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
      typed |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (body != null && !typed) {
      b.header("Content-Type", type);
    }
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(
          StandardCharsets.UTF_8));
      JsonNode json = r.body().isEmpty() ? Json.object() : Json.parse(
          r.body().getBytes(StandardCharsets.UTF_8));
      return new Answer(r.statusCode(), json, r.headers().allValues("Warning"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  void namespace(String name, String labelsJson) {
    Answer a = admin("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + name
        + "\",\"labels\":" + (labelsJson == null ? "{}" : labelsJson) + "}}");
    if (a.status() != 201) {
      throw new IllegalStateException("namespace " + name + ": " + a.body());
    }
  }
}
