package dev.pave.cli;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.pave.apply.ThreeWayMerge;
import dev.pave.control.Applier;
import dev.pave.control.ApplicationResource;
import dev.pave.control.ApplicationTargets;
import dev.pave.control.Owner;
import dev.pave.render.Manifests;
import dev.pave.render.Renderer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
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

/** {@code pave diff}: what applying the spec would change in the cluster, object by object. */
@Command(name = "diff",
    mixinStandardHelpOptions = true,
    header = "Show what deploying a spec would change in the cluster.",
    description = "Renders the spec, merges each object with what is live exactly as the"
        + " operator would (fields others own stay), and prints a unified diff of live against"
        + " the result; new objects are shown whole. Nothing is written.",
    footer = {"", "Examples:",
        "  pave diff pave.yaml -e prod",
        "  pave diff pave.yaml -e staging --context staging --color always",
        "", "Exit codes: 0 no changes, 1 changes, 2 invalid input or usage (as diff(1))."})
final class DiffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The pave.yaml to compare.")
  Path file;

  @Option(names = {"-e", "--env"}, required = true, paramLabel = "ENV", description = "Environment.")
  String environment;

  @Option(names = {"-n", "--namespace"}, defaultValue = ApplicationTargets.DEFAULT_NAMESPACE,
      paramLabel = "NS",
      description = "Namespace of the Application resource (default ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--color", defaultValue = "auto",
      description = "auto, always or never (default ${DEFAULT-VALUE}).")
  String color;

  @Mixin ClusterOptions cluster;

  @Override
  public Integer call() throws Exception {
    Workspace ws = Workspace.load(List.of(file), List.of());
    if (!ws.problems.isEmpty()) {
      Problems.print(spec.commandLine().getErr(), ws.problems, ".");
      return ExitCode.INVALID;
    }
    boolean colour = color.equals("always") || (color.equals("auto") && System.console() != null
        && System.getenv("NO_COLOR") == null);
    PrintWriter out = spec.commandLine().getOut();
    int changed = 0;
    try (KubernetesClient client = cluster.client()) {
      var env = environment(ws, client);
      var discovery = dev.pave.control.ApiDiscovery.of(client);
      for (var doc : ws.applications) {
        // The operator records the owning Application on every object; so does the merge here,
        // or every object would seem to lose those marks.
        ApplicationResource existing = client.resources(ApplicationResource.class)
            .inNamespace(namespace).withName(doc.value().name()).get();
        Owner owner = existing == null ? null : Owner.of(existing);
        for (HasMetadata o : Renderer.render(doc.value(), env)) {
          String name = o.getKind() + "/" + (o.getMetadata().getNamespace() == null ? ""
              : o.getMetadata().getNamespace() + "/") + o.getMetadata().getName();
          HasMetadata live;
          if (o instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource) {
            // A kind from another project's CRD: compared only where the cluster serves it,
            // as the operator applies it only there.
            if (!discovery.served(o.getApiVersion(), o.getKind())) {
              spec.commandLine().getErr().println(name + ": not compared, the cluster does not"
                  + " serve " + o.getApiVersion() + " (the operator skips it too)");
              continue;
            }
            var ns = client.genericKubernetesResources(o.getApiVersion(), o.getKind());
            live = o.getMetadata().getNamespace() == null
                ? ns.withName(o.getMetadata().getName()).get()
                : ns.inNamespace(o.getMetadata().getNamespace())
                    .withName(o.getMetadata().getName()).get();
          } else {
            live = client.resource(o).get();
          }
          Map<String, Object> desired = owner == null ? Manifests.toMap(o)
              : owner.stamp(Manifests.toMap(o));
          String before = live == null ? "" : Manifests.yamlOf(clean(Manifests.toMap(live)));
          String after = Manifests.yamlOf(clean(live == null ? desired : ThreeWayMerge.merge(
              lastApplied(Manifests.toMap(live)), desired, Manifests.toMap(live))));
          if (before.equals(after)) {
            continue;
          }
          changed++;
          List<String> a = before.isEmpty() ? List.of() : Arrays.asList(before.split("\n"));
          List<String> b = Arrays.asList(after.split("\n"));
          for (String line : UnifiedDiffUtils.generateUnifiedDiff("live/" + name,
              (live == null ? "new/" : "pave/") + name, a, DiffUtils.diff(a, b), 3)) {
            out.println(!colour ? line : line.startsWith("+") ? "\u001b[32m" + line + "\u001b[0m"
                : line.startsWith("-") ? "\u001b[31m" + line + "\u001b[0m"
                : line.startsWith("@@") ? "\u001b[36m" + line + "\u001b[0m" : line);
          }
        }
      }
    }
    out.flush();
    spec.commandLine().getErr().println(changed == 0 ? "no changes"
        : changed + (changed == 1 ? " object" : " objects") + " would change");
    spec.commandLine().getErr().flush();
    return changed == 0 ? ExitCode.OK : ExitCode.FAILURE;
  }

  /**
   * The environment as the operator renders it: the cluster's Environment resource laid over
   * the built-in or local one, so the diff shows what a deploy would really change.
   */
  private dev.pave.spec.Environment environment(Workspace ws, KubernetesClient client) {
    var resource = client.resources(dev.pave.control.EnvironmentResource.class)
        .withName(environment).get();
    if (resource == null) {
      return ws.environment(environment);
    }
    var local = ws.environments.get(environment);
    var known = dev.pave.control.EnvironmentCatalog.of(local == null ? Map.of()
        : Map.of(environment, local), List.of(resource));
    if (known.invalid().containsKey(environment)) {
      throw new UserError(known.invalid().get(environment));
    }
    return known.valid().get(environment);
  }

  private static Map<String, Object> lastApplied(Map<String, Object> live) {
    return Applier.lastAppliedOf(live);
  }

  /** Without the server's bookkeeping and Pave's own record, which only add noise. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> clean(Map<String, Object> object) {
    Map<String, Object> copy = new LinkedHashMap<>(object);
    Map<String, Object> meta = new LinkedHashMap<>((Map<String, Object>) copy.getOrDefault(
        "metadata", Map.of()));
    for (String k : List.of("uid", "resourceVersion", "generation", "creationTimestamp",
        "managedFields")) {
      meta.remove(k);
    }
    if (meta.get("annotations") instanceof Map<?, ?> ann) {
      Map<String, Object> a = new LinkedHashMap<>((Map<String, Object>) ann);
      a.remove(Applier.LAST_APPLIED);
      if (a.isEmpty()) {
        meta.remove("annotations");
      } else {
        meta.put("annotations", a);
      }
    }
    copy.put("metadata", meta);
    copy.remove("status");
    return (Map<String, Object>) sorted(copy);
  }

  /** Keys in order, so that only real differences show, not the server's key order. */
  @SuppressWarnings("unchecked")
  private static Object sorted(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new java.util.TreeMap<>();
      ((Map<String, Object>) m).forEach((k, v) -> out.put(k, sorted(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      return l.stream().map(DiffCommand::sorted).toList();
    }
    return value;
  }
}
