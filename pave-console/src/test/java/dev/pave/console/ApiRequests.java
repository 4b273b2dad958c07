package dev.pave.console;

import dev.pave.cluster.Cluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests a client sends to the API server as "VERB resource" ("LIST
 * applicationrevisions", "GET applications", "WATCH deployments"), the way API server metrics
 * name them, so a test can hold the console to reading its caches.
 */
final class ApiRequests implements Interceptor {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  /** A client of {@code cluster} as its administrator whose every request is counted here. */
  KubernetesClient client(Cluster cluster) {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(cluster.url())
        .withOauthToken(cluster.adminToken()).withUserAgent("pave-console-test")
        .withRequestTimeout(10_000).withConnectionTimeout(10_000).build();
    return new KubernetesClientBuilder().withConfig(config)
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count", this)).build();
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    counts.computeIfAbsent(classify(request.method(), request.uri()), k -> new LongAdder())
        .increment();
  }

  /** The counts since the last drain, and a fresh start. */
  Map<String, Long> drain() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sumThenReset()));
    out.values().removeIf(v -> v == 0);
    return out;
  }

  /** Reads that a page would make instead of using the caches: GET and LIST, not WATCH. */
  static Map<String, Long> reads(Map<String, Long> counts) {
    Map<String, Long> out = new TreeMap<>(counts);
    out.keySet().removeIf(k -> !(k.startsWith("GET ") || k.startsWith("LIST ")));
    return out;
  }

  static String classify(String method, URI uri) {
    String[] s = uri.getRawPath().replaceFirst("^/", "").split("/");
    int at = s[0].equals("api") ? 2 : 3; // after /api/v1 or /apis/group/version
    String resource;
    String name;
    if (s.length > at && s[at].equals("namespaces") && s.length > at + 2) {
      resource = s[at + 2];
      name = s.length > at + 3 ? s[at + 3] : null;
    } else {
      resource = s.length > at ? s[at] : "discovery";
      name = s.length > at + 1 ? s[at + 1] : null;
    }
    String verb = method;
    if (method.equals("GET") && name == null) {
      String q = uri.getRawQuery() == null ? "" : uri.getRawQuery();
      verb = q.matches("(^|.*&)watch=(true|1)(&.*|$)") ? "WATCH" : "LIST";
    }
    return verb + " " + resource;
  }
}
