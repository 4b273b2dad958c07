package dev.pave.bench;

import dev.pave.cluster.Cluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The embedded Kubernetes API for a benchmark, the one the sandbox and the tests use, and a
 * client of it as the administrator.
 */
final class BenchApi implements AutoCloseable {
  final Cluster cluster;
  final KubernetesClient client;

  private BenchApi() {
    cluster = Cluster.start();
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(cluster.url())
        .withOauthToken(cluster.adminToken()).withUserAgent("pave-bench")
        .withRequestTimeout(30_000).withConnectionTimeout(10_000).build();
    client = new KubernetesClientBuilder().withConfig(config).build();
  }

  static BenchApi start() {
    return new BenchApi();
  }

  BenchApi namespaces(String... names) {
    for (String n : names) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(n)
          .endMetadata().build()).create();
    }
    return this;
  }

  /** Creates a CustomResourceDefinition and waits until its kinds are served. */
  BenchApi define(Map<String, Object> definition) {
    return define(client.getKubernetesSerialization().convertValue(definition,
        CustomResourceDefinition.class));
  }

  BenchApi define(CustomResourceDefinition crd) {
    define(client, crd);
    return this;
  }

  /** Creates a CustomResourceDefinition through {@code client}; waits until it is served. */
  static void define(KubernetesClient client, CustomResourceDefinition crd) {
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata()
        .getName()).waitUntilCondition(c -> c != null && c.getStatus() != null
            && c.getStatus().getConditions() != null
            && c.getStatus().getConditions().stream().anyMatch(k ->
                "Established".equals(k.getType()) && "True".equals(k.getStatus())),
        30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    client.close();
    cluster.close();
  }
}
