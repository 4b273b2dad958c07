package dev.pave.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pave.control.ApplicationReconciler;
import dev.pave.control.ApplicationResource;
import dev.pave.control.EnvironmentResource;
import dev.pave.control.TeamResource;
import dev.pave.signals.pipeline.Pipeline;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.yaml.snakeyaml.Yaml;

/**
 * The demo a first start seeds: environments dev and prod, five services of two teams in both,
 * one breaking a policy under an exception, one whose release fails and is rolled back by the
 * operator, one workload applied by hand past the platform, and a few alerts through signals.
 * It goes through the same API, admission and intake as anything a user does.
 */
final class Demo implements AutoCloseable {
  static final List<String> SERVICES = List.of("checkout", "ledger", "session-cache", "search",
      "recommendations");
  static final List<String> ENVIRONMENTS = List.of("dev", "prod");
  static final String FAILING = "recommendations";
  /**
   * The embedded API's pods of an image whose tag ends in -crashloop run but never become
   * ready, so the release runs out its progress deadline as a crashing one would.
   */
  static final String FAILING_IMAGE =
      "registry.example.com/discovery/recommendations:1.9.0-crashloop";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** PolicyExceptions as the client addresses them (a kind Pave defines, not a typed class). */
  static final ResourceDefinitionContext POLICY_EXCEPTIONS = new ResourceDefinitionContext
      .Builder().withGroup("pave.dev").withVersion("v1alpha1").withKind("PolicyException")
      .withPlural("policyexceptions").withNamespaced(true).build();

  private final KubernetesClient client;
  private final Pipeline signals;
  private final Clock clock;
  private final Consumer<String> progress;
  private final CountDownLatch done = new CountDownLatch(1);
  private Thread story;

  Demo(KubernetesClient client, Pipeline signals, Clock clock, Consumer<String> progress) {
    this.client = client;
    this.signals = signals;
    this.clock = clock;
    this.progress = progress;
  }

