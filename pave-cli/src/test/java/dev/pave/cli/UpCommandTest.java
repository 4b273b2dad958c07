package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The first command of the Quick start: starts, answers, kubectl sees the demo, stops cleanly. */
class UpCommandTest {
  @TempDir Path data;

  @Test
  void upStartsAnswersShowsTheDemoToKubectlAndStopsCleanly() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Pave.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    AtomicInteger exit = new AtomicInteger(-1);
    Thread up = new Thread(() -> exit.set(cl.execute("up", "--data", data.toString(),
        "--port", "0", "--signals-port", "0")));
    up.start();
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> out.toString().contains("Ctrl-C"));
      String printed = out.toString();
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
        Process p = new ProcessBuilder("kubectl", "--kubeconfig", kubeconfig.toString(), "get",
            "applications,deployments", "-A").redirectErrorStream(true).start();
        String listed = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(listed).isZero();
        assertThat(listed).contains("application.pave.dev/checkout")
            .contains("deployment.apps/legacy-reports")
            .contains("deployment.apps/recommendations");
      } else {
        System.out.println("kubectl is not installed: the kubectl listing is not checked");
      }
    } finally {
      up.interrupt();
      up.join(TimeUnit.SECONDS.toMillis(60));
    }
    assertThat(up.isAlive()).isFalse();
    assertThat(exit.get()).as(err.toString()).isZero();
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
