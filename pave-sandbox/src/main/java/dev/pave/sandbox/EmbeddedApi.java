package dev.pave.sandbox;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The embedded Kubernetes API: fabric8's in-process API server in CRUD mode on a loopback
 * HTTPS port, with discovery documents for kubectl, admission in front of its store, a
 * kubeconfig for other processes, and its objects kept in a file across restarts (the
 * in-process API itself keeps them only in memory).
 */
final class EmbeddedApi implements AutoCloseable {
  static final String VERSION = "v1.32.0-pave-sandbox";
  /** Events and Leases are the API's short-lived traffic; the journal keeps what matters. */
  private static final Set<String> NOT_KEPT = Set.of("Event", "Lease");

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final KubernetesMockServer server;
  private final KubernetesCrudDispatcher store;
  private final Gate gate;
  private final KubernetesClient client;

  EmbeddedApi(int port) {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    java.util.logging.Logger.getLogger("io.fabric8.kubernetes.client.server.mock")
        .setLevel(java.util.logging.Level.WARNING);
    store = new KubernetesCrudDispatcher();
    gate = new Gate(store, VERSION);
    VersionInfo version = new VersionInfo.Builder().withMajor("1").withMinor("32")
        .withGitVersion(VERSION).build();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), gate,
        true, version);
    try {
      server.init(InetAddress.getLoopbackAddress(), port);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot listen on 127.0.0.1:" + port
          + " for the embedded Kubernetes API: " + e.getMessage(), e);
    }
    client = server.createClient(b -> b.editOrNewConfig().withUserAgent("pave/sandbox")
        .endConfig());
  }

  /** A client as the platform's own components use it. */
  KubernetesClient client() {
    return client;
  }

  Gate gate() {
    return gate;
  }

  String url() {
    return client.getMasterUrl().toString().replaceAll("/$", "");
  }

  int port() {
    return server.getPort();
  }

  /**
   * A kubeconfig for kubectl and the CLI. The API's certificate is generated at each start
   * and is self-signed for localhost without a subject alternative name, which kubectl would
   * refuse; the API listens on loopback only, so the kubeconfig skips verification.
   */
  void writeKubeconfig(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    String text = """
        # Written by pave up for its embedded API; rewritten at every start.
        apiVersion: v1
        kind: Config
        clusters:
        - name: pave-sandbox
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        contexts:
        - name: pave-sandbox
          context: {cluster: pave-sandbox, user: sandbox-admin}
        current-context: pave-sandbox
        users:
        - name: sandbox-admin
          user: {token: sandbox}
        """.formatted(url());
    write(file, text);
  }

  /**
   * Writes every kept object to {@code file} as the store holds it (one JSON document per
   * line, with uid, generation, resourceVersion and status), replacing the file only once the
   * new one is whole. Going through the API instead would lose generations, and with them the
   * operator's record of which generation a pin or a rollback belongs to.
   */
  @SuppressWarnings("unchecked")
  void save(Path file) throws IOException {
    List<String> objects = null;
    // The store guards its map with a lock of its own that is not reachable from here; a
    // copy that overlaps a write fails fast and is taken again.
    for (int attempt = 0; objects == null; attempt++) {
      try {
        objects = new ArrayList<>(store.getMap().values());
      } catch (java.util.ConcurrentModificationException e) {
        if (attempt == 20) {
          throw new IOException("the API was too busy to copy its objects; saved next time");
        }
      }
    }
    StringBuilder b = new StringBuilder();
    for (String json : objects) {
      Map<String, Object> doc = JSON.readValue(json, Map.class);
      if (!NOT_KEPT.contains(String.valueOf(doc.get("kind")))) {
        b.append(JSON.writeValueAsString(doc)).append('\n');
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    write(file, b.toString());
  }

  /**
   * Puts the objects of a saved file back into the store before anything watches it: custom
   * resource definitions through the API (the store learns their kinds from those writes),
   * everything else as it was. Returns how many objects were restored.
   */
  @SuppressWarnings("unchecked")
  int restore(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    List<String> lines = Files.readAllLines(file);
    long newest = 0;
    int n = 0;
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < lines.size(); i++) {
        String json = lines.get(i);
        if (json.isBlank()) {
          continue;
        }
        Map<String, Object> doc;
        try {
          doc = JSON.readValue(json, Map.class);
        } catch (IOException e) {
          throw new IOException(file + ":" + (i + 1) + ": not a saved object ("
              + e.getMessage().lines().findFirst().orElse("") + "); move the file away to start without it", e);
        }
        boolean definition = "CustomResourceDefinition".equals(doc.get("kind"));
        if (definition != (pass == 0)) {
          continue;
        }
        Map<String, Object> meta = (Map<String, Object>) doc.get("metadata");
        if (meta != null && meta.get("resourceVersion") instanceof String rv
            && rv.matches("\\d+")) {
          newest = Math.max(newest, Long.parseLong(rv));
        }
        if (definition) {
          var crd = client.getKubernetesSerialization().convertValue(doc,
              io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class);
          crd.getMetadata().setResourceVersion(null);
          if (client.apiextensions().v1().customResourceDefinitions()
              .withName(crd.getMetadata().getName()).get() == null) {
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
          }
        } else {
          store.getMap().put(store.getAttributeExtractor().fromResource(json), json);
        }
        n++;
      }
    }
    // New writes must get versions above every restored one, as on a real API server.
    while (store.requestResourceVersion() <= newest) {
      // each call takes the next version
    }
    return n;
  }

  static ResourceDefinitionContext context(ApiKinds.Kind k) {
    return new ResourceDefinitionContext.Builder().withGroup(k.group()).withVersion(k.version())
        .withKind(k.kind()).withPlural(k.plural()).withNamespaced(k.namespaced()).build();
  }

  private static void write(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
