package dev.pave.control;

import dev.pave.cluster.Cluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * The embedded Kubernetes API with an admin client: what every test of the control plane runs
 * against. It answers as a real API server does, so namespaces must exist before objects go in
 * them, and a CRD's kind is served only once the CRD is established.
 */
public final class TestCluster implements AutoCloseable {
  public final Cluster cluster;
  public final KubernetesClient client;

  private TestCluster() {
    cluster = Cluster.start();
    client = client(cluster.adminToken());
  }

  public static TestCluster start() {
    return new TestCluster();
  }

  /** A new client authenticating with {@code token}. */
  public KubernetesClient client(String token) {
    return client(token, "fabric8-kubernetes-client/test");
  }

  /**
   * A new client authenticating with {@code token} whose user agent, as on a real server, names
   * the field manager of its updates ("pave/1.0" writes as manager "pave").
   */
  public KubernetesClient client(String token, String userAgent) {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl(cluster.url()).withOauthToken(token).withUserAgent(userAgent).build())
        .build();
  }

  public TestCluster crds(List<Map<String, Object>> crds) {
    for (Map<String, Object> crd : crds) {
      CustomResourceDefinition d = client.getKubernetesSerialization().convertValue(crd,
          CustomResourceDefinition.class);
      client.apiextensions().v1().customResourceDefinitions().resource(d).create();
    }
    for (Map<String, Object> crd : crds) {
      String name = (String) ((Map<?, ?>) crd.get("metadata")).get("name");
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> established(name));
    }
    return this;
  }

  private boolean established(String name) {
    CustomResourceDefinition d = client.apiextensions().v1().customResourceDefinitions()
        .withName(name).get();
    return d != null && d.getStatus() != null && d.getStatus().getConditions() != null
        && d.getStatus().getConditions().stream().anyMatch(c -> "Established".equals(c.getType())
            && "True".equals(c.getStatus()));
  }

  public TestCluster namespaces(String... names) {
    for (String n : names) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(n)
          .endMetadata().build()).create();
    }
    return this;
  }

  @Override
  public void close() {
    client.close();
    cluster.close();
  }
}
