package dev.pave.cli;

import dev.pave.render.Manifests;
import dev.pave.render.Renderer;
import dev.pave.spec.Application;
import dev.pave.spec.Document;
import dev.pave.spec.Environment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pave render}: specs in, plain Kubernetes YAML out. */
@Command(name = "render",
    mixinStandardHelpOptions = true,
    header = "Render specs into plain Kubernetes objects for one environment.",
    description = "Reads pave.yaml files (a FILE, or every pave.yaml below a DIR), checks them and"
        + " writes the Kubernetes objects they stand for. The output holds no Pave-only"
        + " kinds: apply it with kubectl or commit it to a GitOps repository. If any input"
        + " is invalid, nothing is written.",
    footer = {"", "Examples:",
        "  # Print prod objects for one service",
        "  pave render examples/checkout/pave.yaml -e prod",
        "",
        "  # Apply to the current cluster",
        "  pave render pave.yaml -e dev | kubectl apply -f -",
        "",
        "  # Write one file per object for a GitOps repository",
        "  pave render services/ -e prod --out deploy/prod",
        "",
        "  # JSON, as a v1 List",
        "  pave render pave.yaml -e staging -o json",
        "",
        "  # What admission would store, after the cluster's MutatingAdmissionPolicies",
        "  pave render pave.yaml -e prod --policies policies/"})
final class RenderCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE|DIR", arity = "0..*",
      description = "Spec files or directories to search for pave.yaml (default: ./pave.yaml).")
  List<Path> inputs = new ArrayList<>();

  @Option(names = {"-e", "--env"}, required = true, paramLabel = "ENV",
      description = "Environment to render for: dev, staging, prod or one defined in .pave/.")
  String environment;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "yaml",
      description = "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Write one file per object under DIR/<app>/ instead of standard output.")
  Path outDir;

  @Option(names = "--environments", paramLabel = "FILE|DIR",
      description = "Environment definitions that override or add to the built-in ones.")
  List<Path> environments = new ArrayList<>();

  @Option(names = "--policies", paramLabel = "DIR", description = "MutatingAdmissionPolicies,"
      + " their bindings and parameter objects to apply to what is rendered, as admission"
      + " would before storing it (repeatable).")
  List<Path> policyDirs = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    List<Path> in = inputs.isEmpty() ? List.of(Path.of("pave.yaml")) : inputs;
    Workspace ws = Workspace.load(in, environments);
    Environment env = ws.environment(environment);
    PrintWriter err = spec.commandLine().getErr();
    if (!ws.problems.isEmpty()) {
      Problems.print(err, ws.problems, "; nothing was rendered.");
      return ExitCode.INVALID;
    }
    List<List<HasMetadata>> rendered = ws.applications.parallelStream()
        .map(d -> Renderer.render(d.value(), env)).toList();
    if (!policyDirs.isEmpty()) {
      dev.pave.policy.MutatingPolicies.Built built = PolicyOptions.mutating(policyDirs);
      if (built.policies() == null) {
        Problems.print(err, built.problems(), "; nothing was rendered.");
        return ExitCode.INVALID;
      }
      List<String> denied = new ArrayList<>();
      rendered = rendered.stream().map(objects -> Mutated.apply(built.policies(), objects,
          denied)).toList();
      if (!denied.isEmpty()) {
        denied.forEach(err::println);
        err.println("admission would deny " + denied.size() + (denied.size() == 1
            ? " object" : " objects") + "; nothing was rendered.");
        err.flush();
        return ExitCode.INVALID;
      }
    }
    if (outDir != null) {
      int written = writeFiles(ws.applications, rendered);
      err.println("wrote " + written + " objects for " + ws.applications.size()
          + (ws.applications.size() == 1 ? " application" : " applications") + " to " + outDir);
      err.flush();
      return ExitCode.OK;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output == OutputFormat.json) {
      List<HasMetadata> all = new ArrayList<>();
      rendered.forEach(all::addAll);
      out.print(Manifests.json(all));
    } else {
      List<String> texts = rendered.parallelStream().map(Manifests::yaml).toList();
      texts.forEach(out::print);
    }
    out.flush();
    return ExitCode.OK;
  }

  private int writeFiles(List<Document<Application>> apps, List<List<HasMetadata>> rendered)
      throws IOException {
    int count = 0;
    for (int i = 0; i < apps.size(); i++) {
      Path dir = outDir.resolve(apps.get(i).value().name());
      Files.createDirectories(dir);
      List<HasMetadata> objects = rendered.get(i);
      for (int j = 0; j < objects.size(); j++) {
        HasMetadata o = objects.get(j);
        String name = String.format(Locale.ROOT, "%02d-%s-%s.%s", j + 1,
            o.getKind().toLowerCase(Locale.ROOT), o.getMetadata().getName(),
            output == OutputFormat.json ? "json" : "yaml");
        String text = output == OutputFormat.json ? Manifests.json(o) : Manifests.yaml(o);
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        count++;
      }
    }
    return count;
  }
}
