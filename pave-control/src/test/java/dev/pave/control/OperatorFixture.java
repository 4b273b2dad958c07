package dev.pave.control;

import dev.pave.render.Golden;
import dev.pave.schema.CustomResourceDefinitions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * The operator on the embedded API: Pave's CRDs installed, the namespace apps its Applications
 * live in, the same operator configuration, reconciler and apply path a real cluster runs. The
 * environment dev has automatic rollback, so a failed rollout can be shown quickly.
 */
final class OperatorFixture implements AutoCloseable {
  final TestCluster api;
  final KubernetesClient client;
  /** The operator's own client, whose requests are logged in {@link #requests}. */
  final KubernetesClient operatorClient;
  /** Every request the operator sent, as "METHOD path?query", oldest first. */
  final java.util.Queue<String> requests = new java.util.concurrent.ConcurrentLinkedQueue<>();
  final Operator operator;
  final Releases releases;
  final OperatorMetrics metrics = new OperatorMetrics();

  OperatorFixture(Duration recheck) {
    api = TestCluster.start().crds(List.of(CustomResourceDefinitions.application(),
        CustomResourceDefinitions.applicationRevision(), CustomResourceDefinitions.environment()))
        .namespaces("apps");
    client = api.client;
    operatorClient = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration())
            .withUserAgent("pave/test").build())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("log",
            new io.fabric8.kubernetes.client.http.Interceptor() {
              @Override
              public void before(io.fabric8.kubernetes.client.http.BasicBuilder builder,
                  io.fabric8.kubernetes.client.http.HttpRequest request, RequestTags tags) {
                requests.add(request.method() + " " + request.uri().getRawPath()
                    + (request.uri().getRawQuery() == null ? ""
                        : "?" + request.uri().getRawQuery()));
              }
            })).build();
    releases = new Releases(operatorClient, Clock.systemUTC(), System::nanoTime, 20);
    operator = Operators.create(operatorClient, 10, null, metrics);
    dev.pave.spec.Environment devWithRollback = dev.pave.spec.SpecReader.read("dev.yaml", """
        apiVersion: pave.dev/v1alpha1
        kind: Environment
        metadata: {name: dev}
        spec: {autoRollback: true, progressDeadlineSeconds: 30}
        """).environments().get(0).value();
    operator.register(new ApplicationReconciler(releases, dev.pave.spec.Environments.with(
        List.of(devWithRollback)), "dev", Clock.systemUTC(), recheck).withMetrics(metrics));
    operator.start();
  }

  @SuppressWarnings("unchecked")
  ApplicationResource fromFile(String path) throws Exception {
    Map<String, Object> doc = new Yaml().load(Files.readString(Golden.root().resolve(path)));
    ApplicationResource r = new ApplicationResource();
    r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
        .withName((String) ((Map<String, Object>) doc.get("metadata")).get("name"))
        .withNamespace("apps").build());
    r.setSpec((Map<String, Object>) doc.get("spec"));
    return r;
  }

  ApplicationResource live(String name) {
    return client.resources(ApplicationResource.class).inNamespace("apps").withName(name).get();
  }

  @Override
  public void close() {
    operator.stop();
    operatorClient.close();
    api.close();
  }
}
