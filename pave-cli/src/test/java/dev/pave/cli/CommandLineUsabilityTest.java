package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a newcomer types it: help, version, typos, missing files, completion. */
class CommandLineUsabilityTest {
  @TempDir Path dir;

  @Test
  void paveAlonePrintsTheHelpAndSucceeds() {
    Cli r = Cli.run();
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Usage: pave").contains("Commands:").contains("deploy");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void versionIsACommandAsWellAsAnOption() {
    Cli r = Cli.run("version");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(Cli.run("--version").out()).startsWith("pave ");
  }

  @Test
  void anUnknownCommandIsAnErrorEvenWithHelpAndTheNearestCommandIsSuggested() {
    for (String[] args : new String[][] {{"nosuchcommand", "--help"}, {"chek", "--help"},
        {"nosuchcommand"}}) {
      Cli r = Cli.run(args);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(ExitCode.INVALID);
      assertThat(r.out()).as(String.join(" ", args)).isEmpty();
      assertThat(r.err()).contains("error: Unmatched argument").contains(args[0])
          .contains("See 'pave --help'");
    }
    assertThat(Cli.run("chek", "--help").err()).contains("Did you mean").contains("check");
    assertThat(Cli.run("check", "--help").exit()).isZero();
  }

  @Test
  void aMissingInputFileIsInvalidInputForCheckValidateAndRender() {
    String missing = dir.resolve("nowhere.yaml").toString();
    for (String[] args : new String[][] {{"check", missing}, {"validate", missing},
        {"render", missing, "-e", "prod"}}) {
      Cli r = Cli.run(args);
      assertThat(r.exit()).as(args[0] + ": " + r.err()).isEqualTo(ExitCode.INVALID);
      assertThat(r.err()).as(args[0]).contains(missing + ": no such file or directory")
          .doesNotContain("Exception");
    }
  }

  @Test
  void signalsReplayTakesItsConfigAfterReplay() throws Exception {
    Path config = dir.resolve("signals.yaml");
    Files.writeString(config, """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake: {address: 127.0.0.1, port: 0}
        database: {url: embedded, dataDirectory: db}
        sinks: []
        routes: []
        """);
    Cli r = Cli.run("signals", "replay", "--config", config.toString(), "--list");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("ID").contains("LAST-ERROR");
    // The pipeline itself still says that it needs one.
    Cli bare = Cli.run("signals");
    assertThat(bare.exit()).isEqualTo(ExitCode.INVALID);
    assertThat(bare.err()).contains("Missing required option: '--config=FILE'")
        .contains("See 'pave signals --help'");
  }

  @Test
  void completionScriptsCompleteCommandsInBashAndLoadInZsh() throws Exception {
    Cli bash = Cli.run("completion", "bash");
    assertThat(bash.exit()).as(bash.err()).isZero();
    assertThat(Cli.run("completion", "zsh").out()).isEqualTo(bash.out());
    Cli fish = Cli.run("completion", "fish");
    assertThat(fish.exit()).isEqualTo(ExitCode.INVALID);
    assertThat(fish.err()).contains("bash").contains("zsh");
    Path script = dir.resolve("pave-completion");
    Files.writeString(script, bash.out());
    String completed = shell("bash", "source " + script + "; COMP_WORDS=(pave de);"
        + " COMP_CWORD=1; COMP_LINE='pave de'; COMP_POINT=7; _complete_pave;"
        + " echo \"${COMPREPLY[@]}\"");
    assertThat(completed.split("\\s+")).contains("deploy").doesNotContain("check");
    String options = shell("bash", "source " + script + "; COMP_WORDS=(pave up --da);"
        + " COMP_CWORD=2; COMP_LINE='pave up --da'; COMP_POINT=12; _complete_pave;"
        + " echo \"${COMPREPLY[@]}\"");
    assertThat(options.trim()).isEqualTo("--data");
    if (Files.isExecutable(Path.of("/usr/bin/zsh")) || Files.isExecutable(Path.of("/bin/zsh"))) {
      assertThat(shell("zsh", "source " + script + " && whence -w _complete_pave"))
          .contains("function");
    } else {
      System.out.println("zsh is not installed: the zsh script is checked in bash only");
    }
  }

  private static String shell(String shell, String command) throws Exception {
    // Outside a completion, bash's compopt complains on standard error; only the replies count.
    Process p = new ProcessBuilder(shell, "-c", command)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
