package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pave.schema.CustomResourceDefinitions;
import dev.pave.signals.Postgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pave console as a user runs it: against a kubeconfig, with a database URL. */
class ConsoleCommandTest {
  @TempDir Path tmp;

  @Test
  void theConsoleServesTheClusterPrintsTheSandboxTokenAndStopsCleanly() throws Exception {
    try (InProcessCluster cluster = new InProcessCluster(tmp, List.of(
        CustomResourceDefinitions.application(), CustomResourceDefinitions.applicationRevision(),
        CustomResourceDefinitions.environment()))) {
      seed(cluster);
      Running console = Running.start("console", "--kubeconfig",
          cluster.kubeconfig.toString(), "--db", Postgres.freshUrl(), "--port", "0");
      await().atMost(Duration.ofSeconds(60)).until(() -> console.out.toString()
          .contains("pave console: http://"));
      String url = console.out.toString()
          .replaceAll("(?s).*pave console: (http://\\S+).*", "$1");
      String token = console.err.toString()
          .replaceAll("(?s).*sandbox admin token \\(works once at \\S+\\): (\\S+).*", "$1");
      HttpClient http = HttpClient.newHttpClient();
      assertThat(http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/me")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      var me = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/me"))
          .header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(me.statusCode()).isEqualTo(200);
      assertThat(me.body()).contains("\"platformRole\":\"platform-admin\"");
      // The cluster commands through the console's API with a token.
      Path tokenFile = tmp.resolve("token");
      java.nio.file.Files.writeString(tokenFile, token);
      Cli status = Cli.run("status", "checkout", "-e", "dev", "--server", url, "--token-file",
          tokenFile.toString());
      assertThat(status.exit()).as(status.err()).isZero();
      assertThat(status.out()).startsWith("checkout in dev: Available, revision 2, Healthy");
      Cli history = Cli.run("history", "checkout", "-e", "dev", "--server", url,
          "--token-file", tokenFile.toString());
      assertThat(history.exit()).as(history.err()).isZero();
      assertThat(history.out()).containsPattern("(?m)^1 +ana ").containsPattern("(?m)^2 +bo ");
      var viewer = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/tokens"))
          .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(
              "{\"name\":\"ci\",\"role\":\"viewer\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      Path viewerFile = tmp.resolve("viewer");
      java.nio.file.Files.writeString(viewerFile, viewer.body().replaceAll(
          ".*\"token\":\"([^\"]+)\".*", "$1"));
      Cli refused = Cli.run("rollback", "checkout", "-e", "dev", "--server", url,
          "--token-file", viewerFile.toString());
      assertThat(refused.exit()).isEqualTo(1);
      assertThat(refused.err()).contains("may not roll back checkout").contains("HTTP 403");
      Cli rollback = Cli.run("rollback", "checkout", "-e", "dev", "--server", url,
          "--token-file", tokenFile.toString());
      assertThat(rollback.exit()).as(rollback.err()).isZero();
      assertThat(rollback.out()).containsPattern(
          "checkout in dev rolled back to revision 1 in \\d+ ms \\(recorded as revision 3\\)");
      assertThat(console.stop()).isZero();
      assertThat(console.out.toString()).contains("pave console: stopped");
    }
  }

  @Test
  void oidcOptionsWithoutAnIssuerAreAUsageError() {
    Cli r = Cli.run("console", "--oidc-client-id", "pave");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--oidc-client-id and --oidc-group need --oidc-issuer");
  }

  @Test
  void aBadTrustedProxyOrSessionLifetimeIsAUsageErrorNamingIt() {
    Cli r = Cli.run("console", "--trusted-proxy", "10.0.0.0/99");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("trusted proxy \"10.0.0.0/99\"").contains("CIDR");
    r = Cli.run("console", "--session-lifetime", "0h");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("session lifetime").contains("must be positive");
    r = Cli.run("console", "--session-idle", "soon");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("expected a number with ms, s, m or h");
  }

  @Test
  void aMalformedGroupMappingNamesTheExpectedForm() {
    Cli r = Cli.run("console", "--oidc-issuer", "https://sso.example.com", "--oidc-client-id",
        "pave", "--oidc-group", "payments");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("expected GROUP=ROLE[:TEAM]");
  }

  static void seed(InProcessCluster cluster) {
    var releases = new dev.pave.control.Releases(cluster.client, java.time.Clock.systemUTC(),
        System::nanoTime, 20);
    var target = new dev.pave.control.Releases.Target("checkout", "dev", "checkout-dev");
    releases.deploy(target, dev.pave.render.Renderer.render(dev.pave.render.Specs.app("port: 8080"),
        dev.pave.spec.Environments.builtIn().get("dev")), "v1", "ana", "abc123");
    releases.deploy(target, dev.pave.render.Renderer.render(dev.pave.render.Specs.app("port: 8081"),
        dev.pave.spec.Environments.builtIn().get("dev")), "v2", "bo", "def456");
    cluster.namespace("pave-apps"); // as the install creates it
    var a = new dev.pave.control.ApplicationResource();
    a.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("checkout")
        .withNamespace("pave-apps").addToLabels("pave.dev/environment", "dev").build());
    a.setSpec(new java.util.LinkedHashMap<>(java.util.Map.of("team", "payments", "image",
        "registry.example.com/payments/checkout:1.4.2", "port", 8081)));
    a = cluster.client.resource(a).create();
    a.setStatus(new java.util.LinkedHashMap<>(java.util.Map.of("revision", 2, "phase",
        "Available", "conditions", List.of(java.util.Map.of("type", "Ready", "status", "True",
            "reason", "RolloutAvailable", "message", "Revision 2 is available.")),
        "objects", List.of(java.util.Map.of("kind", "Deployment", "namespace", "checkout-dev",
            "name", "checkout")))));
    cluster.client.resource(a).updateStatus();
  }
}
