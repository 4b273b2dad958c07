package dev.pave.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.control.ApplicationResource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pages and API reads answer from the console's informer caches: not one GET or LIST reaches
 * the API server per request, and what changes in the cluster shows up on the page.
 */
class PagesReadCachesTest {
  static ConsoleFixture f;

  /** Every page and read endpoint, for the seeded service checkout in dev. */
  static final List<String> READS = List.of("/healthz", "/catalog", "/catalog?q=check",
      "/catalog?policy=Fail", "/services/checkout/dev", "/services/checkout/dev/diff",
      "/services/checkout/dev/diff?from=1&to=2", "/services/checkout/dev/rollback?to=1",
      "/policies", "/signals", "/adoption", "/tokens", "/audit", "/api/v1/me",
      "/api/v1/services", "/api/v1/services/checkout/dev",
      "/api/v1/services/checkout/dev/rendered", "/api/v1/services/checkout/dev/revisions",
      "/api/v1/services/checkout/dev/diff?from=1&to=2",
      "/api/v1/services/checkout/dev/timeline", "/api/v1/policies", "/api/v1/exceptions",
      "/api/v1/incidents", "/api/v1/deliveries", "/api/v1/adoption", "/api/v1/tokens",
      "/api/v1/audit");

  @BeforeAll
  static void start() throws Exception {
    f = new ConsoleFixture(ConsoleFixture.tempDir());
  }

  @AfterAll
  static void stop() throws Exception {
    f.close();
  }

  @Test
  void noPageOrApiReadSendsAGetOrListToTheApiServer() throws Exception {
    f.consoleRequests.drain();
    for (String path : READS) {
      var r = f.get(path, f.adminToken);
      assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    }
    assertThat(ApiRequests.reads(f.consoleRequests.drain()))
        .as("GET and LIST requests the console sent while answering every page once")
        .isEmpty();
  }

  @Test
  void theDiffShowsBothRevisionsFromTheCache() throws Exception {
    String diff = f.get("/api/v1/services/checkout/dev/diff?from=1&to=2", f.adminToken).body();
    assertThat(diff).containsPattern("-\\s+image: registry.example.com/payments/checkout:1.4.2")
        .containsPattern("\\+\\s+image: registry.example.com/payments/checkout:latest");
    assertThat(f.get("/api/v1/services/checkout/dev/diff?from=1&to=9", f.adminToken)
        .statusCode()).isEqualTo(404);
  }

  @Test
  void aNewRevisionAndASpecChangeShowUpOnTheServicePage() throws Exception {
    f.seed("ledger", "payments", List.of("1.0.0", "1.1.0", "1.2.0"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String page = f.get("/api/v1/services/ledger/dev/revisions", f.adminToken).body();
      assertThat(page).contains("\"number\":3").contains("\"number\":1");
      assertThat(f.get("/services/ledger/dev/diff", f.adminToken).body())
          .contains("ledger:1.2.0");
    });
    ApplicationResource a = f.client.resources(ApplicationResource.class).inNamespace("apps")
        .withName("ledger").get();
    Map<String, Object> spec = new LinkedHashMap<>(a.getSpec());
    spec.put("owner", "new-owner@example.com");
    a.setSpec(spec);
    f.client.resource(a).update();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        f.get("/services/ledger/dev", f.adminToken).body()).contains("new-owner@example.com"));
    f.client.genericKubernetesResources("pave.dev/v1alpha1", "ApplicationRevision")
        .inNamespace("ledger-dev").withName("ledger-dev-1").delete();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        f.get("/api/v1/services/ledger/dev/revisions", f.adminToken).body())
        .contains("\"number\":3").doesNotContain("\"number\":1,"));
  }
}
