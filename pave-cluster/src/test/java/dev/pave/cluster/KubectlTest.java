package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubectl, a real client, against the embedded API over HTTPS with the kubeconfig it writes:
 * discovery, creates, client-side and
 * server-side apply, label, scale, rollout status and auth checks. kubectl is part of the
 * machine the project builds on; without it this test fails rather than skips.
 */
class KubectlTest {
  static Cluster cluster;
  static Path kubeconfig;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    cluster = Cluster.startTls(0, "kubectl-admin");
    kubeconfig = dir.resolve("config");
    Files.writeString(kubeconfig, cluster.kubeconfig("embedded"));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  record Run(int code, String out) {}

  static Run kubectl(String stdin, String... args) throws Exception {
    return kubectlWith(kubeconfig, stdin, args);
  }

  /** kubectl as a user runs it, with {@code kubeconfig}, fed {@code stdin} when not null. */
  static Run kubectlWith(Path kubeconfig, String stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig",
        kubeconfig.toString(), "--request-timeout=20s"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kubectl %s finished", args[0]).isTrue();
    return new Run(p.exitValue(), out);
  }

  @Test
  void kubectlWorksAgainstTheEmbeddedApi() throws Exception {
    // kubectl's create subcommands (protobuf bodies) are KubectlCreateTest's
    Run objects = kubectl("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: demo}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: demo}
        data: {a: b}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: demo}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "nginx:1.27"}]
        """, "apply", "-f", "-");
    assertThat(objects.out()).as(objects.out()).contains("namespace/demo created")
        .contains("configmap/settings created").contains("deployment.apps/web created");
    Run status = kubectl(null, "-n", "demo", "rollout", "status", "deployment/web",
        "--timeout=40s");
    assertThat(status.out()).as(status.out()).contains("successfully rolled out");
    Run label = kubectl(null, "-n", "demo", "label", "deployment", "web", "team=x",
        "--overwrite");
    assertThat(label.code()).as(label.out()).isZero();
    Run scale = kubectl(null, "-n", "demo", "scale", "deployment", "web", "--replicas=3");
    assertThat(scale.out()).as(scale.out()).contains("scaled");
    Run apply = kubectl("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: applied, namespace: demo}
        data: {k: v}
        """, "apply", "-f", "-");
    assertThat(apply.out()).as(apply.out()).contains("configmap/applied created");
    Run ssa = kubectl("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: ssa, namespace: demo}
        data: {k: v}
        """, "apply", "--server-side", "-f", "-");
    assertThat(ssa.out()).as(ssa.out()).contains("serverside-applied");
    Run fields = kubectl(null, "-n", "demo", "get", "configmap", "ssa", "-o", "yaml",
        "--show-managed-fields");
    assertThat(fields.out()).contains("manager: kubectl").contains("operation: Apply");
    Run get = kubectl(null, "-n", "demo", "get", "deploy,cm", "-o", "name");
    assertThat(get.out()).contains("deployment.apps/web").contains("configmap/settings");
    Run whoami = kubectl(null, "get", "--raw", "/version");
    assertThat(whoami.out()).contains("\"gitVersion\":\"v1.36.2\"");
    Run missing = kubectl(null, "-n", "demo", "get", "configmap", "nope");
    assertThat(missing.code()).isNotZero();
    assertThat(missing.out()).contains("configmaps \"nope\" not found");
  }
}
