package dev.pave.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.pave.console.web.Server;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every mutating route refuses a caller without a token, with an expired or revoked token,
 * with the wrong role, of the wrong team, and a session without its CSRF token; and lets the
 * right caller through. The table is checked against {@link Console#mutatingRoutes()}, so a
 * new route without a row here fails the build.
 */
class AuthorizationTest {
  static ConsoleFixture f;
  static String viewer;
  static String otherTeamAdmin;
  static String paymentsAdmin;
  static String expired;
  static String revoked;
  static String sessionCookie;
  static String csrf;
  static String revocableId;
  static String paymentsCookie;

  /** One concrete request per route, and who of the wrong team tries it. */
  record Case(String method, String path, String body, boolean form, String wrongTeam) {}

  static final Map<String, Case> CASES = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    f = new ConsoleFixture(ConsoleFixture.tempDir());
    viewer = f.token("viewer", null, 30);
    otherTeamAdmin = f.token("team-admin", "discovery", 30);
    paymentsAdmin = f.token("team-admin", "payments", 30);
    String toRevoke = f.token("team-member", "payments", 30);
    revoked = f.token("team-member", "payments", 30);
    var list = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        f.get("/api/v1/tokens", f.adminToken).body()).get("items");
    List<String> ids = new ArrayList<>();
    list.forEach(t -> ids.add(t.get("id").asText()));
    // Tokens are listed newest first: [revoked, toRevoke, ...].
    assertThat(f.send("DELETE", "/api/v1/tokens/" + ids.get(0), null, "Authorization",
        "Bearer " + f.adminToken).statusCode()).isEqualTo(204);
    revocableId = ids.get(1);
    assertThat(toRevoke).startsWith("pave_");
    expired = "pave_0000000000aa_" + "x".repeat(43);
    try (Connection c = f.db.dataSource().getConnection(); PreparedStatement ps =
        c.prepareStatement("insert into console_api_tokens (id, name, token_sha256, role, team,"
            + " created_by, created_at, expires_at) values ('0000000000aa', 'old', ?,"
            + " 'platform-admin', null, 'admin', ?, ?)")) {
      ps.setString(1, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(expired.getBytes(StandardCharsets.UTF_8))));
      ps.setTimestamp(2, Timestamp.from(Instant.now().minusSeconds(7200)));
      ps.setTimestamp(3, Timestamp.from(Instant.now().minusSeconds(3600)));
      ps.executeUpdate();
    }
    String platform = f.token("platform-admin", null, 1);
    sessionCookie = f.login(platform);
    // Logins are rate limited per client: open every session a test needs here, first.
    paymentsCookie = f.login(paymentsAdmin);
    String page = f.send("GET", "/tokens", null, "Cookie", sessionCookie).body();
    csrf = page.replaceAll("(?s).*name=\"csrf-token\" content=\"([^\"]+)\".*", "$1");
    assertThat(csrf).hasSizeGreaterThan(20);
    var exc = f.send("POST", "/api/v1/exceptions", exceptionBody("keep-me"),
        "Authorization", "Bearer " + f.adminToken, "Content-Type", "application/json");
    assertThat(exc.statusCode()).as(exc.body()).isEqualTo(201);

    CASES.put("POST /api/v1/services/{app}/{env}/rollback", new Case("POST",
        "/api/v1/services/checkout/dev/rollback", "{\"to\":1}", false, otherTeamAdmin));
    CASES.put("POST /api/v1/services/{app}/{env}/deploy", new Case("POST",
        "/api/v1/services/checkout/dev/deploy", "{\"spec\":{\"team\":\"payments\","
            + "\"image\":\"registry.example.com/payments/checkout:9.9.9\",\"port\":8080}}",
        false, otherTeamAdmin));
    CASES.put("POST /api/v1/exceptions", new Case("POST", "/api/v1/exceptions",
        exceptionBody("new-one"), false, otherTeamAdmin));
    CASES.put("DELETE /api/v1/exceptions/{namespace}/{name}", new Case("DELETE",
        "/api/v1/exceptions/checkout-dev/keep-me", null, false, otherTeamAdmin));
    CASES.put("POST /api/v1/deliveries/{sink}/replay", new Case("POST",
        "/api/v1/deliveries/soc/replay", null, false, paymentsAdmin));
    String incident = f.incident("checkout", "Checkout answers slowly");
    CASES.put("POST /api/v1/incidents/{key}/acknowledge", new Case("POST",
        "/api/v1/incidents/" + incident + "/acknowledge", null, false, otherTeamAdmin));
    CASES.put("POST /incidents/{key}/acknowledge", new Case("POST",
        "/incidents/" + incident + "/acknowledge", "", true, otherTeamAdmin));
    CASES.put("POST /api/v1/tokens", new Case("POST", "/api/v1/tokens",
        "{\"name\":\"x\",\"role\":\"team-member\",\"team\":\"payments\"}", false,
        otherTeamAdmin));
    CASES.put("DELETE /api/v1/tokens/{id}", new Case("DELETE", "/api/v1/tokens/" + revocableId,
        null, false, otherTeamAdmin));
    CASES.put("POST /services/{app}/{env}/rollback", new Case("POST",
        "/services/checkout/dev/rollback", "to=1", true, otherTeamAdmin));
    CASES.put("POST /exceptions", new Case("POST", "/exceptions",
        "namespace=checkout-dev&name=via-form&rules=platform/probes&kind=Deployment"
            + "&resource=checkout&reason=r&owner=o%40example.com&expiresAt=2099-01-01T00:00:00Z",
        true, otherTeamAdmin));
    CASES.put("POST /exceptions/{namespace}/{name}/delete", new Case("POST",
        "/exceptions/checkout-dev/keep-me/delete", "", true, otherTeamAdmin));
    CASES.put("POST /deliveries/{sink}/replay", new Case("POST", "/deliveries/soc/replay", "",
        true, paymentsAdmin));
    CASES.put("POST /tokens", new Case("POST", "/tokens",
        "name=x&role=team-member&team=payments&days=1", true, otherTeamAdmin));
    CASES.put("POST /tokens/{id}/revoke", new Case("POST", "/tokens/" + revocableId + "/revoke",
        "", true, otherTeamAdmin));
  }

  static String exceptionBody(String name) {
    return "{\"namespace\":\"checkout-dev\",\"name\":\"" + name + "\",\"spec\":{"
        + "\"rules\":[\"pod-security-restricted/*\"],"
        + "\"resources\":[{\"kind\":\"Deployment\",\"namespace\":\"checkout-dev\","
        + "\"name\":\"checkout\"}],\"reason\":\"migrating\",\"owner\":\"ana@example.com\","
        + "\"expiresAt\":\"2099-01-01T00:00:00Z\"}}";
  }

  @AfterAll
  static void stop() throws Exception {
    f.close();
  }

  @Test
  void everyMutatingRouteHasARowInTheTable() {
    List<String> routes = Console.mutatingRoutes().stream()
        .map(r -> r.method() + " " + r.path()).toList();
    assertThat(CASES.keySet()).containsExactlyInAnyOrderElementsOf(routes);
  }

  HttpResponse<String> call(Case c, String... headers) throws Exception {
    List<String> h = new ArrayList<>(List.of(headers));
    if (c.body() != null) {
      h.add("Content-Type");
      h.add(c.form() ? "application/x-www-form-urlencoded" : "application/json");
    }
    return f.send(c.method(), c.path(), c.body(), h.toArray(String[]::new));
  }

  static long changes() throws Exception {
    try (Connection c = f.db.dataSource().getConnection(); PreparedStatement ps =
        c.prepareStatement("select count(*) from console_audit where action <> 'login'");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyMutatingRouteRefusesTheWrongCaller() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Server.Route route : Console.mutatingRoutes()) {
      String name = route.method() + " " + route.path();
      tests.add(dynamicTest(name + " refuses the wrong caller and changes nothing", () -> {
        Case c = CASES.get(name);
        assertThat(c).as("no authorisation case for " + name).isNotNull();
        long before = changes();
        assertThat(call(c).statusCode()).as("no token").isEqualTo(401);
        assertThat(call(c, "Authorization", "Bearer " + expired).statusCode())
            .as("expired token").isEqualTo(401);
        assertThat(call(c, "Authorization", "Bearer " + revoked).statusCode())
            .as("revoked token").isEqualTo(401);
        assertThat(call(c, "Authorization", "Bearer pave_nonsense").statusCode())
            .as("unknown token").isEqualTo(401);
        assertThat(call(c, "Authorization", "Bearer " + viewer).statusCode())
            .as("viewer role").isEqualTo(403);
        assertThat(call(c, "Authorization", "Bearer " + c.wrongTeam()).statusCode())
            .as("wrong team").isEqualTo(403);
        var noCsrf = call(c, "Cookie", sessionCookie);
        assertThat(noCsrf.statusCode()).as("session without CSRF token").isEqualTo(403);
        assertThat(noCsrf.body()).contains("CSRF");
        var wrongCsrf = call(c, "Cookie", sessionCookie, "X-CSRF-Token", "forged");
        assertThat(wrongCsrf.statusCode()).as("session with a wrong CSRF token").isEqualTo(403);
        assertThat(changes()).as("a refused request changed something").isEqualTo(before);
      }));
    }
    return tests.stream();
  }

  @Test
  void aSessionWithItsCsrfTokenGetsThroughTheSameChecks() throws Exception {
    Case c = new Case("POST", "/tokens", "name=via-form&role=viewer&days=1&_csrf=" + csrf, true,
        null);
    var r = call(c, "Cookie", sessionCookie);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("shown this once").containsPattern("pave_[0-9a-f]{12}_");
    var api = f.send("POST", "/api/v1/services/checkout/dev/rollback", "{\"to\":1}",
        "Cookie", sessionCookie, "X-CSRF-Token", csrf, "Content-Type", "application/json");
    assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
  }

  @Test
  void theTeamsOwnAdminMayChangeItsServiceButNotReplaySinks() throws Exception {
    var r = f.send("POST", "/api/v1/services/checkout/dev/deploy", CASES.get(
        "POST /api/v1/services/{app}/{env}/deploy").body(), "Authorization",
        "Bearer " + paymentsAdmin, "Content-Type", "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(f.client.resources(dev.pave.control.ApplicationResource.class)
        .inNamespace("apps").withName("checkout").get().getSpec().get("image").toString())
        .endsWith(":9.9.9");
    // Another team's member reads it all the same.
    assertThat(f.get("/api/v1/services/checkout/dev", otherTeamAdmin).statusCode())
        .isEqualTo(200);
  }

  @Test
  void tokensAreStoredOnlyAsTheirHash() throws Exception {
    String secret = f.token("viewer", null, 1);
    try (Connection c = f.db.dataSource().getConnection(); PreparedStatement ps =
        c.prepareStatement("select count(*) from console_api_tokens where token_sha256 = ?"
            + " or token_sha256 = ? or name = ?")) {
      ps.setString(1, secret);
      ps.setString(2, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(StandardCharsets.UTF_8))));
      ps.setString(3, secret);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(1);
      }
    }
    assertThat(f.get("/api/v1/tokens", f.adminToken).body()).doesNotContain(secret);
    assertThat(String.join("\n", f.log)).doesNotContain(secret).doesNotContain(f.adminToken);
  }

  @Test
  void loginIsRateLimited() throws Exception {
    int limited = 0;
    for (int i = 0; i < 15; i++) {
      var r = f.postLogin("wrong-" + i);
      if (r.statusCode() == 429) {
        limited++;
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
      }
    }
    assertThat(limited).isGreaterThanOrEqualTo(4);
  }

  @Test
  void theExceptionFormCreatesAnExceptionForTheTeamsAdmin() throws Exception {
    String cookie = paymentsCookie;
    String page = f.send("GET", "/policies", null, "Cookie", cookie).body();
    assertThat(page).contains("New exception");
    String token = page.replaceAll("(?s).*name=\"csrf-token\" content=\"([^\"]+)\".*", "$1");
    var r = f.send("POST", "/exceptions", CASES.get("POST /exceptions").body() + "&_csrf="
        + token, "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    assertThat(f.client.genericKubernetesResources(dev.pave.console.catalog.ServiceIndex.EXCEPTIONS)
        .inNamespace("checkout-dev").withName("via-form").get()).isNotNull();
  }
}
