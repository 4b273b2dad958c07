package dev.pave.signals;

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
 * The embedded Kubernetes API for a test, and clients of it as the cluster's administrator.
 * It answers as a real API server does: objects go into namespaces that exist, custom
 * resources are served once their definition is established, and writes are validated.
 */
public final class TestApi implements AutoCloseable {
  public final Cluster cluster;
  public final KubernetesClient client;

  private TestApi(Cluster cluster) {
    this.cluster = cluster;
    this.client = client(cluster);
  }

  public static TestApi start() {
    return new TestApi(Cluster.start());
  }

  /** A new client as the administrator (the caller closes it). */
  public static KubernetesClient client(Cluster cluster) {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(cluster.url())
        .withOauthToken(cluster.adminToken()).withUserAgent("pave-test")
        .withRequestTimeout(10_000).withConnectionTimeout(10_000).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  public KubernetesClient newClient() {
    return client(cluster);
  }

  /** Creates namespaces (those that exist already are left as they are). */
  public TestApi namespaces(String... names) {
    for (String n : names) {
      if (client.namespaces().withName(n).get() == null) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(n)
            .endMetadata().build()).create();
      }
    }
    return this;
  }

  /** Creates CustomResourceDefinitions and waits until their kinds are served. */
  @SafeVarargs
  public final TestApi define(Map<String, Object>... definitions) {
    for (Map<String, Object> d : definitions) {
      CustomResourceDefinition crd = client.getKubernetesSerialization().convertValue(d,
          CustomResourceDefinition.class);
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      client.apiextensions().v1().customResourceDefinitions()
          .withName(crd.getMetadata().getName()).waitUntilCondition(c -> c != null
              && c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream().anyMatch(k ->
                  "Established".equals(k.getType()) && "True".equals(k.getStatus())),
              10, TimeUnit.SECONDS);
    }
    return this;
  }

  @Override
  public void close() {
    client.close();
    cluster.close();
  }
}
