package dev.pave.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pave completion bash|zsh}: the shell completion script picocli generates. */
@Command(name = "completion",
    mixinStandardHelpOptions = true,
    header = "Print a shell completion script for bash or zsh.",
    description = "Completes Pave's commands, options and option values. The script is the"
        + " same for both shells: zsh runs it through bashcompinit, which it loads itself.",
    footer = {"", "Examples:",
        "  source <(pave completion bash)",
        "  pave completion bash > /etc/bash_completion.d/pave",
        "  echo 'source <(pave completion zsh)' >> ~/.zshrc",
        "", "Exit codes: 0 success, 2 invalid usage (an unknown shell)."})
final class CompletionCommand implements Callable<Integer> {
  enum Shell { bash, zsh }

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  @Override
  public Integer call() {
    // From the whole command line: the one built to run this command holds only this command.
    spec.commandLine().getOut().print(AutoComplete.bash("pave", Pave.commandLine()));
    spec.commandLine().getOut().flush();
    return ExitCode.OK;
  }
}
