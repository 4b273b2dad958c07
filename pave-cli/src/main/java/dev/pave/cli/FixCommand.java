package dev.pave.cli;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.pave.policy.fix.InPlaceFixer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pave fix}: applies the policy fixes to YAML files, keeping comments and layout. */
@Command(name = "fix",
    mixinStandardHelpOptions = true,
    header = "Apply policy fixes to Kubernetes YAML files in place.",
    description = "Checks each file like 'pave check' and applies every finding's fix by editing"
        + " only the lines concerned, so comments and the formatting of other lines stay as"
        + " they are. An edit is kept only if the file then reads as the fixed object;"
        + " anything else is listed for a person to do. pave.yaml specs are not edited: Pave"
        + " renders them correctly.",
    footer = {"", "Examples:",
        "  pave fix deploy/ --dry-run",
        "  pave fix deploy/web.yaml --pack pod-security-restricted",
        "  pave fix deploy/ --pack pod-security-baseline --pss-version v1.33",
        "", "Exit codes: 0 nothing left to fix, 1 findings remain, 2 invalid input or usage."})
final class FixCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or directories.")
  List<Path> paths = new ArrayList<>();

  @Option(names = "--dry-run", description = "Print a unified diff instead of writing files.")
  boolean dryRun;

  @Mixin PolicyOptions policy;

  @Override
  public Integer call() throws IOException {
    PolicyOptions.Loaded loaded = policy.load();
    if (loaded.engine() == null) {
      Problems.print(spec.commandLine().getErr(), loaded.problems(), "; nothing was fixed.");
      return ExitCode.INVALID;
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int fixed = 0;
    int left = 0;
    for (Path p : paths) {
      for (Path file : PolicyOptions.inputFiles(p)) {
        String before = PolicyOptions.read(file);
        if (before.contains("apiVersion: pave.dev/")) {
          continue;
        }
        InPlaceFixer.Result r = InPlaceFixer.fix(file.toString(), before, loaded.engine(),
            loaded.exceptions(), Instant.now());
        fixed += r.fixed().size();
        left += r.left().size();
        r.left().forEach(l -> err.println("left: " + file + ": " + l));
        if (r.text().equals(before)) {
          continue;
        }
        if (dryRun) {
          List<String> a = Arrays.asList(before.split("\n", -1));
          List<String> b = Arrays.asList(r.text().split("\n", -1));
          Patch<String> patch = DiffUtils.diff(a, b);
          String name = file.toString().replaceFirst("^/", "");
          UnifiedDiffUtils.generateUnifiedDiff("a/" + name, "b/" + name, a, patch, 3)
              .forEach(out::println);
        } else {
          Files.writeString(file, r.text(), StandardCharsets.UTF_8);
          err.println("fixed " + file + ": " + r.fixed().size()
              + (r.fixed().size() == 1 ? " finding" : " findings"));
        }
      }
    }
    err.println((dryRun ? "would fix " : "fixed ") + fixed + (fixed == 1 ? " finding" : " findings")
        + "; " + left + " left for a person.");
    out.flush();
    err.flush();
    return left > 0 ? ExitCode.FAILURE : ExitCode.OK;
  }
}
