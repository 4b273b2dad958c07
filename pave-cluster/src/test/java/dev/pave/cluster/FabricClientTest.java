package dev.pave.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fabric8 client, as Pave's own components use it, against the embedded API over HTTP
 * and HTTPS: an informer across all namespaces becomes ready and sees an object created
 * after it started.
 */
class FabricClientTest {
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anInformerStartsAndSeesChanges(boolean tls) throws Exception {
    try (Cluster cluster = tls ? Cluster.startTls(0, "t") : Cluster.start(0, "t");
        KubernetesClient client = new KubernetesClientBuilder().withConfig(
            Config.fromKubeconfig(cluster.kubeconfig("embedded"))).build()) {
      List<String> seen = new CopyOnWriteArrayList<>();
      SharedIndexInformer<Deployment> informer = client.apps().deployments().inAnyNamespace()
          .inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment d) {
              seen.add(d.getMetadata().getName());
            }

            @Override
            public void onUpdate(Deployment a, Deployment b) {}

            @Override
            public void onDelete(Deployment d, boolean unknown) {}
          });
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("a")
          .endMetadata().build()).create();
      client.apps().deployments().inNamespace("a").resource(new io.fabric8.kubernetes.api
          .model.apps.DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
          .withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector()
          .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
          .withNewSpec().addNewContainer().withName("web").withImage("nginx:1.27")
          .endContainer().endSpec().endTemplate().endSpec().build()).create();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!seen.contains("web") && System.nanoTime() < end) {
        Thread.sleep(50);
      }
      assertThat(seen).contains("web");
      informer.close();
      // Events across all namespaces, as the signal pipeline watches them.
      var events = client.v1().events().inAnyNamespace().runnableInformer(0);
      events.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(cluster.requests().getOrDefault("WATCH events", 0L)).isLessThanOrEqualTo(2L);
      events.close();
    }
  }
}
