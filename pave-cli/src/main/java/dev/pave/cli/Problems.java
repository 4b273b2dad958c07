package dev.pave.cli;

import dev.pave.spec.Problem;
import java.io.PrintWriter;
import java.util.List;

/** Prints reader problems the way compilers do, with a closing count. */
final class Problems {
  private Problems() {}

  static void print(PrintWriter err, List<Problem> problems, String outcome) {
    for (Problem p : problems) {
      err.println("error: " + p.format());
    }
    long files = problems.stream().map(Problem::source).distinct().count();
    err.println(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in "
        + files + (files == 1 ? " file" : " files") + outcome);
    err.flush();
  }
}
