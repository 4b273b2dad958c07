package dev.pave.sandbox;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
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

  private final KubernetesMockServer server;
  private final Gate gate;
  private final KubernetesClient client;

  EmbeddedApi(int port) {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    java.util.logging.Logger.getLogger("io.fabric8.kubernetes.client.server.mock")
        .setLevel(java.util.logging.Level.WARNING);
    KubernetesCrudDispatcher store = new KubernetesCrudDispatcher();
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

  /** Writes every kept object to {@code file}, replacing it only once the new one is whole. */
  void save(Path file) throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (ApiKinds.Kind k : ApiKinds.ALL) {
      if (NOT_KEPT.contains(k.kind())) {
        continue;
      }
      for (GenericKubernetesResource r : list(k)) {
        Map<String, Object> doc = client.getKubernetesSerialization().convertValue(r, Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = (Map<String, Object>) doc.get("metadata");
        meta.remove("resourceVersion");
        meta.remove("managedFields");
        docs.add(doc);
      }
    }
    StringBuilder b = new StringBuilder("# The embedded API's objects, written by pave up.\n");
    for (Map<String, Object> d : docs) {
      b.append("---\n").append(dev.pave.render.Manifests.yamlOf(d));
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    write(file, b.toString());
  }

  /**
   * Creates the objects of a saved file: definitions first, then namespaces, then the rest,
   * each with its status (which a create does not take for kinds with a status subresource).
   */
  @SuppressWarnings("unchecked")
  int restore(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object o : new org.yaml.snakeyaml.Yaml().loadAll(Files.readString(file))) {
      if (o instanceof Map<?, ?> m) {
        docs.add((Map<String, Object>) m);
      }
    }
    int n = 0;
    for (String phase : List.of("CustomResourceDefinition", "Namespace", "")) {
      for (Map<String, Object> d : docs) {
        String kind = String.valueOf(d.get("kind"));
        boolean first = kind.equals("CustomResourceDefinition") || kind.equals("Namespace");
        if (phase.isEmpty() ? first : !kind.equals(phase)) {
          continue;
        }
        ApiKinds.Kind k = kindOf(String.valueOf(d.get("apiVersion")), kind);
        if (k == null) {
          continue;
        }
        GenericKubernetesResource r = client.getKubernetesSerialization()
            .convertValue(d, GenericKubernetesResource.class);
        var op = client.genericKubernetesResources(context(k));
        var target = k.namespaced() ? op.inNamespace(r.getMetadata().getNamespace()).resource(r)
            : op.resource(r);
        HasMetadata created = target.create();
        if (d.get("status") != null && k.group().equals("pave.dev")) {
          r.getMetadata().setResourceVersion(created.getMetadata().getResourceVersion());
          (k.namespaced() ? op.inNamespace(r.getMetadata().getNamespace()).resource(r)
              : op.resource(r)).updateStatus();
        }
        n++;
      }
    }
    return n;
  }

  private List<GenericKubernetesResource> list(ApiKinds.Kind k) {
    var op = client.genericKubernetesResources(context(k));
    return (k.namespaced() ? op.inAnyNamespace().list() : op.list()).getItems();
  }

  private static ApiKinds.Kind kindOf(String apiVersion, String kind) {
    for (ApiKinds.Kind k : ApiKinds.ALL) {
      if (k.groupVersion().equals(apiVersion) && k.kind().equals(kind)) {
        return k;
      }
    }
    return null;
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
