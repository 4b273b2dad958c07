package dev.pave.cli;

import dev.pave.sandbox.Sandbox;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pave up}: the whole platform on this machine, in this process. */
@Command(name = "up",
    mixinStandardHelpOptions = true,
    header = "Run the whole platform on this machine: API, operator, policies, signals, demo.",
    description = "Starts, in one process, an embedded Kubernetes API on a loopback HTTPS port"
        + " (fabric8's in-process API server, with the discovery documents kubectl needs),"
        + " the operator, the policy engine at admission (called in-process: the embedded API"
        + " cannot call webhooks), and signals on embedded PostgreSQL. The first start seeds a"
        + " demo. State is kept in the data directory; Ctrl-C stops it. With --kubeconfig it"
        + " runs against that cluster instead of the embedded API. See docs/sandbox.md.",
    footer = {"", "Examples:",
        "  pave up",
        "  pave up --fresh --data /tmp/pave",
        "  kubectl --kubeconfig ~/.pave/sandbox/kubeconfig get applications,deployments -A",
        "  pave up --kubeconfig ~/.kube/config --context staging",
        "", "Exit codes: 0 stopped cleanly, 1 failure, 2 invalid usage."})
final class UpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Where the sandbox keeps its objects, journal and kubeconfig (default"
          + " ~/.pave/sandbox).")
  Path data;

  @Option(names = "--fresh",
      description = "Start empty: remove what an earlier run kept in the data directory.")
  boolean fresh;

  @Option(names = "--api-port", defaultValue = "0", paramLabel = "PORT",
      description = "Port of the embedded Kubernetes API (default: any free port; the"
          + " kubeconfig is rewritten at each start).")
  int apiPort;

  @Option(names = "--signals-port", defaultValue = "9095", paramLabel = "PORT",
      description = "Port of the signals intake on the first start (default ${DEFAULT-VALUE};"
          + " kept in DIR/signals.yaml).")
  int signalsPort;

  @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
      description = "Port of the console on 127.0.0.1 (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Run against this cluster instead of the embedded API (nothing is seeded).")
  Path kubeconfig;

  @Option(names = "--context", paramLabel = "NAME",
      description = "Kubeconfig context, with --kubeconfig.")
  String context;

  @Option(names = "--exit-when-ready", hidden = true,
      description = "Stop once ready and the demo has played (for smoke tests).")
  boolean exitWhenReady;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long started = System.nanoTime();
    Path dir = data != null ? data : Path.of(System.getProperty("user.home"), ".pave",
        "sandbox");
    Sandbox.Settings settings = Sandbox.Settings.embedded(dir).fresh(fresh)
        .ports(apiPort, signalsPort, port).progress(line -> {
          err.println("  " + line);
          err.flush();
        });
    if (kubeconfig != null) {
      ClusterOptions cluster = new ClusterOptions();
      cluster.kubeconfig = kubeconfig;
      cluster.context = context;
      settings = settings.against(cluster.client());
    } else if (context != null) {
      throw new UserError("--context needs --kubeconfig (without it, pave up runs its own API)");
    }
    err.println("pave up: starting in " + dir);
    err.flush();
    Sandbox sandbox;
    try {
      sandbox = Sandbox.start(settings);
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    // Ctrl-C and kill are how it is meant to stop, so they end it here, with exit code 0, and
    // not through the JVM's shutdown (exit code 130 or 143). The hook covers any other ending.
    CountDownLatch stop = new CountDownLatch(1);
    Stop.on(stop::countDown);
    Thread hook = new Thread(sandbox::close, "pave-up-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Duration ready = Duration.ofNanos(System.nanoTime() - started);
    out.printf("Pave is ready in %.1f s.%n", ready.toMillis() / 1000.0);
    out.println("  console     " + sandbox.console().url() + sandbox.console().adminToken()
        .map(t -> "  (one-time admin token: " + t + ")").orElse(""));
    out.println("  kubernetes  " + sandbox.apiUrl() + (kubeconfig == null
        ? "  (kubeconfig: " + sandbox.kubeconfig() + ")" : ""));
    if (kubeconfig == null) {
      out.println("              kubectl --kubeconfig " + sandbox.kubeconfig()
          + " get applications,deployments -A");
    }
    out.println("  signals     http://127.0.0.1:" + sandbox.signals().port()
        + "  (Alertmanager webhook: POST /api/v1/alertmanager; timeline: GET /api/v1/timeline)");
    out.println("  data        " + dir + (sandbox.seeded() ? "  (demo seeded)" : "")
        + "; --fresh starts empty");
    out.println("Ctrl-C stops it.");
    out.flush();
    if (exitWhenReady) {
      boolean played = sandbox.awaitDemo(Duration.ofMinutes(2));
      Runtime.getRuntime().removeShutdownHook(hook);
      sandbox.close();
      return played ? ExitCode.OK : ExitCode.FAILURE;
    }
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    err.println("pave up: stopping");
    err.flush();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      return ExitCode.OK; // the hook closes it
    }
    sandbox.close();
    return ExitCode.OK;
  }
}