  /** Creates the demo's objects now; the failed release and the alerts follow in the background. */
  void seed() {
    progress.accept("seeding the demo: environments dev and prod, 5 services of 2 teams");
    for (String ns : List.of("pave-system", "pave-apps", "dev", "prod")) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
          .endMetadata().build()).create();
    }
    client.genericKubernetesResources(POLICY_EXCEPTIONS)
        .inNamespace("pave-system").resource(exception()).create();
    for (Object o : new Yaml().loadAll(resource("environments.yaml"))) {
      EnvironmentResource e = client.getKubernetesSerialization().convertValue(o,
          EnvironmentResource.class);
      client.resources(EnvironmentResource.class).resource(e).create();
    }
    for (Object o : new Yaml().loadAll(resource("teams.yaml"))) {
      client.resource(client.getKubernetesSerialization().convertValue(o, TeamResource.class))
          .create();
    }
    for (String env : ENVIRONMENTS) {
      for (String app : SERVICES) {
        client.resources(ApplicationResource.class).inNamespace(env)
            .resource(application(app, env)).create();
      }
    }
    for (Object o : new Yaml().loadAll(resource("bypass.yaml"))) {
      GenericKubernetesResource r = client.getKubernetesSerialization().convertValue(o,
          GenericKubernetesResource.class);
      client.resource(r).create();
    }
    story = new Thread(this::play, "pave-sandbox-demo");
    story.setDaemon(true);
    story.start();
  }

  /**
   * The ClusterRoles a Team's members are bound to, as the Helm chart installs them; created
   * when missing, so a sandbox saved by an older version gets them too.
   */
  static void installTeamRoles(KubernetesClient client) {
    for (Object o : new Yaml().loadAll(resource("team-roles.yaml"))) {
      ClusterRole role = client.getKubernetesSerialization().convertValue(o, ClusterRole.class);
      if (client.rbac().clusterRoles().withName(role.getMetadata().getName()).get() == null) {
        client.resource(role).create();
      }
    }
  }

  /** Waits for the story to end; true if it did. */
  boolean await(Duration timeout) throws InterruptedException {
    return story == null || done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void play() {
    try {
      await(FAILING, "prod", "Available", Duration.ofMinutes(2));
      progress.accept("demo: releasing " + FAILING + " 1.9.0 to prod; it never becomes ready");
      client.resources(ApplicationResource.class).inNamespace("prod").withName(FAILING)
          .edit(a -> {
            a.getSpec().put("image", FAILING_IMAGE);
            a.getMetadata().getAnnotations().put(ApplicationReconciler.CHANGED_BY,
                "dana@example.com");
            return a;
          });
      await(FAILING, "prod", "RolledBack", Duration.ofMinutes(2));
      progress.accept("demo: the operator rolled " + FAILING + " in prod back by itself");
      alerts();
      progress.accept("demo: alerts sent through signals");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      progress.accept("demo: " + e.getMessage());
    } finally {
      done.countDown();
    }
  }

  private void await(String app, String env, String phase, Duration timeout)
      throws InterruptedException {
    Instant until = clock.instant().plus(timeout);
    while (clock.instant().isBefore(until)) {
      ApplicationResource a = client.resources(ApplicationResource.class).inNamespace(env)
          .withName(app).get();
      if (a != null && a.getStatus() != null && phase.equals(a.getStatus().get("phase"))) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(app + " in " + env + " did not reach " + phase + " within "
        + timeout.toSeconds() + " s");
  }

  /** A few Alertmanager notifications, posted to the intake as Alertmanager posts them. */
  private void alerts() {
    Instant now = clock.instant();
    send("firing", "HighErrorRate", "critical", "checkout", "prod",
        "5.2% of checkout requests fail (objective 0.5%).", now.minusSeconds(120));
    send("firing", "LatencyHigh", "warning", "search", "prod",
        "p99 latency 1.4 s over 10 minutes.", now.minusSeconds(60));
    send("firing", "PodRestarting", "warning", "ledger", "dev",
        "ledger restarted 4 times in 15 minutes.", now.minusSeconds(300));
    send("resolved", "PodRestarting", "warning", "ledger", "dev",
        "ledger restarted 4 times in 15 minutes.", now.minusSeconds(300));
  }

  private void send(String status, String alert, String severity, String app, String env,
      String summary, Instant startsAt) {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("alertname", alert);
    labels.put("severity", severity);
    labels.put("namespace", app + "-" + env);
    labels.put("deployment", app);
    labels.put("cluster", "sandbox");
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("status", status);
    a.put("labels", labels);
    a.put("annotations", Map.of("summary", summary));
    a.put("startsAt", startsAt.toString());
    a.put("endsAt", "resolved".equals(status) ? clock.instant().toString()
        : "0001-01-01T00:00:00Z");
    a.put("generatorURL", "http://prometheus.sandbox.example.com/graph?g0.expr=" + alert);
    a.put("fingerprint", Integer.toHexString((alert + app + env).hashCode()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", "4");
    body.put("groupKey", "{}:{alertname=\"" + alert + "\"}");
    body.put("truncatedAlerts", 0);
    body.put("status", status);
    body.put("receiver", "pave");
    body.put("groupLabels", Map.of("alertname", alert));
    body.put("commonLabels", labels);
    body.put("commonAnnotations", Map.of("summary", summary));
    body.put("externalURL", "http://alertmanager.sandbox.example.com");
    body.put("alerts", List.of(a));
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + signals.port() + "/api/v1/alertmanager"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        progress.accept("demo: the intake answered " + r.statusCode() + " to " + alert);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @SuppressWarnings("unchecked")
  static ApplicationResource application(String app, String env) {
    Map<String, Object> doc = new Yaml().load(resource(app + ".yaml"));
    ApplicationResource r = new ApplicationResource();
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(ApplicationReconciler.CHANGED_BY, doc.get("spec") instanceof Map<?, ?> s
        && "discovery".equals(s.get("team")) ? "dana@example.com" : "ana@example.com");
    r.setMetadata(new ObjectMetaBuilder().withName(app).withNamespace(env)
        .withLabels(Map.of(ApplicationReconciler.ENVIRONMENT_LABEL, env))
        .withAnnotations(annotations).build());
    r.setSpec(new LinkedHashMap<>((Map<String, Object>) doc.get("spec")));
    return r;
  }

  private GenericKubernetesResource exception() {
    String text = resource("exception.yaml").replace("${EXPIRES}",
        clock.instant().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit
            .SECONDS).toString());
    return client.getKubernetesSerialization().convertValue(new Yaml().load(text),
        GenericKubernetesResource.class);
  }

  /** PolicyException as a cluster resource; its fields are checked by the policy reader. */
  static Map<String, Object> policyExceptionDefinition() {
    Map<String, Object> schema = Map.of("type", "object",
        "x-kubernetes-preserve-unknown-fields", true);
    return Map.of("apiVersion", "apiextensions.k8s.io/v1", "kind", "CustomResourceDefinition",
        "metadata", Map.of("name", "policyexceptions.pave.dev"),
        "spec", Map.of("group", "pave.dev", "scope", "Namespaced",
            "names", Map.of("kind", "PolicyException", "listKind", "PolicyExceptionList",
                "plural", "policyexceptions", "singular", "policyexception",
                "shortNames", List.of("polex"), "categories", List.of("pave")),
            "versions", List.of(Map.of("name", "v1alpha1", "served", true, "storage", true,
                "schema", Map.of("openAPIV3Schema", schema)))));
  }

  /** The signals configuration the sandbox starts with; the user may edit it afterwards. */
  static String signalsConfig(int port) {
    return """
        # The sandbox's signal pipeline (pave up). Every field is described in docs/signals.md;
        # add sinks and routes here and restart pave up. Paths are relative to this file.
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake:
          address: 127.0.0.1
          port: %d
        database:
          url: embedded
          dataDirectory: signals-db
        retention: 30d
        catalog:
          kubernetes:
            cluster: sandbox
        sinks: []
        routes: []
        """.formatted(port);
  }

  static String resource(String name) {
    try (InputStream in = Demo.class.getResourceAsStream("demo/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing demo resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (story != null) {
      story.interrupt();
    }
  }
}
