package dev.pave.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.policy.Admission;
import dev.pave.policy.BuiltInPacks;
import dev.pave.policy.PolicyEngine;
import dev.pave.policy.Severity;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Admission handler latency in-process at a fixed request rate: each request is an
 * AdmissionReview JSON body, parsed, checked against every built-in pack and answered. The
 * latency counts from the moment a request was due, so a slow answer delays the next one and
 * shows in the figures (no coordinated omission).
 *
 * <p>Usage: {@code java -cp pave-bench/target/benchmarks.jar dev.pave.bench.AdmissionLatency
 * [RATE] [SECONDS]} (default 500 requests per second for 30 seconds, after a 10 second warm-up).
 */
public final class AdmissionLatency {
  private AdmissionLatency() {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    PolicyEngine engine = PolicyEngine.build(List.copyOf(BuiltInPacks.all().values()), Map.of())
        .engine();
    var json = JsonMapper.builder().enable(DeserializationFeature.USE_LONG_FOR_INTS).build();
    Map<String, Object> object = json.convertValue(new org.yaml.snakeyaml.Yaml()
        .load(PolicyBenchmark.VIOLATING), Map.class);
    String body = json.writeValueAsString(Map.of("apiVersion", "admission.k8s.io/v1",
        "kind", "AdmissionReview", "request", Map.of("uid", "0000", "operation", "CREATE",
            "namespace", "shop", "object", object)));
    run(engine, json, body, rate, 10);
    long[] latencies = run(engine, json, body, rate, seconds);
    Arrays.sort(latencies);
    System.out.printf("requests: %d at %d/s for %d s%n", latencies.length, rate, seconds);
    System.out.printf("p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
        pct(latencies, 50), pct(latencies, 90), pct(latencies, 99), pct(latencies, 99.9),
        latencies[latencies.length - 1] / 1e6);
  }

  @SuppressWarnings("unchecked")
  private static long[] run(PolicyEngine engine, JsonMapper json, String body, int rate,
      int seconds) throws Exception {
    int n = rate * seconds;
    long[] out = new long[n];
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long due = start + i * interval;
      long now;
      while ((now = System.nanoTime()) < due) {
        LockSupport.parkNanos(Math.min(due - now, 200_000));
      }
      Map<String, Object> review = json.readValue(body, Map.class);
      Admission.Decision d = Admission.review(review, engine, List.of(), Instant.now(),
          Severity.HIGH);
      String answer = json.writeValueAsString(d.review());
      if (answer.isEmpty() || d.allowed()) {
        throw new IllegalStateException("the violating object must be denied");
      }
      out[i] = System.nanoTime() - due;
    }
    return out;
  }

  private static double pct(long[] sorted, double p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
