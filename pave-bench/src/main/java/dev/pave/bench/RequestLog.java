package dev.pave.bench;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts a client's requests as "VERB resource" ("GET deployments", "LIST applicationrevisions",
 * "WATCH applications", "PUT applications/status"), the way API server metrics name them.
 */
final class RequestLog implements Interceptor {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    counts.computeIfAbsent(classify(request.method(), request.uri()), k -> new LongAdder())
        .increment();
  }

  /** The counts so far, and a fresh start. */
  Map<String, Long> drain() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sumThenReset()));
    out.values().removeIf(v -> v == 0);
    return out;
  }

  static String classify(String method, URI uri) {
    String[] s = uri.getRawPath().replaceFirst("^/", "").split("/");
    int at = s[0].equals("api") ? 2 : 3; // after /api/v1 or /apis/group/version
    String resource;
    String name = null;
    String sub = null;
    if (s.length > at && s[at].equals("namespaces") && s.length > at + 2) {
      resource = s[at + 2];
      name = s.length > at + 3 ? s[at + 3] : null;
      sub = s.length > at + 4 ? s[at + 4] : null;
    } else {
      resource = s.length > at ? s[at] : "discovery";
      name = s.length > at + 1 ? s[at + 1] : null;
      sub = s.length > at + 2 ? s[at + 2] : null;
    }
    String verb = method;
    if (method.equals("GET") && name == null) {
      String q = uri.getRawQuery() == null ? "" : uri.getRawQuery();
      verb = q.matches("(^|.*&)watch=(true|1)(&.*|$)") ? "WATCH" : "LIST";
    }
    return verb + " " + resource + (sub == null ? "" : "/" + sub);
  }

  static boolean isWrite(String key) {
    return key.startsWith("POST ") || key.startsWith("PUT ") || key.startsWith("PATCH ")
        || key.startsWith("DELETE ");
  }

  static long sum(Map<String, Long> counts, java.util.function.Predicate<String> which) {
    return counts.entrySet().stream().filter(e -> which.test(e.getKey()))
        .mapToLong(Map.Entry::getValue).sum();
  }
}
