package dev.pave.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.control.webhook.Certificates;
import dev.pave.control.webhook.Reviews;
import dev.pave.control.webhook.WebhookServer;
import dev.pave.policy.BuiltInPacks;
import dev.pave.policy.PolicyEngine;
import dev.pave.policy.Severity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.ArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Admission latency through the operator's HTTPS webhook server, as the API server calls it:
 * the same {@link WebhookServer} and {@link Reviews} that {@code pave operator --webhook-port}
 * serves (8 worker threads, every built-in pack, deny at high), over TLS on loopback with
 * 16 kept-alive connections. Requests are due at a fixed rate and each latency counts
 * from the moment the request was due, so a slow answer shows in the figures instead of
 * delaying the next request (no coordinated omission). The client runs in the same JVM and
 * shares the two cores with the server, which a real API server on another machine would not.
 *
 * <p>Usage: {@code java -cp pave-bench/target/benchmarks.jar dev.pave.bench.AdmissionHttps
 * [RATE] [SECONDS]} (default 500 requests per second for 30 seconds, after 5 s at a fifth of the rate and 10 s
 * at the full rate to warm up).
 */
public final class AdmissionHttps {
  /** Kept-alive connections the client sends on. */
  static final int CONNECTIONS = 16;

  private AdmissionHttps() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    PolicyEngine engine = PolicyEngine.build(List.copyOf(BuiltInPacks.all().values()), Map.of())
        .engine();
    AtomicInteger denied = new AtomicInteger();
    // The operator records decisions as Events on a thread of their own; counting stands in
    // for that so the cluster's latency stays out of the figure.
    Reviews reviews = new Reviews(engine, List.of(), Severity.HIGH, Set.of("kube-system"),
        Clock.systemUTC(), a -> {
          if (!a.decision().allowed()) {
            denied.incrementAndGet();
          }
        });
    Instant now = Instant.now();
    Certificates.Issued ca = Certificates.authority("pave-bench", now, Duration.ofDays(1));
    Certificates.Issued serving = Certificates.serving(ca, List.of("localhost"), now,
        Duration.ofDays(1));
    var json = JsonMapper.builder().enable(DeserializationFeature.USE_LONG_FOR_INTS).build();
    @SuppressWarnings("unchecked")
    Map<String, Object> object = json.convertValue(new org.yaml.snakeyaml.Yaml()
        .load(PolicyBenchmark.VIOLATING), Map.class);
    String body = json.writeValueAsString(Map.of("apiVersion", "admission.k8s.io/v1",
        "kind", "AdmissionReview", "request", Map.of("uid", "0000", "operation", "CREATE",
            "namespace", "shop", "object", object)));
    try (WebhookServer server = new WebhookServer("127.0.0.1", 0, () -> serving,
        Map.of("/validate/workloads", reviews::workload), 8)) {
      SSLContext tls = trusting(ca);
      List<HttpClient> clients = new ArrayList<>();
      for (int c = 0; c < CONNECTIONS; c++) {
        clients.add(HttpClient.newBuilder().sslContext(tls)
            .version(HttpClient.Version.HTTP_1_1).build());
      }
      URI uri = URI.create("https://localhost:" + server.port() + "/validate/workloads");
      run(clients, uri, body, rate / 5, 5);
      run(clients, uri, body, rate, 10);
      int before = denied.get();
      long[] latencies = run(clients, uri, body, rate, seconds);
      if (denied.get() - before != latencies.length) {
        throw new IllegalStateException("every request must be denied by the packs, "
            + (denied.get() - before) + " of " + latencies.length + " were");
      }
      Arrays.sort(latencies);
      System.out.printf("requests: %d at %d/s for %d s over HTTPS%n", latencies.length, rate,
          seconds);
      System.out.printf("p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
          pct(latencies, 50), pct(latencies, 90), pct(latencies, 99), pct(latencies, 99.9),
          latencies[latencies.length - 1] / 1e6);
    }
  }

  /**
   * Due times are queued at the rate; {@link #CONNECTIONS} senders, each on one kept-alive
   * connection, take them in order, so a request waits for a free connection as it would in a
   * client's bounded pool and that wait is part of its latency.
   */
  private static long[] run(List<HttpClient> clients, URI uri, String body, int rate, int seconds)
      throws Exception {
    int n = rate * seconds;
    long[] out = new long[n];
    BlockingQueue<long[]> due = new LinkedBlockingQueue<>();
    HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    List<Thread> senders = new ArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    for (HttpClient client : clients) {
      Thread t = new Thread(() -> {
        try {
          while (true) {
            long[] next = due.take();
            if (next[0] < 0) {
              return;
            }
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            out[(int) next[0]] = System.nanoTime() - next[1];
            if (r.statusCode() != 200 || !r.body().contains("\"allowed\":false")) {
              throw new IllegalStateException("unexpected answer " + r.statusCode() + ": "
                  + r.body());
            }
          }
        } catch (Exception e) {
          failures.add(e);
        }
      }, "sender-" + senders.size());
      t.start();
      senders.add(t);
    }
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime();
    for (int i = 0; i < n && failures.isEmpty(); i++) {
      long at = start + i * interval;
      long t;
      while ((t = System.nanoTime()) < at) {
        LockSupport.parkNanos(Math.min(at - t, 200_000));
      }
      due.add(new long[] {i, at});
    }
    for (int c = 0; c < CONNECTIONS; c++) {
      due.add(new long[] {-1, 0});
    }
    for (Thread t : senders) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("a request failed", failures.get(0));
    }
    return out;
  }

  private static SSLContext trusting(Certificates.Issued ca) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return tls;
  }

  private static double pct(long[] sorted, double p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
