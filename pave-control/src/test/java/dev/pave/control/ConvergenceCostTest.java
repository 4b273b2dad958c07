package dev.pave.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the operator costs the API server, counted by the server itself: converging one new
 * Application writes each rendered object once, plus its revision and its status, and lists
 * nothing across the cluster; looking again at an Application that is as it should be writes
 * nothing at all.
 */
class ConvergenceCostTest {
  static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
  OperatorFixture fixture;

  @BeforeEach
  void start() {
    // A short recheck, so the steady state below is a series of resyncs.
    fixture = new OperatorFixture(Duration.ofSeconds(1));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  /** Writes by resource ("deployments", "applications/status"), from the server's counts. */
  static Map<String, Long> writes(Map<String, Long> requests) {
    Map<String, Long> out = new TreeMap<>();
    requests.forEach((k, v) -> {
      String[] verbAndResource = k.split(" ", 2);
      if (WRITES.contains(verbAndResource[0])) {
        out.merge(verbAndResource[1], v, Long::sum);
      }
    });
    return out;
  }

  long reconciles() {
    Matcher m = Pattern.compile("(?m)^pave_reconcile_seconds_count\\S* ([0-9.]+)")
        .matcher(fixture.metrics.scrape());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  @SuppressWarnings("unchecked")
  @Test
  void coldConvergenceWritesEachObjectOnceAndASteadyResyncWritesNothing() throws Exception {
    var cluster = fixture.api.cluster;
    cluster.resetRequests();
    fixture.requests.clear();
    ApplicationResource app = fixture.fromFile("examples/checkout/pave.yaml");
    // As pave deploy creates it: with the operator's finalizer, so the operator adds none.
    app.getMetadata().setFinalizers(List.of(ApplicationReconciler.FINALIZER));
    fixture.client.resource(app).create();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(fixture.live("checkout").getStatus()).containsEntry("phase", "Available"));
    Map<String, Object> status = fixture.live("checkout").getStatus();
    List<Map<String, Object>> objects = (List<Map<String, Object>>) status.get("objects");
    Map<String, Long> rendered = new TreeMap<>();
    objects.forEach(o -> rendered.merge(plural((String) o.get("kind")), 1L, Long::sum));
    Map<String, Long> writes = writes(cluster.requests());

    // One write per rendered object, whatever woke the Application in between.
    rendered.forEach((resource, count) -> assertThat(writes.getOrDefault(resource, 0L))
        .as("writes of %s in %s", resource, writes).isLessThanOrEqualTo(count));
    // The revision (recorded, then marked available) and the Application: the test's own
    // create only, and a status for progressing and one for available.
    assertThat(writes.getOrDefault("applicationrevisions", 0L)).isBetween(1L, 2L);
    assertThat(writes.getOrDefault("applications", 0L)).as("%s", writes).isEqualTo(1);
    assertThat(writes.getOrDefault("applications/status", 0L)).as("%s", writes)
        .isBetween(1L, 2L);
    Set<String> expected = new java.util.HashSet<>(rendered.keySet());
    expected.addAll(Set.of("applicationrevisions", "applications", "applications/status",
        "events"));
    assertThat(expected).as("writes outside what the Application renders: %s", writes)
        .containsAll(writes.keySet());
    // Lists go to one namespace (the revisions of this Application), never the whole cluster.
    assertThat(fixture.requests).filteredOn(r -> r.startsWith("GET ")
        && !r.contains("watch=true") && isCollection(r))
        .allSatisfy(r -> assertThat(r).contains("/namespaces/"));

    long before = reconciles();
    cluster.resetRequests();
    await().atMost(Duration.ofSeconds(60)).until(() -> reconciles() >= before + 3);
    assertThat(writes(cluster.requests())).as("writes of a steady resync").isEmpty();
  }

  /** A GET of a collection of a namespaced kind: the path ends in the kind's plural. */
  static boolean isCollection(String request) {
    String path = request.substring(4).split("\\?", 2)[0];
    String[] parts = path.split("/");
    String last = parts[parts.length - 1];
    return Set.of("deployments", "services", "serviceaccounts", "configmaps", "ingresses",
        "networkpolicies", "poddisruptionbudgets", "horizontalpodautoscalers", "cronjobs",
        "persistentvolumeclaims", "pods", "replicasets", "events", "applications",
        "applicationrevisions", "servicemonitors", "httproutes").contains(last);
  }

  static String plural(String kind) {
    return switch (kind) {
      case "NetworkPolicy" -> "networkpolicies";
      case "Ingress" -> "ingresses";
      default -> kind.toLowerCase() + "s";
    };
  }
}
