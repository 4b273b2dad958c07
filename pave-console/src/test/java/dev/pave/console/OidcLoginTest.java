package dev.pave.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pave.console.access.Role;
import dev.pave.signals.Postgres;
import dev.pave.signals.TestApi;
import dev.pave.signals.store.Database;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Login through a real OpenID Connect provider, Glewlwyd from Debian's package: authorization
 * code with PKCE, the ID token checked against the provider's JWKS, groups mapped to roles.
 */
class OidcLoginTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aUserLogsInThroughTheProviderAndGetsTheRolesOfTheirGroups() throws Exception {
    assumeTrue(Glewlwyd.installed(), "glewlwyd is not installed (apt-get install glewlwyd"
        + " sqlite3, see .ci/run); skipping the OpenID Connect login test");
    Path dir = Files.createTempDirectory("pave-oidc");
    int consolePort = Glewlwyd.freePort();
    String redirect = "http://127.0.0.1:" + consolePort + "/login/callback";
    try (TestApi api = ConsoleFixture.paveApi();
        Glewlwyd idp = new Glewlwyd(dir, "pave-console", redirect);
        KubernetesClient client = api.newClient();
        Database db = Postgres.fresh();
        Console console = Console.start(Console.Settings.builder().kubernetes(client)
            .dataSource(db.dataSource()).port(consolePort)
            .auth(Auth.oidc(URI.create(idp.issuer()), "pave-console", null, URI.create(redirect),
                "groups", List.of(Auth.GroupMapping.parse("payments-devs=team-member:payments"),
                    new Auth.GroupMapping("platform-team", Role.PLATFORM_ADMIN, null))))
            .build())) {
      assertThat(console.adminToken()).isEmpty();
      CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
      HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies)
          .followRedirects(HttpClient.Redirect.NEVER).build();

      // 1. The console sends the browser to the provider with PKCE.
      var start = browser.send(get(console.url() + "/login/oidc"), body());
      assertThat(start.statusCode()).isEqualTo(302);
      String auth = start.headers().firstValue("Location").orElseThrow();
      assertThat(auth).startsWith(idp.issuer() + "/auth?").contains("code_challenge_method=S256")
          .contains("code_challenge=").contains("nonce=");
      // 2. The provider wants a login first.
      var toLogin = browser.send(get(auth), body());
      assertThat(toLogin.statusCode()).isEqualTo(302);
      String callbackUrl = URLDecoder.decode(toLogin.headers().firstValue("Location")
          .orElseThrow().replaceAll(".*callback_url=([^&]*).*", "$1"), StandardCharsets.UTF_8);
      // 3. Log in at the provider (its login is a JSON API).
      var login = browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + idp.port
          + "/api/auth/")).header("Content-Type", "application/json").POST(HttpRequest
          .BodyPublishers.ofString("{\"username\":\"ana\",\"password\":\"password\"}")).build(),
          body());
      assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
      // 4. The provider redirects back with a code.
      var back = browser.send(get(callbackUrl + "&g_continue"), body());
      assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
      String callback = back.headers().firstValue("Location").orElseThrow();
      assertThat(callback).startsWith(redirect + "?").contains("code=").contains("state=");
      // 5. The console exchanges the code, checks the ID token and opens a session.
      var done = browser.send(get(callback), body());
      assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
      String setCookie = done.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(setCookie).contains("HttpOnly").contains("SameSite=Lax");
      JsonNode me = JSON.readTree(browser.send(get(console.url() + "/api/v1/me"), body()).body());
      assertThat(me.get("name").asText()).isEqualTo("ana");
      assertThat(me.get("platformRole").asText()).isEqualTo("viewer");
      assertThat(me.get("teams").get("payments").asText()).isEqualTo("team-member");

      // The same code and state do not log in twice.
      var replay = browser.send(get(callback), body());
      assertThat(replay.statusCode()).isEqualTo(401);
      assertThat(replay.body()).contains("start again");
    }
  }

  static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).GET().build();
  }

  static HttpResponse.BodyHandler<String> body() {
    return HttpResponse.BodyHandlers.ofString();
  }
}
