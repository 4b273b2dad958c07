package dev.pave.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions end with the token that opened them and after an absolute lifetime; login is
 * limited per client behind trusted proxies and per token; the login form refuses foreign
 * pages and foreign redirects. Driven through the real server, with a clock the test moves.
 */
class SessionSecurityTest {
  static ConsoleFixture f;
  /** A second replica on the same database, behind the same (imagined) address. */
  static Console replica;
  static final MovableClock CLOCK = new MovableClock();

  /** The system clock plus an offset the test adds to. */
  static final class MovableClock extends Clock {
    final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    void advance(Duration d) {
      offset.updateAndGet(o -> o.plus(d));
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset.get());
    }
  }

  @BeforeAll
  static void start() throws Exception {
    f = new ConsoleFixture(ConsoleFixture.tempDir(), b -> b.clock(CLOCK)
        .trustedProxy("127.0.0.1").trustedProxy("10.0.0.0/8")
        .sessionIdle(Duration.ofHours(1)).sessionLifetime(Duration.ofHours(3)));
    replica = Console.start(Console.Settings.builder().kubernetes(f.client)
        .dataSource(f.db.dataSource()).auth(Auth.sandbox()).port(0).clock(CLOCK)
        .trustedProxy("127.0.0.1").sessionIdle(Duration.ofHours(1))
        .sessionLifetime(Duration.ofHours(3)).build());
  }

  @AfterAll
  static void stop() throws Exception {
    replica.close();
    f.close();
  }

  /** Lets every earlier login attempt leave the rate limit's window. */
  static void freshLimits() {
    CLOCK.advance(Duration.ofMinutes(2));
  }

  static String id(String secret) {
    return secret.substring("pave_".length(), secret.indexOf('_', "pave_".length()));
  }

  HttpResponseView me(String cookie) throws Exception {
    var r = f.send("GET", "/api/v1/me", null, "Cookie", cookie);
    return new HttpResponseView(r.statusCode(), r.body());
  }

  record HttpResponseView(int status, String body) {}

  @Test
  void aSessionEndsWhenTheTokenThatOpenedItIsRevoked() throws Exception {
    freshLimits();
    String token = f.token("team-member", "payments", 30);
    String cookie = f.login(token);
    assertThat(me(cookie).status()).isEqualTo(200);
    assertThat(f.send("DELETE", "/api/v1/tokens/" + id(token), null, "Authorization",
        "Bearer " + f.adminToken).statusCode()).isEqualTo(204);
    assertThat(me(cookie).status()).as("the session outlived its revoked token").isEqualTo(401);
    var page = f.send("GET", "/catalog", null, "Cookie", cookie);
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(page.headers().firstValue("Location").orElseThrow()).startsWith("/login");
  }

  @Test
  void aSessionEndsWhenTheTokenThatOpenedItExpires() throws Exception {
    freshLimits();
    String token = f.token("team-member", "payments", 30);
    var login = f.postLogin(token);
    assertThat(login.statusCode()).isEqualTo(303);
    String cookie = login.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("pave_session=")).findFirst().orElseThrow();
    assertThat(cookie).contains("Max-Age=" + Duration.ofHours(3).toSeconds());
    cookie = cookie.split(";")[0];
    assertThat(me(cookie).status()).isEqualTo(200);
    try (Connection c = f.db.dataSource().getConnection(); PreparedStatement ps =
        c.prepareStatement("update console_api_tokens set expires_at = ? where id = ?")) {
      ps.setTimestamp(1, Timestamp.from(CLOCK.instant().minusSeconds(1)));
      ps.setString(2, id(token));
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    assertThat(me(cookie).status()).as("the session outlived its expired token").isEqualTo(401);
  }

  @Test
  void aSessionInUseStillEndsAfterItsAbsoluteLifetime() throws Exception {
    freshLimits();
    String token = f.token("viewer", null, 30);
    String cookie = f.login(token);
    for (int i = 0; i < 4; i++) {
      // Each request within the idle timeout (1 h): at 0, 45, 90 and 135 minutes.
      assertThat(me(cookie).status()).as("after %d x 45 min", i).isEqualTo(200);
      CLOCK.advance(Duration.ofMinutes(45));
    }
    CLOCK.advance(Duration.ofMinutes(1));
    assertThat(me(cookie).status()).as("3 h 1 min after login").isEqualTo(401);
  }

  @Test
  void anIdleSessionEnds() throws Exception {
    freshLimits();
    String cookie = f.login(f.token("viewer", null, 30));
    assertThat(me(cookie).status()).isEqualTo(200);
    CLOCK.advance(Duration.ofMinutes(61));
    assertThat(me(cookie).status()).isEqualTo(401);
  }

  @Test
  void behindATrustedProxyOneClientsBadLoginsDoNotLockOutTheOthers() throws Exception {
    freshLimits();
    String token = f.token("viewer", null, 30);
    for (int i = 0; i < 10; i++) {
      assertThat(f.postLogin("wrong-" + i, "X-Forwarded-For", "203.0.113.5").statusCode())
          .isEqualTo(401);
    }
    var limited = f.postLogin("wrong", "X-Forwarded-For", "203.0.113.5");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    // The client cannot choose another bucket by adding entries of its own to the left.
    assertThat(f.postLogin("wrong", "X-Forwarded-For", "198.51.100.1, 203.0.113.5")
        .statusCode()).isEqualTo(429);
    // Nor through a second trusted proxy hop (10.0.0.0/8 is trusted).
    assertThat(f.postLogin("wrong", "X-Forwarded-For", "203.0.113.5, 10.1.2.3")
        .statusCode()).isEqualTo(429);
    assertThat(f.postLogin(token, "X-Forwarded-For", "203.0.113.6").statusCode())
        .as("another user behind the same proxy").isEqualTo(303);
  }

  @Test
  void badLoginsWithOneTokenAreLimitedWhicheverClientSendsThem() throws Exception {
    freshLimits();
    String token = f.token("viewer", null, 30);
    String guess = token.substring(0, token.lastIndexOf('_') + 1) + "x".repeat(43);
    for (int i = 0; i < 10; i++) {
      assertThat(f.postLogin(guess, "X-Forwarded-For", "198.51.100." + (10 + i)).statusCode())
          .isEqualTo(401);
    }
    var r = f.postLogin(guess, "X-Forwarded-For", "198.51.100.99");
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body()).contains("with this token");
    assertThat(f.postLogin(f.token("viewer", null, 30), "X-Forwarded-For", "198.51.100.99")
        .statusCode()).as("a fresh client with another token").isEqualTo(303);
  }

  @Test
  void afterLoginOnlyAPathOfThisConsoleIsFollowed() throws Exception {
    freshLimits();
    var page = f.get("/login?next=/%09/evil.example", null);
    assertThat(page.body()).contains("name=\"next\" value=\"/catalog\"");
    for (String next : new String[] {"/%09/evil.example", "/%0A/evil.example",
        "//evil.example", "/%5Cevil.example", "https://evil.example", "%20/evil.example"}) {
      var r = f.postLoginForm(f.token("viewer", null, 30), "&next=" + next);
      assertThat(r.statusCode()).isEqualTo(303);
      assertThat(r.headers().firstValue("Location").orElseThrow()).as(next)
          .isEqualTo("/catalog");
    }
    var r = f.postLoginForm(f.token("viewer", null, 30), "&next=/services/checkout/dev%3Fx%3D1");
    assertThat(r.headers().firstValue("Location").orElseThrow())
        .isEqualTo("/services/checkout/dev?x=1");
  }

  @Test
  void aLoginPostedFromAForeignPageIsRefused() throws Exception {
    freshLimits();
    String token = f.token("viewer", null, 30);
    // No pre-session token: what a form on another site sends.
    var bare = f.send("POST", "/login", "token=" + token, "Content-Type",
        "application/x-www-form-urlencoded");
    assertThat(bare.statusCode()).isEqualTo(403);
    assertThat(bare.headers().allValues("Set-Cookie")).noneMatch(c ->
        c.startsWith("pave_session="));
    var foreign = f.postLogin(token, "Origin", "https://evil.example");
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.body()).contains("https://evil.example");
    assertThat(foreign.headers().allValues("Set-Cookie")).noneMatch(c ->
        c.startsWith("pave_session="));
    var own = f.postLogin(token, "Origin", f.console.url().toString());
    assertThat(own.statusCode()).isEqualTo(303);
    // What Chromium sends from the console's own page (Referrer-Policy: no-referrer).
    assertThat(f.postLogin(token, "Origin", "null").statusCode()).isEqualTo(303);
  }

  @Test
  void twoReplicasOnOneDatabaseShareSessionsAndLoginLimits() throws Exception {
    freshLimits();
    String other = replica.url().toString();
    var http = f.http;
    String cookie = f.login(f.token("team-admin", "payments", 30));
    var me = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(other
        + "/api/v1/me")).header("Cookie", cookie).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(me.statusCode()).as("a session opened on the other replica").isEqualTo(200);
    assertThat(me.body()).contains("\"payments\":\"team-admin\"");
    String page = f.send("GET", "/tokens", null, "Cookie", cookie).body();
    String csrf = page.replaceAll("(?s).*name=\"csrf-token\" content=\"([^\"]+)\".*", "$1");
    var logout = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(other
        + "/logout")).header("Cookie", cookie).header("X-CSRF-Token", csrf)
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(logout.statusCode()).isEqualTo(303);
    assertThat(me(cookie).status()).as("logged out on the other replica").isEqualTo(401);

    for (int i = 0; i < 10; i++) {
      assertThat(f.postLogin("wrong-" + i, "X-Forwarded-For", "203.0.113.77").statusCode())
          .isEqualTo(401);
    }
    var limited = ConsoleFixture.postLogin(http, other, "wrong", "", "X-Forwarded-For",
        "203.0.113.77");
    assertThat(limited.statusCode()).as("the limit counts attempts on every replica")
        .isEqualTo(429);
  }

  @Test
  void jettysOwnErrorPagesCarryTheSecurityHeaders() throws Exception {
    String response;
    try (Socket s = new Socket("127.0.0.1", f.console.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET /%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    assertThat(response).startsWith("HTTP/1.1 400");
    String head = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase();
    assertThat(head).contains("content-security-policy: default-src 'none'")
        .contains("x-frame-options: deny").contains("x-content-type-options: nosniff");
  }

  @Test
  void healthzTellsAnonymousCallersOnlyThatTheConsoleIsUp() throws Exception {
    var anonymous = f.get("/healthz", null);
    assertThat(anonymous.statusCode()).isEqualTo(200);
    assertThat(anonymous.body()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(f.get("/healthz", f.adminToken).body()).contains("\"services\":2");
  }
}
