package dev.pave.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pave} command. */
@Command(name = "pave",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    header = "Pave: one small spec per service, production-ready Kubernetes out.",
    description = "Write a pave.yaml per service; Pave validates it and renders plain Kubernetes"
        + " YAML that carries one identity through labels, OpenTelemetry attributes and"
        + " metrics.",
    footer = {"", "Examples:",
        "  pave init --name checkout --team payments --image registry.example.com/payments/checkout:1.4.2 --port 8080",
        "  pave validate pave.yaml",
        "  pave render pave.yaml -e prod | kubectl apply -f -",
        "", "Exit codes: 0 success, 1 failure, 2 invalid input or usage."},
    subcommands = {UpCommand.class, InitCommand.class, ValidateCommand.class, RenderCommand.class, CheckCommand.class, FixCommand.class,
        DeployCommand.class, DiffCommand.class, StatusCommand.class, HistoryCommand.class, RollbackCommand.class, OperatorCommand.class, SignalsCommand.class, ConsoleCommand.class,
        SchemaCommand.class, CommandLine.HelpCommand.class})
public final class Pave {

  public static void main(String[] args) {
    CommandLine cl = commandLine();
    cl.setOut(Stdout.WRITER);
    int code = cl.execute(args);
    Stdout.WRITER.flush();
    System.exit(code);
  }

  /** The configured command line, shared by main and the tests. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Pave());
    // Wide enough for image references and examples; picocli wraps at the terminal's width.
    cl.setUsageHelpWidth(120);
    cl.setUsageHelpAutoWidth(true);
    cl.setExecutionExceptionHandler(new Failures());
    cl.setParameterExceptionHandler(new Failures());
    return cl;
  }
}
