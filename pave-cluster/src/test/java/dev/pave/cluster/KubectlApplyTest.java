package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubectl's client-side apply of a ConfigMap a second time: it computes the strategic merge
 * patch from the ConfigMap schema the v3 document publishes, whose metadata refers to an
 * ObjectMeta schema the document does not hold. The patch still removes a key the last
 * applied configuration had and changes the others.
 */
class KubectlApplyTest {
  @Test
  void reappliesAConfigMapFromThePublishedSchema(@TempDir Path dir) throws Exception {
    try (Cluster cluster = Cluster.startTls(0, "kubectl-admin")) {
      Path kubeconfig = dir.resolve("config");
      Files.writeString(kubeconfig, cluster.kubeconfig("embedded"));
      // kubectl create sends protobuf, which this API does not decode; apply sends JSON
      assertThat(kubectl(kubeconfig, "apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n",
          "apply", "-f", "-").out()).contains("created");
      String first = """
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: settings, namespace: demo}
          data: {a: "1", b: "2"}
          """;
      assertThat(kubectl(kubeconfig, first, "apply", "-f", "-").out()).contains("created");
      KubectlTest.Run again = kubectl(kubeconfig, first.replace("a: \"1\", b: \"2\"", "a: \"3\""),
          "apply", "-f", "-");
      assertThat(again.out()).as(again.out()).contains("configured");
      KubectlTest.Run get = kubectl(kubeconfig, null, "-n", "demo", "get", "configmap", "settings", "-o",
          "jsonpath={.data}");
      assertThat(get.out()).isEqualTo("{\"a\":\"3\"}");
    }
  }

  private static KubectlTest.Run kubectl(Path kubeconfig, String stdin, String... args)
      throws Exception {
    return KubectlTest.kubectlWith(kubeconfig, stdin, args);
  }
}
