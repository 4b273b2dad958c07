package dev.pave.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How status, history and rollback reach a Pave console instead of the cluster: its URL, and
 * an API token from $PAVE_TOKEN or a file. The console then checks the caller's role and team
 * and audits the change.
 */
final class ServerOptions {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--server", paramLabel = "URL", description = "Talk to a Pave console's API"
      + " at URL instead of the cluster (token from $PAVE_TOKEN or --token-file).")
  URI server;

  @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the API"
      + " token for --server (default: $PAVE_TOKEN).")
  Path tokenFile;

  boolean enabled() {
    return server != null;
  }

  private String token() {
    try {
      String t = tokenFile != null ? Files.readString(tokenFile).strip()
          : System.getenv("PAVE_TOKEN");
      if (t == null || t.isBlank()) {
        throw new UserError("--server needs an API token: set PAVE_TOKEN or pass --token-file"
            + " (create one in the console under API tokens)");
      }
      return t;
    } catch (IOException e) {
      throw new UserError("cannot read " + tokenFile + ": " + e.getMessage());
    }
  }

  static String path(String app, String env) {
    return "/api/v1/services/" + URLEncoder.encode(app, StandardCharsets.UTF_8) + "/"
        + URLEncoder.encode(env, StandardCharsets.UTF_8);
  }

  JsonNode get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET(), path);
  }

  JsonNode post(String path, String json) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)), path);
  }

  private URI uri(String path) {
    return URI.create(server.toString().replaceAll("/+$", "") + path);
  }

  private JsonNode send(HttpRequest.Builder b, String path) {
    HttpResponse<String> r;
    try {
      r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
          b.header("Authorization", "Bearer " + token()).header("Accept", "application/json")
              .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UserError("cannot reach " + server + ": " + e.getMessage(), ExitCode.FAILURE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted", ExitCode.FAILURE);
    }
    JsonNode body;
    try {
      body = JSON.readTree(r.body() == null || r.body().isBlank() ? "{}" : r.body());
    } catch (IOException e) {
      throw new UserError(server + path + ": HTTP " + r.statusCode() + ", not JSON",
          ExitCode.FAILURE);
    }
    if (r.statusCode() >= 400 && r.statusCode() != 502) {
      String why = body.path("error").asText("HTTP " + r.statusCode());
      throw new UserError(server + ": " + why + " (HTTP " + r.statusCode() + ")",
          r.statusCode() == 400 || r.statusCode() == 404 || r.statusCode() == 409
              ? ExitCode.INVALID : ExitCode.FAILURE);
    }
    return body;
  }
}
