package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.control.Releases;
import dev.pave.render.Renderer;
import dev.pave.render.Specs;
import dev.pave.schema.CustomResourceDefinitions;
import dev.pave.spec.Environments;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** history and rollback against the in-process API, through a kubeconfig as kubectl uses. */
class ClusterCommandsTest {
  @TempDir Path tmp;
  KubernetesMockServer server;
  KubernetesClient client;
  Path kubeconfig;
  InProcessCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new InProcessCluster(tmp, List.of(CustomResourceDefinitions.applicationRevision()));
    server = cluster.server;
    client = cluster.client;
    kubeconfig = cluster.kubeconfig;
    Releases releases = new Releases(client, Clock.systemUTC(), System::nanoTime, 20);
    Releases.Target t = new Releases.Target("checkout", "dev", "checkout-dev");
    releases.deploy(t, Renderer.render(Specs.app("port: 8080\nenv: {LOG_LEVEL: info}"),
        Environments.builtIn().get("dev")), "v1", "ana", "abc123");
    releases.deploy(t, Renderer.render(Specs.app("port: 8080\nenv: {LOG_LEVEL: debug}"),
        Environments.builtIn().get("dev")), "v2", "bo", "def456");
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void historyListsTheKeptRevisions() {
    Cli r = Cli.run("history", "checkout", "-e", "dev", "--kubeconfig", kubeconfig.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("REVISION  CHANGED-BY")
        .containsPattern("(?m)^1 +ana +\\S+ +abc123 ")
        .containsPattern("(?m)^2 +bo +\\S+ +def456 ");
  }

  @Test
  void rollbackAppliesThePreviousRevisionAndSaysHowLongItTook() {
    Cli r = Cli.run("rollback", "checkout", "-e", "dev", "--kubeconfig", kubeconfig.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("checkout in dev rolled back to revision 1 in \\d+ ms"
        + " \\(recorded as revision 3\\)");
    String level = client.apps().deployments().inNamespace("checkout-dev").withName("checkout")
        .get().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("LOG_LEVEL")).findFirst().orElseThrow().getValue();
    assertThat(level).isEqualTo("info");
  }

  @Test
  void aRevisionThatIsNotKeptIsAUsageError() {
    Cli r = Cli.run("rollback", "checkout", "-e", "dev", "--to", "9", "--kubeconfig",
        kubeconfig.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: revision 9 is not kept; kept revisions: [1, 2]\n");
  }

  @Test
  void diffShowsWhatDeployingWouldChangeAndNothingWhenInStep() throws Exception {
    Path spec = tmp.resolve("pave.yaml");
    Files.writeString(spec, Specs.HEAD + "  port: 8080\n  env: {LOG_LEVEL: debug}\n");
    Cli same = Cli.run("diff", spec.toString(), "-e", "dev", "--kubeconfig",
        kubeconfig.toString());
    assertThat(same.exit()).as(same.out()).isZero();
    assertThat(same.err()).isEqualTo("no changes\n");
    Files.writeString(spec, Specs.HEAD + "  port: 8080\n  env: {LOG_LEVEL: warn}\n");
    Cli changed = Cli.run("diff", spec.toString(), "-e", "dev", "--kubeconfig",
        kubeconfig.toString());
    assertThat(changed.exit()).isEqualTo(1);
    assertThat(changed.out()).contains("--- live/Deployment/checkout-dev/checkout")
        .contains("-              value: debug").contains("+              value: warn")
        .doesNotContain("\u001b[");
    assertThat(changed.err()).isEqualTo("1 object would change\n");
  }

  @Test
  void anUnreachableClusterIsSaidPlainlyWithoutAStackTrace() throws Exception {
    Path closed = tmp.resolve("closed");
    Files.writeString(closed, Files.readString(kubeconfig)
        .replace(client.getMasterUrl().toString(), "http://127.0.0.1:9/"));
    Cli r = Cli.run("history", "checkout", "-e", "dev", "--kubeconfig", closed.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: cannot reach the Kubernetes API")
        .contains("check the kubeconfig context").doesNotContain("\tat ");
  }
}
