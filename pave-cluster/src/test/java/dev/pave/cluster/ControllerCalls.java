package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Requests to an embedded cluster as an administrator, and waiting for controllers. */
final class ControllerCalls {
  /** One answer: its status and parsed body. */
  record Answer(int status, JsonNode body, List<String> warnings) {}

  private final Cluster cluster;

  ControllerCalls(Cluster cluster) {
    this.cluster = cluster;
  }

  Answer call(String method, String pathAndQuery, String json) {
    return call(method, pathAndQuery, json, "application/json");
  }

  Answer call(String method, String pathAndQuery, String json, String contentType) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    Map<String, List<String>> query = Cluster.query(q < 0 ? null : pathAndQuery.substring(q + 1));
    Response r = cluster.handle(new Request(method, path, query,
        Map.of("content-type", contentType, "accept", "application/json"),
        json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8), User.ADMIN));
    try {
      JsonNode body = r.body().length == 0 ? null : Json.parse(r.body());
      return new Answer(r.status(), body, r.warnings());
    } catch (java.io.IOException e) {
      return new Answer(r.status(), null, r.warnings());
    }
  }

  JsonNode get(String path) {
    Answer a = call("GET", path, null);
    return a.status() == 200 ? a.body() : null;
  }

  Answer post(String collection, String json) {
    return call("POST", collection, json);
  }

  void namespace(String name) {
    post("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
        + "\"metadata\":{\"name\":\"" + name + "\"}}");
  }

  /** Waits up to {@code millis} for a condition; the last value it saw. */
  static <T> T await(long millis, Supplier<T> probe, java.util.function.Predicate<T> done) {
    long end = System.currentTimeMillis() + millis;
    T last = probe.get();
    while (!done.test(last) && System.currentTimeMillis() < end) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      last = probe.get();
    }
    return last;
  }

  /** Waits for a GET to answer 404. */
  boolean gone(String path, long millis) {
    return await(millis, () -> call("GET", path, null).status(), s -> s == 404) == 404;
  }
}
