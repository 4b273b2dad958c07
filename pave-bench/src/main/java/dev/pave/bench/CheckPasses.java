package dev.pave.bench;

import dev.pave.policy.BuiltInPacks;
import dev.pave.policy.Checker;
import dev.pave.policy.Inventory;
import dev.pave.policy.PolicyEngine;
import dev.pave.source.SourceReader;
import dev.pave.spec.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The same check several times in one JVM: the first pass is what a command-line run pays
 * (code still interpreted and being compiled), the later ones what a long-running checker (the
 * audit, the webhook) pays once warm. Each pass reads and checks every document, then reads
 * them again without checking, the parse-only baseline.
 *
 * <p>Usage: {@code java -cp pave-bench/target/benchmarks.jar dev.pave.bench.CheckPasses
 * bench/out/objects.yaml [PASSES]}
 */
public final class CheckPasses {
  private CheckPasses() {}

  public static void main(String[] args) throws Exception {
    String text = Files.readString(Path.of(args[0]));
    int passes = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    PolicyEngine engine = PolicyEngine.build(List.copyOf(BuiltInPacks.all().values()), Map.of())
        .engine();
    for (int pass = 1; pass <= passes; pass++) {
      List<Problem> problems = new ArrayList<>();
      long start = System.nanoTime();
      int checked = SourceReader.readEach(args[0], text, o -> Checker.checkOne(o, engine,
          List.of(), Instant.now(), Inventory.NONE), problems).size();
      long checkedAt = System.nanoTime();
      SourceReader.readEach(args[0], text, o -> 1, problems);
      long parsedAt = System.nanoTime();
      System.out.printf("pass %d: %d documents checked in %d ms (%.0f/s); parse only %d ms%n",
          pass, checked, (checkedAt - start) / 1_000_000,
          checked / ((checkedAt - start) / 1e9), (parsedAt - checkedAt) / 1_000_000);
    }
  }
}
