package dev.pave.cli;

import dev.pave.cluster.Cluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The cluster the end-to-end scenarios run on: the one {@code KUBECONFIG} names, or, when it
 * is unset (or the embedded API is asked for), Pave's embedded Kubernetes API on a loopback
 * port with a kubeconfig written for it, so the same scenarios check both the operator and
 * the embedded API in the ordinary build.
 */
final class E2eTarget implements AutoCloseable {
  /** The embedded API, or null on a real cluster. */
  final Cluster embedded;
  /** An administrator's kubeconfig, as kubectl and the CLI read it. */
  final Path kubeconfig;
  final KubernetesClient client;
  final Path dir;

  private E2eTarget(Cluster embedded, Path kubeconfig, Path dir) {
    this.embedded = embedded;
    this.kubeconfig = kubeconfig;
    this.dir = dir;
    this.client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(null,
        read(kubeconfig), kubeconfig.toString())).build();
  }

  static E2eTarget connect(boolean forceEmbedded) throws IOException {
    Path dir = Files.createTempDirectory("pave-e2e");
    String env = System.getenv("KUBECONFIG");
    if (!forceEmbedded && env != null && !env.isBlank()) {
      return new E2eTarget(null, Path.of(env.split(File.pathSeparator)[0]), dir);
    }
    Cluster cluster = Cluster.start();
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, cluster.kubeconfig("embedded"));
    return new E2eTarget(cluster, kubeconfig, dir);
  }

  String where() {
    return embedded != null ? "embedded API at " + embedded.url()
        : "cluster " + client.getMasterUrl() + " (KUBECONFIG)";
  }

  /**
   * A kubeconfig for the same server that authenticates with {@code token} only, so a process
   * using it has exactly the rights RBAC gives that token's subject.
   */
  Path kubeconfigWithToken(String name, String token) throws IOException {
    Config c = client.getConfiguration();
    String tls;
    if (c.getCaCertData() != null && !c.getCaCertData().isBlank()) {
      tls = "certificate-authority-data: " + c.getCaCertData();
    } else if (c.getCaCertFile() != null) {
      tls = "certificate-authority-data: " + Base64.getEncoder().encodeToString(
          Files.readAllBytes(Path.of(c.getCaCertFile())));
    } else {
      tls = c.getMasterUrl().startsWith("https") ? "insecure-skip-tls-verify: true" : "";
    }
    Path p = dir.resolve(name + ".kubeconfig");
    Files.writeString(p, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: e2e
          cluster: {server: "%s"%s}
        contexts:
        - name: e2e
          context: {cluster: e2e, user: %s}
        current-context: e2e
        users:
        - name: %s
          user: {token: "%s"}
        """.formatted(c.getMasterUrl().replaceAll("/$", ""), tls.isEmpty() ? "" : ", " + tls,
        name, name, token));
    return p;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the kubeconfig " + p + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    client.close();
    if (embedded != null) {
      embedded.close();
    }
  }
}
