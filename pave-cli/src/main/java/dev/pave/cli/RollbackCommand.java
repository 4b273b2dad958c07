package dev.pave.cli;

import dev.pave.control.Applier;
import dev.pave.control.ApplicationTargets;
import dev.pave.control.Releases;
import dev.pave.control.Rollbacks;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pave rollback}: the previous or any kept revision back in one step. */
@Command(name = "rollback",
    mixinStandardHelpOptions = true,
    header = "Roll an application back to the previous or a given revision, in one step.",
    description = "Applies the kept revision's objects at once and pins the Application to it,"
        + " so that neither the operator nor drift correction puts the newer release back"
        + " until the spec changes again. Prints how long the rollback took.",
    footer = {"", "Examples:",
        "  pave rollback checkout -e prod",
        "  pave rollback checkout -e prod --to 12",
        "", "Exit codes: 0 rolled back, 1 the rollback failed, 2 invalid input or usage."})
final class RollbackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "APP", description = "Application name.")
  String app;

  @Option(names = {"-e", "--env"}, required = true, paramLabel = "ENV", description = "Environment.")
  String environment;

  @Option(names = "--to", paramLabel = "N", description = "Revision to roll back to (default:"
      + " the previous one).")
  Integer to;

  @Option(names = {"-n", "--namespace"}, defaultValue = ApplicationTargets.DEFAULT_NAMESPACE,
      paramLabel = "NS",
      description = "Namespace of the Application resource (default ${DEFAULT-VALUE}).")
  String namespace;

  @Mixin ClusterOptions cluster;

  @Mixin ServerOptions server;

  @Override
  public Integer call() {
    // Where the revisions are is the Application's to say: its status names their namespace.
    Releases.Target t = new Releases.Target(app, environment, null);
    String user = System.getProperty("user.name", "cli");
    if (server.enabled()) {
      return throughServer();
    }
    try (KubernetesClient client = cluster.client()) {
      Releases releases = new Releases(client, Clock.systemUTC(), System::nanoTime, 20);
      Rollbacks.Result result;
      try {
        result = new Rollbacks(client, releases).rollback(t, to, namespace, user);
      } catch (Rollbacks.Failed e) {
        throw new UserError(e.getMessage(), ExitCode.FAILURE);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
      if (result.pinWarning() != null) {
        spec.commandLine().getErr().println("warning: " + result.pinWarning());
      }
      Releases.Outcome o = result.outcome();
      int target = result.target();
      PrintWriter err = spec.commandLine().getErr();
      for (Applier.Result r : o.results()) {
        if (r.action() == Applier.Action.FAILED) {
          err.println("error: " + r.kind() + "/" + r.name() + ": " + r.message());
        }
      }
      err.flush();
      PrintWriter out = spec.commandLine().getOut();
      if (o.failed()) {
        out.println(app + " in " + environment + ": rollback to revision " + target
            + " failed after " + o.took().toMillis() + " ms; "
            + (result.pinWarning() == null ? "the pin was removed" : "see the warning above"));
        out.flush();
        return ExitCode.FAILURE;
      }
      out.println(app + " in " + environment + " rolled back to revision " + target + " in "
          + o.took().toMillis() + " ms (recorded as revision " + o.revision() + ")");
      out.flush();
      return ExitCode.OK;
    }
  }

  /** The same rollback through a console: it checks the token's role and team and audits it. */
  private int throughServer() {
    var r = server.post(ServerOptions.path(app, environment) + "/rollback",
        to == null ? "{}" : "{\"to\": " + to + "}");
    PrintWriter err = spec.commandLine().getErr();
    r.path("errors").forEach(e -> err.println("error: " + e.asText()));
    if (r.has("warning")) {
      err.println("warning: " + r.path("warning").asText());
    }
    err.flush();
    PrintWriter out = spec.commandLine().getOut();
    int target = r.path("target").asInt();
    long took = r.path("tookMillis").asLong();
    if (r.path("failed").asBoolean()) {
      out.println(app + " in " + environment + ": rollback to revision " + target
          + " failed after " + took + " ms");
      out.flush();
      return ExitCode.FAILURE;
    }
    out.println(app + " in " + environment + " rolled back to revision " + target + " in "
        + took + " ms (recorded as revision " + r.path("recordedAs").asInt() + ")");
    out.flush();
    return ExitCode.OK;
  }
}
