package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first command of the Quick start: starts, answers, kubectl sees the demo, stops cleanly. */
class UpCommandTest {
  @TempDir Path data;

  @Test
  void upStartsAnswersShowsTheDemoToKubectlAndStopsCleanly() throws Exception {
    Running up = Running.start("up", "--data", data.toString(), "--port", "0",
        "--signals-port", "0");
    int exit;
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> up.out.toString().contains("Ctrl-C"));
      String printed = up.out.toString();
      assertThat(printed).contains("Pave is ready in").contains("demo seeded");
      Matcher console = Pattern.compile("console +(http://127\\.0\\.0\\.1:\\d+) +\\(one-time"
          + " admin token: (\\S+)\\)").matcher(printed);
      assertThat(console.find()).as(printed).isTrue();
      HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(console.group(1) + "/api/v1/services"))
          .header("Authorization", "Bearer " + console.group(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(api.statusCode()).isEqualTo(200);
      assertThat(api.body()).contains("checkout").contains("recommendations");

      Path kubeconfig = data.resolve("kubeconfig");
      assertThat(kubeconfig).exists();
      if (onPath("kubectl")) {
        // The operator applies the seeded Applications while the sandbox already answers.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          Process p = new ProcessBuilder("kubectl", "--kubeconfig", kubeconfig.toString(),
              "get", "applications,deployments", "-A").redirectErrorStream(true).start();
          String listed = new String(p.getInputStream().readAllBytes());
          assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
          assertThat(p.exitValue()).as(listed).isZero();
          assertThat(listed).contains("application.pave.dev/checkout")
              .contains("deployment.apps/legacy-reports")
              .contains("deployment.apps/recommendations");
        });
      } else {
        System.out.println("kubectl is not installed: the kubectl listing is not checked");
      }
    } finally {
      exit = up.stop();
    }
    assertThat(exit).as(up.err.toString()).isZero();
    assertThat(Files.readString(data.resolve("cluster.jsonl")))
        .contains("\"name\":\"recommendations\"");
  }

  @Test
  void upAgainstAClusterRunsTheSameOperatorAndConsoleAndSeedsNothing() throws Exception {
    try (InProcessCluster cluster = new InProcessCluster(data, InProcessCluster.paveCrds())) {
      Running up = Running.start("up", "--kubeconfig", cluster.kubeconfig.toString(),
          "--data", data.resolve("state").toString(), "--port", "0", "--signals-port", "0");
      int exit;
      try {
        await().atMost(Duration.ofSeconds(90)).until(() -> up.out.toString().contains("Ctrl-C"));
        assertThat(up.out.toString()).doesNotContain("demo seeded")
            .contains(cluster.client.getMasterUrl().toString().replaceAll("/$", ""));
        dev.pave.control.ApplicationResource app = new dev.pave.control.ApplicationResource();
        app.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("checkout").withNamespace("pave-apps").build());
        app.setSpec(new java.util.LinkedHashMap<>(java.util.Map.of("team", "payments",
            "image", "registry.example.com/payments/checkout:1.4.2", "port", 8080)));
        cluster.namespace("pave-apps"); // as the install creates it
        cluster.client.resources(dev.pave.control.ApplicationResource.class).resource(app)
            .create();
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.client.apps().deployments()
            .inNamespace("checkout-dev").withName("checkout").get() != null);
        assertThat(data.resolve("state").resolve("cluster.jsonl")).doesNotExist();
      } finally {
        exit = up.stop();
      }
      assertThat(exit).as(up.err.toString()).isZero();
    }
  }

  @Test
  void ctrlCStopsUpWithExitCodeZeroAndASecondUpOnTheSameDataFailsAtOnce() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process up = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "dev.pave.cli.Pave", "up", "--data", data.toString(), "--port", "0",
        "--signals-port", "0").redirectErrorStream(true).start();
    StringBuffer printed = new StringBuffer();
    Thread reader = new Thread(() -> {
      try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(
          up.getInputStream()))) {
        in.lines().forEach(l -> printed.append(l).append('\n'));
      } catch (java.io.IOException ignored) {
        // the process ended
      }
    });
    reader.start();
    try {
      await().atMost(Duration.ofSeconds(120)).until(() -> printed.toString().contains("Ctrl-C")
          || !up.isAlive());
      assertThat(up.isAlive()).as(printed.toString()).isTrue();
      String kubeconfig = Files.readString(data.resolve("kubeconfig"));
      Cli second = Cli.run("up", "--data", data.toString(), "--port", "0", "--signals-port",
          "0");
      assertThat(second.exit()).isEqualTo(ExitCode.INVALID);
      assertThat(second.err()).contains("is in use by another pave up (process " + up.pid()
          + ")");
      assertThat(data.resolve("kubeconfig")).hasContent(kubeconfig);
      // What Ctrl-C sends to the foreground process.
      new ProcessBuilder("kill", "-INT", Long.toString(up.pid())).start().waitFor();
      assertThat(up.waitFor(60, TimeUnit.SECONDS)).as(printed.toString()).isTrue();
    } finally {
      up.destroyForcibly();
    }
    reader.join(5000);
    assertThat(up.exitValue()).as(printed.toString()).isZero();
    assertThat(printed.toString()).contains("pave up: stopping");
    assertThat(Files.readString(data.resolve("cluster.jsonl")))
        .contains("\"name\":\"recommendations\"");
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
