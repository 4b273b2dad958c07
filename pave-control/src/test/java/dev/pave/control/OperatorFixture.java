package dev.pave.control;

import dev.pave.render.Golden;
import dev.pave.schema.CustomResourceDefinitions;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * The operator on the in-process API: JOSDK with server-side apply off (the in-process API has
 * none), Pave's CRDs installed, the same reconciler and apply path a real cluster runs. The
 * environment dev has automatic rollback, so a failed rollout can be shown quickly.
 */
final class OperatorFixture implements AutoCloseable {
  final KubernetesMockServer server;
  final KubernetesClient client;
  final Operator operator;
  final Releases releases;
  final OperatorMetrics metrics = new OperatorMetrics();

  OperatorFixture(Duration recheck) {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    client = server.createClient();
    for (Map<String, Object> crd : List.of(CustomResourceDefinitions.application(),
        CustomResourceDefinitions.applicationRevision(), CustomResourceDefinitions.environment())) {
      client.apiextensions().v1().customResourceDefinitions().resource(client
          .getKubernetesSerialization().convertValue(crd, CustomResourceDefinition.class))
          .create();
    }
    releases = new Releases(client, Clock.systemUTC(), System::nanoTime, 20);
    operator = Operators.create(client, 10, null, metrics);
    dev.pave.spec.Environment devWithRollback = dev.pave.spec.SpecReader.read("dev.yaml", """
        apiVersion: pave.dev/v1alpha1
        kind: Environment
        metadata: {name: dev}
        spec: {autoRollback: true}
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
    client.close();
    server.destroy();
  }
}
