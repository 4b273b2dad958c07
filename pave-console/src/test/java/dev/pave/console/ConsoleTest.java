package dev.pave.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The catalog, the service page and a rollback, through the API a real client uses. */
class ConsoleTest {
  static ConsoleFixture f;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    f = new ConsoleFixture(ConsoleFixture.tempDir());
  }

  @AfterAll
  static void stop() throws Exception {
    f.close();
  }

  @Test
  void theCatalogListsEveryServiceWithItsTeamRevisionAndHealthAndFilters() throws Exception {
    JsonNode all = JSON.readTree(f.get("/api/v1/services", f.adminToken).body());
    assertThat(all.get("total").asInt()).isEqualTo(2);
    JsonNode checkout = all.get("items").get(0);
    assertThat(checkout.get("app").asText()).isEqualTo("checkout");
    assertThat(checkout.get("team").asText()).isEqualTo("payments");
    assertThat(checkout.get("revision").asInt()).isEqualTo(2);
    assertThat(checkout.get("health").asText()).isEqualTo("Healthy");
    JsonNode filtered = JSON.readTree(f.get("/api/v1/services?team=discovery", f.adminToken)
        .body());
    assertThat(filtered.get("total").asInt()).isEqualTo(1);
    assertThat(filtered.get("items").get(0).get("app").asText()).isEqualTo("search");
    JsonNode searched = JSON.readTree(f.get("/api/v1/services?q=CHECK", f.adminToken).body());
    assertThat(searched.get("total").asInt()).isEqualTo(1);
  }

  @Test
  void theServicePageShowsSpecRevisionsFindingsWithExplanationAndLinks() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> !JSON.readTree(f.get(
        "/api/v1/services?q=checkout", f.adminToken).body()).get("items").get(0).get("policy")
        .asText().equals("Unchecked"));
    JsonNode d = JSON.readTree(f.get("/api/v1/services/checkout/dev", f.adminToken).body());
    assertThat(d.get("spec").asText()).contains("checkout:latest");
    assertThat(d.get("service").get("policy").asText()).isEqualTo("Fail");
    assertThat(d.get("revisions").size()).isGreaterThanOrEqualTo(2);
    assertThat(d.get("links").get("Runbook").asText())
        .isEqualTo("https://runbooks.example.com/checkout");
    assertThat(d.get("links").get("Dashboard").asText())
        .isEqualTo("https://grafana.example.com/d/svc?var-app=checkout&var-env=dev");
    JsonNode tag = null;
    for (JsonNode x : d.get("findings")) {
      if (x.get("rule").asText().equals("platform/image-tag")) {
        tag = x;
      }
    }
    assertThat(tag).as(d.get("findings").toString()).isNotNull();
    assertThat(tag.get("explanation").asText()).isNotBlank();
    assertThat(tag.get("violations").toString()).contains("image");
    String diff = JSON.readTree(f.get("/api/v1/services/checkout/dev/diff?from=1&to=2",
        f.adminToken).body()).get("diff").asText();
    assertThat(diff).contains("-").contains("checkout:1.4.2").contains("+")
        .contains("checkout:latest");
  }

  @Test
  void aRollbackAppliesTheRevisionSaysHowLongItTookAndShowsInTheTimelineAndAudit()
      throws Exception {
    var r = f.send("POST", "/api/v1/services/search/dev/rollback", "{\"to\": 1}",
        "Authorization", "Bearer " + f.adminToken, "Content-Type", "application/json");
    // search has one revision only: nothing to roll back to.
    assertThat(r.statusCode()).isEqualTo(409);

    r = f.send("POST", "/api/v1/services/checkout/dev/rollback", "{}",
        "Authorization", "Bearer " + f.adminToken, "Content-Type", "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("target").asInt()).isEqualTo(1);
    assertThat(body.get("recordedAs").asInt()).isEqualTo(3);
    assertThat(body.has("tookMillis")).isTrue();
    assertThat(f.client.apps().deployments().inNamespace("checkout-dev").withName("checkout")
        .get().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .endsWith(":1.4.2");
    assertThat(f.client.resources(dev.pave.control.ApplicationResource.class).inNamespace("apps")
        .withName("checkout").get().getMetadata().getAnnotations())
        .containsEntry("pave.dev/pinned-revision", "1");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
        f.get("/api/v1/services/checkout/dev/timeline", f.adminToken).body())
        .contains("\"type\":\"rollback\"").contains("Rolled back by admin in the console"));
    assertThat(f.get("/api/v1/audit?app=checkout", f.adminToken).body())
        .contains("\"action\":\"rollback\"").contains("rolled back to revision 1");
  }

  @Test
  void theAdoptionReportListsTheWorkloadThatBypassesPave() throws Exception {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode a = JSON.readTree(f.get("/api/v1/adoption", f.adminToken).body());
      assertThat(a.get("unmanaged").toString()).contains("legacy-cron");
      assertThat(a.get("total").get("managed").asInt()).isEqualTo(2);
    });
  }

  @Test
  void pagesCarryAStrictContentSecurityPolicyAndNeedALogin() throws Exception {
    var r = f.get("/catalog", null);
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().firstValue("Location").orElseThrow()).startsWith("/login?next=");
    r = f.get("/login", null);
    assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'").doesNotContain("unsafe-inline");
    assertThat(r.body()).doesNotContain("<script>").doesNotContain("onclick=");
  }

  @Test
  void everyPageRendersWithoutInlineScriptAndWorksAsPlainHtml() throws Exception {
    for (String page : java.util.List.of("/catalog", "/catalog?q=check&team=payments",
        "/services/checkout/dev", "/services/checkout/dev/diff?from=1&to=2",
        "/services/checkout/dev/rollback?to=1", "/policies", "/signals", "/adoption",
        "/tokens", "/audit")) {
      var r = f.get(page, f.adminToken);
      assertThat(r.statusCode()).as(page + ": " + r.body()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
      assertThat(r.body()).as(page).contains("<h1>").containsPattern("<main id=\"main\">")
          .doesNotContainPattern("<script>|<script [^>]*>[^<]+</script>|\\son[a-z]+=");
    }
    assertThat(f.get("/catalog?q=check", f.adminToken).body()).contains("checkout")
        .doesNotContain(">search<");
    assertThat(f.get("/services/checkout/dev", f.adminToken).body())
        .contains("platform/image-tag").contains("Roll back to 1");
    var htmx = f.get("/static/htmx.min.js", null);
    assertThat(htmx.statusCode()).isEqualTo(200);
    assertThat(htmx.body()).contains("htmx");
    assertThat(f.get("/api/openapi.yaml", null).body()).contains("openapi: 3");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theOpenApiFileDocumentsEveryMutatingApiRoute() throws Exception {
    java.util.Map<String, Object> doc = new org.yaml.snakeyaml.Yaml().load(
        f.get("/api/openapi.yaml", null).body());
    var paths = (java.util.Map<String, java.util.Map<String, Object>>) doc.get("paths");
    for (var r : Console.mutatingRoutes()) {
      if (r.api()) {
        assertThat(paths).as(r.path()).containsKey(r.path());
        assertThat(paths.get(r.path())).as(r.method() + " " + r.path())
            .containsKey(r.method().toLowerCase(java.util.Locale.ROOT));
      }
    }
  }

  @Test
  void deadLettersShowPerSinkAndAPlatformAdminReplaysThem() throws Exception {
    // The fixture's only sink is unreachable with one attempt: every signal dead-letters.
    f.pipeline.ingest().submit(java.util.List.of(new dev.pave.signals.Signal("s-dead",
        dev.pave.signals.SignalType.EXTERNAL, dev.pave.signals.Status.INFO,
        dev.pave.signals.Severity.INFO, java.time.Instant.now(), "test", "", java.util.Map.of(
            "app.kubernetes.io/name", "search", "pave.dev/environment", "dev"), null, null,
        new dev.pave.signals.Origin.External("test", "test", "1"), "dead-1", null)));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonNode sinks = JSON.readTree(f.get("/api/v1/deliveries", f.adminToken).body())
          .get("sinks");
      assertThat(sinks.get(0).get("name").asText()).isEqualTo("soc");
      assertThat(sinks.get(0).get("dead").asLong()).isPositive();
    });
    assertThat(f.get("/signals", f.adminToken).body()).contains("Replay");
    var r = f.send("POST", "/api/v1/deliveries/soc/replay", null, "Authorization",
        "Bearer " + f.adminToken);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("replayed").asInt()).isPositive();
    assertThat(f.get("/api/v1/audit", f.adminToken).body()).contains("\"action\":\"replay\"");
    assertThat(f.send("POST", "/api/v1/deliveries/nope/replay", null, "Authorization",
        "Bearer " + f.adminToken).statusCode()).isEqualTo(404);
  }

  @Test
  void aTeamAdminCreatesAnExceptionThatIsListedWithOwnerAndTimeLeftAndRemovesIt()
      throws Exception {
    String admin = f.token("team-admin", "discovery", 1);
    String body = "{\"namespace\":\"search-dev\",\"name\":\"probes-later\",\"spec\":{"
        + "\"rules\":[\"platform/probes\"],\"resources\":[{\"kind\":\"Deployment\","
        + "\"namespace\":\"search-dev\",\"name\":\"search\"}],\"reason\":\"migrating\","
        + "\"owner\":\"dana@example.com\",\"ticket\":\"OPS-7\","
        + "\"expiresAt\":\"" + java.time.Instant.now().plus(Duration.ofDays(3)).truncatedTo(
            java.time.temporal.ChronoUnit.SECONDS) + "\"}}";
    var bad = f.send("POST", "/api/v1/exceptions", body.replace("\"owner\":\"dana@example.com\",",
        ""), "Authorization", "Bearer " + admin, "Content-Type", "application/json");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("owner");
    var r = f.send("POST", "/api/v1/exceptions", body, "Authorization", "Bearer " + admin,
        "Content-Type", "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        f.get("/api/v1/exceptions", admin).body()).contains("probes-later")
        .contains("dana@example.com").containsPattern("\"timeLeft\":\"(2 d 23 h|3 d)\""));
    assertThat(f.get("/policies", admin).body()).contains("probes-later").contains("OPS-7");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        f.get("/api/v1/services/search/dev/timeline", admin).body())
        .contains("Policy exception created by"));
    assertThat(f.send("DELETE", "/api/v1/exceptions/search-dev/probes-later", null,
        "Authorization", "Bearer " + admin).statusCode()).isEqualTo(204);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        f.get("/api/v1/exceptions", admin).body()).doesNotContain("probes-later"));
    assertThat(f.get("/api/v1/audit?app=search", admin).body())
        .contains("\"action\":\"exception.create\"")
        .contains("\"action\":\"exception.delete\"");
  }
}
