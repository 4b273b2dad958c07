package dev.pave.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.signals.Postgres;
import dev.pave.signals.TestApi;
import dev.pave.signals.store.Database;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Session cookies are Secure behind https, and the one-time admin token works once. */
class CookieTest {
  @Test
  void behindHttpsTheSessionCookieIsSecureAndTheAdminTokenIsUsedUpByTheLogin()
      throws Exception {
    try (TestApi api = ConsoleFixture.paveApi();
        KubernetesClient client = api.newClient();
        Database db = Postgres.fresh();
        Console console = Console.start(Console.Settings.builder().kubernetes(client)
            .dataSource(db.dataSource()).auth(Auth.sandbox()).port(0)
            .publicUrl(URI.create("https://pave.example.com")).build())) {
      String token = console.adminToken().orElseThrow();
      assertThat(console.url()).isEqualTo(URI.create("https://pave.example.com"));
      // Reach the server on its loopback address; the public URL is what browsers see.
      String local = "http://127.0.0.1:" + console.port();
      HttpClient http = HttpClient.newHttpClient();
      var login = ConsoleFixture.postLogin(http, local, token, "");
      assertThat(login.statusCode()).isEqualTo(303);
      assertThat(login.headers().firstValue("Set-Cookie").orElseThrow())
          .contains("HttpOnly").contains("SameSite=Lax").contains("Secure");
      assertThat(login.headers().firstValue("Strict-Transport-Security")).isPresent();
      assertThat(console.adminToken()).isEmpty();
      var again = ConsoleFixture.postLogin(http, local, token, "");
      assertThat(again.statusCode()).isEqualTo(401);
      assertThat(http.send(HttpRequest.newBuilder(URI.create(local + "/api/v1/me"))
          .header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }
  }
}
