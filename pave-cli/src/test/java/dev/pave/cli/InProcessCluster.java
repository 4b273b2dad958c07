package dev.pave.cli;

import dev.pave.schema.CustomResourceDefinitions;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import dev.pave.cluster.Cluster;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The embedded Kubernetes API with Pave's CRDs installed (and established) and the namespace
 * apps, and an admin kubeconfig pointing at it, so the cluster commands are tested through the
 * same kubeconfig path kubectl uses.
 */
final class InProcessCluster implements AutoCloseable {
  final Cluster cluster;
  final KubernetesClient client;
  final Path kubeconfig;

  InProcessCluster(Path dir, List<Map<String, Object>> crds) throws IOException {
    cluster = Cluster.start();
    client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl(cluster.url()).withOauthToken(cluster.adminToken()).build()).build();
    for (Map<String, Object> crd : crds) {
      client.apiextensions().v1().customResourceDefinitions().resource(client
          .getKubernetesSerialization().convertValue(crd, CustomResourceDefinition.class))
          .create();
    }
    for (Map<String, Object> crd : crds) {
      String name = (String) ((Map<?, ?>) crd.get("metadata")).get("name");
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
        CustomResourceDefinition d = client.apiextensions().v1().customResourceDefinitions()
            .withName(name).get();
        return d != null && d.getStatus() != null && d.getStatus().getConditions() != null
            && d.getStatus().getConditions().stream().anyMatch(c ->
                "Established".equals(c.getType()) && "True".equals(c.getStatus()));
      });
    }
    namespace("apps");
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, cluster.kubeconfig("sandbox"));
  }

  /** Creates a namespace: the API refuses objects in one that does not exist. */
  void namespace(String name) {
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata().withName(name).endMetadata().build()).create();
  }

  static List<Map<String, Object>> paveCrds() {
    return List.of(CustomResourceDefinitions.application(),
        CustomResourceDefinitions.applicationRevision(), CustomResourceDefinitions.environment(),
        CustomResourceDefinitions.team());
  }

  @Override
  public void close() {
    client.close();
    cluster.close();
  }
}
