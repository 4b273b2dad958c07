package dev.pave.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pave.cluster.Cluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The embedded Kubernetes API (Pave's own, {@link Cluster}) on a loopback port, with a
 * kubeconfig for other processes and its objects kept in a file across restarts (the API
 * itself keeps them only in memory).
 */
final class EmbeddedApi implements AutoCloseable {
  static final String CONTEXT = "pave-sandbox";
  /** Events and Leases are the API's short-lived traffic; the file keeps what matters. */
  private static final Set<String> NOT_KEPT = Set.of("Event", "Lease");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Cluster cluster;
  private final KubernetesClient client;
  private long savedAt = -1;

  EmbeddedApi(int port) {
    // A fresh administrator token at every start: the kubeconfig is rewritten with it, and a
    // kubeconfig of an earlier start stops working as that of a stopped API would.
    cluster = Cluster.startTls(port, "pave-sandbox-" + java.util.UUID.randomUUID());
    client = client(cluster, "pave/sandbox");
  }

  /**
   * A client of the API as the administrator. The platform's components use one; they run
   * with the rights a cluster install grants them and more, which the sandbox does not model.
   */
  static KubernetesClient client(Cluster cluster, String userAgent) {
    Config config = Config.fromKubeconfig(cluster.kubeconfig(CONTEXT));
    config.setUserAgent(userAgent);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  KubernetesClient client() {
    return client;
  }

  Cluster cluster() {
    return cluster;
  }

  String url() {
    return cluster.url();
  }

  int port() {
    return cluster.port();
  }

  /** A kubeconfig for kubectl and the CLI: plain HTTP on loopback, the administrator's token. */
  void writeKubeconfig(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    write(file, "# Written by pave up for its embedded API; rewritten at every start.\n"
        + cluster.kubeconfig(CONTEXT));
  }

  /** Whether anything was written since the last save. */
  boolean changedSinceSave() {
    return cluster.store().resourceVersion() != savedAt;
  }

  /**
   * Writes every kept object to {@code file} as the store holds it (one JSON document per
   * line, with uid, generation, resourceVersion and status), replacing the file only once the
   * new one is whole. Going through the API instead would lose generations, and with them the
   * operator's record of which generation a pin or a rollback belongs to.
   */
  void save(Path file) throws IOException {
    long at = cluster.store().resourceVersion();
    StringBuilder b = new StringBuilder();
    for (ObjectNode o : cluster.objects()) {
      if (!NOT_KEPT.contains(o.path("kind").asText())) {
        b.append(JSON.writeValueAsString(o)).append('\n');
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    write(file, b.toString());
    savedAt = at;
  }

  /**
   * Puts the objects of a saved file back into the store before anything reads it. Returns
   * how many objects were restored; objects of kinds the API does not serve are left out.
   */
  int restore(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    List<String> lines = Files.readAllLines(file);
    List<ObjectNode> saved = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String json = lines.get(i);
      if (json.isBlank()) {
        continue;
      }
      try {
        saved.add((ObjectNode) JSON.readTree(json));
      } catch (IOException | ClassCastException e) {
        throw new IOException(file + ":" + (i + 1) + ": not a saved object ("
            + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
            + "); move the file away to start without it", e);
      }
    }
    int restored = cluster.restore(saved);
    savedAt = cluster.store().resourceVersion();
    return restored;
  }

  private static void write(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void close() {
    client.close();
    cluster.close();
  }
}
