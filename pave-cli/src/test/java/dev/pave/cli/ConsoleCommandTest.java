package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.schema.CustomResourceDefinitions;
import dev.pave.signals.Postgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** pave console as a user runs it: against a kubeconfig, with a database URL. */
class ConsoleCommandTest {
  @TempDir Path tmp;

  @Test
  void theConsoleServesTheClusterPrintsTheSandboxTokenAndStopsCleanly() throws Exception {
    try (InProcessCluster cluster = new InProcessCluster(tmp, List.of(
        CustomResourceDefinitions.application(), CustomResourceDefinitions.environment()))) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cl = Pave.commandLine();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      AtomicInteger exit = new AtomicInteger(-1);
      Thread t = new Thread(() -> exit.set(cl.execute("console", "--kubeconfig",
          cluster.kubeconfig.toString(), "--db", Postgres.freshUrl(), "--port", "0")));
      t.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> out.toString()
          .contains("pave console: http://"));
      String url = out.toString().replaceAll("(?s).*pave console: (http://\\S+).*", "$1");
      String token = err.toString().replaceAll("(?s).*sandbox admin token \\(works once at"
          + " \\S+\\): (\\S+).*", "$1");
      HttpClient http = HttpClient.newHttpClient();
      assertThat(http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/me")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      var me = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/me"))
          .header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(me.statusCode()).isEqualTo(200);
      assertThat(me.body()).contains("\"platformRole\":\"platform-admin\"");
      t.interrupt();
      t.join(30_000);
      assertThat(exit.get()).isZero();
      assertThat(out.toString()).contains("pave console: stopped");
    }
  }

  @Test
  void oidcOptionsWithoutAnIssuerAreAUsageError() {
    Cli r = Cli.run("console", "--oidc-client-id", "pave");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--oidc-client-id and --oidc-group need --oidc-issuer");
  }

  @Test
  void aMalformedGroupMappingNamesTheExpectedForm() {
    Cli r = Cli.run("console", "--oidc-issuer", "https://sso.example.com", "--oidc-client-id",
        "pave", "--oidc-group", "payments");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("expected GROUP=ROLE[:TEAM]");
  }
}
