package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line built for one command reads and prints as the whole one does. */
class CommandLineTest {

  @Test
  void everyCommandBuiltAloneHasTheSameHelpAsInTheWholeCommandLine() {
    CommandLine whole = Pave.commandLine();
    assertThat(whole.getSubcommands()).hasSizeGreaterThan(10);
    for (String name : whole.getSubcommands().keySet()) {
      if (name.equals("help")) {
        continue;
      }
      CommandLine alone = Pave.commandLineFor(new String[] {name});
      assertThat(alone.getSubcommands()).as(name).containsOnlyKeys(name);
      assertThat(alone.getSubcommands().get(name).getUsageMessage())
          .as(name).isEqualTo(whole.getSubcommands().get(name).getUsageMessage());
      assertThat(help(alone, name)).as(name).isEqualTo(help(whole, name));
    }
  }

  @Test
  void anythingButACommandGetsTheWholeCommandLine() {
    for (String[] args : new String[][] {{}, {"--help"}, {"help", "check"}, {"chek"}}) {
      assertThat(Pave.commandLineFor(args).getSubcommands()).hasSizeGreaterThan(10);
    }
    assertThat(Cli.run("chek").err()).contains("Did you mean").contains("check");
    assertThat(Cli.run("check", "--help").out()).contains("Usage: pave check");
  }

  private static String help(CommandLine cl, String name) {
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    cl.execute(name, "--help");
    return out.toString();
  }
}
