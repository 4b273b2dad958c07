package dev.pave.cli;

import dev.pave.schema.CustomResourceDefinitions;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * fabric8's in-process API in CRUD mode with Pave's CRDs installed, and a kubeconfig pointing
 * at it, so the cluster commands are tested through the same kubeconfig path kubectl uses.
 */
final class InProcessCluster implements AutoCloseable {
  final KubernetesMockServer server;
  final KubernetesClient client;
  final Path kubeconfig;

  InProcessCluster(Path dir, List<Map<String, Object>> crds) throws IOException {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    client = server.createClient();
    for (Map<String, Object> crd : crds) {
      client.apiextensions().v1().customResourceDefinitions().resource(client
          .getKubernetesSerialization().convertValue(crd, CustomResourceDefinition.class))
          .create();
    }
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: sandbox, cluster: {server: "%s"}}]
        contexts: [{name: sandbox, context: {cluster: sandbox, user: dev}}]
        current-context: sandbox
        users: [{name: dev, user: {token: not-a-secret}}]
        """.formatted(client.getMasterUrl().toString()));
  }

  static List<Map<String, Object>> paveCrds() {
    return List.of(CustomResourceDefinitions.application(),
        CustomResourceDefinitions.applicationRevision(), CustomResourceDefinitions.environment());
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
