package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The exchanges recorded from a real kube-apiserver v1.36.2, found beside the project in
 * {@code shared/reference/kube-api}. Their absence is a failure, never a skip: without them
 * nothing holds the embedded API to a real server.
 */
final class Recordings {
  /** One recorded exchange, with the file it came from and its position there. */
  record Entry(String file, int index, JsonNode json) {
    String name() {
      return json.path("name").asText();
    }

    String why() {
      return json.path("why").asText();
    }

    String method() {
      return json.path("request").path("method").asText();
    }

    String path() {
      return json.path("request").path("path").asText();
    }

    String id() {
      return file + "#" + index + " " + name();
    }
  }

  /** The files in the order they build on each other (the Widget CRD first). */
  static final List<String> ORDER = List.of("discovery.json", "namespaces.json",
      "subresources.json", "writes.json", "patches.json", "lists.json", "deletion.json",
      "deployments.json", "events.json", "auth.json", "admission.json", "openapi.json");

  private Recordings() {}

  static Path directory() {
    String configured = System.getProperty("pave.kube-api.recordings");
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared/reference/kube-api");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("the recorded Kubernetes API exchanges were not found: "
        + "expected shared/reference/kube-api beside the project (or set "
        + "-Dpave.kube-api.recordings=DIR)");
  }

  static List<Entry> load(String file) throws IOException {
    JsonNode all = Json.MAPPER.readTree(directory().resolve(file).toFile());
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      entries.add(new Entry(file, i, all.get(i)));
    }
    return entries;
  }
}
