package dev.pave.cli;

import dev.pave.control.ApplicationReconciler;
import dev.pave.control.ApplicationResource;
import dev.pave.spec.Application;
import dev.pave.spec.Document;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pave deploy}: the spec becomes the Application the operator reconciles. */
@Command(name = "deploy",
    mixinStandardHelpOptions = true,
    header = "Create or update an Application in a cluster and follow its rollout.",
    description = "Checks the spec as 'pave validate' does, then creates or updates the"
        + " Application resource for the environment, recording who deployed and from which"
        + " commit. With --wait it follows the rollout until it is available, fails or is"
        + " rolled back, printing each change of phase.",
    footer = {"", "Examples:",
        "  pave deploy pave.yaml -e prod --wait",
        "  pave deploy pave.yaml -e staging --commit $(git rev-parse HEAD) --context staging",
        "", "Exit codes: 0 deployed (and available with --wait), 1 the rollout failed, was"
            + " rolled back or timed out, or the namespace does not exist, 2 invalid input or"
            + " usage."})
final class DeployCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The pave.yaml to deploy.")
  Path file;

  @Option(names = {"-e", "--env"}, required = true, paramLabel = "ENV", description = "Environment.")
  String environment;

  @Option(names = {"-n", "--namespace"}, defaultValue = "pave-apps", paramLabel = "NS",
      description = "Namespace of the Application resource (default ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--create-namespace", description = "Create the namespace of the Application"
      + " resource if it does not exist (the install creates pave-apps).")
  boolean createNamespace;

  @Option(names = "--commit", paramLabel = "SHA", description = "Source commit to record.")
  String commit;

  @Option(names = "--wait", description = "Follow the rollout until it settles.")
  boolean waitForRollout;

  @Option(names = "--timeout", defaultValue = "10m", paramLabel = "DURATION",
      description = "How long --wait waits, e.g. 90s, 10m (default ${DEFAULT-VALUE}).")
  String timeout;

  @Mixin ClusterOptions cluster;

  @Override
  public Integer call() throws Exception {
    Workspace ws = Workspace.load(List.of(file), List.of());
    ws.environment(environment);
    if (!ws.problems.isEmpty()) {
      Problems.print(spec.commandLine().getErr(), ws.problems, "; nothing was deployed.");
      return ExitCode.INVALID;
    }
    if (ws.applications.size() != 1) {
      throw new UserError(file + ": expected one Application, found " + ws.applications.size());
    }
    Document<Application> doc = ws.applications.get(0);
    Duration limit = duration(timeout);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (KubernetesClient client = cluster.client()) {
      if (createNamespace) {
        ensureNamespace(client);
      }
      String name = doc.value().name();
      var ref = client.resources(ApplicationResource.class).inNamespace(namespace)
          .withName(name);
      ApplicationResource existing = ref.get();
      if (existing == null) {
        warnOfAnotherOwner(client, name, err);
      }
      ApplicationResource app = existing != null ? existing : new ApplicationResource();
      if (existing == null) {
        // With the operator's finalizer from the start, as the operator would add it first.
        app.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
            .withFinalizers(ApplicationReconciler.FINALIZER).build());
      }
      Map<String, String> labels = new LinkedHashMap<>(app.getMetadata().getLabels() == null
          ? Map.of() : app.getMetadata().getLabels());
      labels.put(ApplicationReconciler.ENVIRONMENT_LABEL, environment);
      Map<String, String> annotations = new LinkedHashMap<>(app.getMetadata().getAnnotations()
          == null ? Map.of() : app.getMetadata().getAnnotations());
      annotations.put(ApplicationReconciler.CHANGED_BY, System.getProperty("user.name", "cli"));
      if (commit != null) {
        annotations.put(ApplicationReconciler.COMMIT, commit);
      }
      app.getMetadata().setLabels(labels);
      app.getMetadata().setAnnotations(annotations);
      app.setSpec(spec(doc));
      ApplicationResource written = existing == null ? create(client, app)
          : client.resource(app).update();
      long generation = written.getMetadata().getGeneration() == null ? 1
          : written.getMetadata().getGeneration();
      out.println("application " + namespace + "/" + name + " "
          + (existing == null ? "created" : "updated") + " for " + environment
          + " (generation " + generation + ")");
      out.flush();
      if (!waitForRollout) {
        return ExitCode.OK;
      }
      return follow(ref::get, generation, limit, err, out);
    }
  }

  /**
   * An Application of this name and environment in another namespace renders the same
   * workloads: a second one would fight it over them (the sandbox's demo keeps its
   * Applications in the environment's namespace, not in pave-apps).
   */
  private void warnOfAnotherOwner(KubernetesClient client, String name, PrintWriter err) {
    for (ApplicationResource other : client.resources(ApplicationResource.class)
        .inAnyNamespace().list().getItems()) {
      String env = other.getMetadata().getLabels() == null ? null
          : other.getMetadata().getLabels().get(ApplicationReconciler.ENVIRONMENT_LABEL);
      if (other.getMetadata().getName().equals(name) && !namespace.equals(
          other.getMetadata().getNamespace()) && (env == null || env.equals(environment))) {
        err.println("warning: application " + other.getMetadata().getNamespace() + "/" + name
            + " already manages " + name + " for " + environment + "; this creates a second"
            + " Application (" + namespace + "/" + name + ") for the same workloads. To update"
            + " the existing one instead, deploy with -n " + other.getMetadata().getNamespace()
            + "; to remove this one: kubectl delete application " + name + " -n " + namespace);
        err.flush();
      }
    }
  }

  /** Creates the namespace unless it exists, as Helm's --create-namespace does. */
  private void ensureNamespace(KubernetesClient client) {
    if (client.namespaces().withName(namespace).get() != null) {
      return;
    }
    try {
      client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
          .withNewMetadata().withName(namespace).endMetadata().build()).create();
      spec.commandLine().getErr().println("namespace " + namespace + " created");
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() != 409) { // 409: created in between, which is as good.
        throw e;
      }
    }
  }

  /**
   * Creates the Application; a namespace that does not exist is said in one line with what to
   * do, not as the API server's bare 404.
   */
  private ApplicationResource create(KubernetesClient client, ApplicationResource app) {
    try {
      return client.resource(app).create();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (missingNamespace(e)) {
        throw new UserError("namespace \"" + namespace + "\" does not exist; create it with"
            + " \"kubectl create namespace " + namespace + "\" or deploy with --create-namespace"
            + " (the install manifests and the Helm chart create pave-apps)", ExitCode.FAILURE);
      }
      throw e;
    }
  }

  /** A create in a missing namespace is 404 naming the namespace (kind "namespaces"). */
  static boolean missingNamespace(io.fabric8.kubernetes.client.KubernetesClientException e) {
    return e.getCode() == 404 && e.getStatus() != null && e.getStatus().getDetails() != null
        && "namespaces".equals(e.getStatus().getDetails().getKind());
  }

  /** The spec as the author wrote it (short forms kept), read again from the file. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Document<Application> doc) {
    try {
      String text = java.nio.file.Files.readString(Path.of(doc.positions().source()));
      for (Object d : new org.yaml.snakeyaml.Yaml().loadAll(text)) {
        if (d instanceof Map<?, ?> m && "Application".equals(m.get("kind"))) {
          return (Map<String, Object>) ((Map<String, Object>) m).get("spec");
        }
      }
    } catch (java.io.IOException e) {
      throw new UserError(doc.positions().source() + ": " + e.getMessage());
    }
    throw new UserError(doc.positions().source() + ": no Application found");
  }

  /** Polls the status, printing each change, until the rollout settles or time runs out. */
  private int follow(java.util.function.Supplier<ApplicationResource> read, long generation,
      Duration limit, PrintWriter err, PrintWriter out) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      ApplicationResource now = read.get();
      Map<String, Object> status = now == null || now.getStatus() == null ? Map.of()
          : now.getStatus();
      Object observed = status.get("observedGeneration");
      if (observed instanceof Number n && n.longValue() >= generation) {
        String phase = String.valueOf(status.get("phase"));
        String line = phase + ": " + readyMessage(status);
        if (!line.equals(last)) {
          err.println("  " + line);
          err.flush();
          last = line;
        }
        switch (phase) {
          case "Available" -> {
            out.println("rollout complete: revision " + status.get("revision") + " is available");
            out.flush();
            return ExitCode.OK;
          }
          case "Failed", "RolledBack" -> {
            out.println("rollout " + phase.toLowerCase(java.util.Locale.ROOT) + ": "
                + readyMessage(status));
            out.flush();
            return ExitCode.FAILURE;
          }
          default -> {
          }
        }
      }
      Thread.sleep(500);
    }
    out.println("timed out after " + timeout + " waiting for the rollout; it goes on in the"
        + " cluster (pave status shows it)");
    out.flush();
    return ExitCode.FAILURE;
  }

  @SuppressWarnings("unchecked")
  private static String readyMessage(Map<String, Object> status) {
    List<Object> conditions = status.get("conditions") instanceof List<?> l
        ? new ArrayList<>(l) : List.of();
    for (Object c : conditions) {
      Map<String, Object> m = (Map<String, Object>) c;
      if ("Ready".equals(m.get("type"))) {
        return String.valueOf(m.get("message"));
      }
    }
    return "";
  }

  static Duration duration(String text) {
    Duration d = DurationConverter.parse(text);
    if (d == null) {
      throw new UserError("--timeout " + text + ": expected a number with ms, s, m or h, for"
          + " example 90s or 10m");
    }
    return d;
  }
}
