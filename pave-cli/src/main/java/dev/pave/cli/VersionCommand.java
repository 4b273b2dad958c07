package dev.pave.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pave version}: what {@code pave --version} prints, as kubectl users type it. */
@Command(name = "version",
    mixinStandardHelpOptions = true,
    header = "Print the version of Pave.",
    footer = {"", "Examples:", "  pave version", "", "Exit codes: 0 success, 2 invalid usage."})
final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    for (String line : new Version().getVersion()) {
      spec.commandLine().getOut().println(line);
    }
    spec.commandLine().getOut().flush();
    return ExitCode.OK;
  }
}
