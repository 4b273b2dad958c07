package dev.pave.cli;

import dev.pave.policy.BuiltInPacks;
import dev.pave.policy.PolicyEngine;
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
        DeployCommand.class, DiffCommand.class, StatusCommand.class, HistoryCommand.class, RollbackCommand.class, OperatorCommand.class, TeamCommand.class, SignalsCommand.class, InsightsCommand.class, ConsoleCommand.class,
        SchemaCommand.class, VersionCommand.class, CompletionCommand.class,
        CommandLine.HelpCommand.class})
public final class Pave implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** {@code pave} alone: the help, as kubectl does, rather than an error. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
    spec.commandLine().getOut().flush();
  }

  public static void main(String[] args) {
    if (args.length > 0 && POLICY_COMMANDS.contains(args[0])
        && !java.util.Arrays.asList(args).contains("--parse-only")) {
      // What every policy command needs whatever its options: the CEL environment and the
      // built-in packs, prepared on other cores while the command line is read. A pass that
      // only reads its inputs needs neither.
      start("pave-prepare-cel", PolicyEngine::prepare);
      start("pave-read-packs", BuiltInPacks::prepare);
    }
    CommandLine cl = commandLineFor(args);
    cl.setOut(Stdout.WRITER);
    int code = cl.execute(args);
    Stdout.WRITER.flush();
    System.exit(code);
  }

  /** The commands that evaluate policy. */
  private static final java.util.Set<String> POLICY_COMMANDS = java.util.Set.of("check", "fix");

  private static void start(String name, Runnable work) {
    Thread t = new Thread(() -> {
      try {
        work.run();
      } catch (RuntimeException | Error e) {
        // Only a head start: the command does the same work again and reports what fails.
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  /** The configured command line, shared by main and the tests. */
  public static CommandLine commandLine() {
    return configured(new CommandLine(new Pave()));
  }

  /**
   * The command line for these arguments: when the first names a command, a root with only
   * that command below it. Building the models of all sixteen commands takes a fifth of a
   * second, paid before every short run such as a check of a few files; the command itself
   * reads and behaves the same either way. Anything else (help, a typo, options only) gets
   * the whole command line, for its listing and suggestions.
   */
  static CommandLine commandLineFor(String[] args) {
    if (args.length > 0) {
      for (Class<?> c : Pave.class.getAnnotation(Command.class).subcommands()) {
        Command command = c.getAnnotation(Command.class);
        if (c != CommandLine.HelpCommand.class && command.name().equals(args[0])) {
          CommandLine root = new CommandLine(new Root());
          root.addSubcommand(command.name(), new CommandLine(c));
          return configured(root);
        }
      }
    }
    return commandLine();
  }

  /** The root command as {@link Pave} declares it, without its commands. */
  @Command(name = "pave", mixinStandardHelpOptions = true, versionProvider = Version.class)
  static final class Root {}

  /**
   * As picocli runs a command, except that an argument no command takes is an error even
   * beside --help: picocli would print the help and exit 0, so that a mistyped command looked
   * like a success.
   */
  private static int execute(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (!p.unmatched().isEmpty()) {
        throw new CommandLine.UnmatchedArgumentException(p.commandSpec().commandLine(),
            p.unmatched());
      }
    }
    return new CommandLine.RunLast().execute(parsed);
  }

  private static CommandLine configured(CommandLine cl) {
    // Wide enough for image references and examples; picocli wraps at the terminal's width.
    cl.setUsageHelpWidth(120);
    cl.setUsageHelpAutoWidth(true);
    cl.setExecutionExceptionHandler(new Failures());
    cl.setParameterExceptionHandler(new Failures());
    cl.setExecutionStrategy(Pave::execute);
    return cl;
  }
}
