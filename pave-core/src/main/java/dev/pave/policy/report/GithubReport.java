package dev.pave.policy.report;

import dev.pave.policy.CheckRun;
import dev.pave.policy.Finding;
import dev.pave.spec.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * GitHub Actions workflow commands: one {@code ::error} or {@code ::warning} line per offending
 * element, which GitHub shows on that line of the pull request, and a Markdown table for the
 * job's summary page.
 */
public final class GithubReport {
  private GithubReport() {}

  /**
   * Annotations, then the text report's summary line. Findings that fail the run are errors,
   * those below {@code --fail-on} warnings, excepted ones notices (they never block).
   */
  public static void write(CheckRun run, Appendable out) {
    try {
      for (CheckRun.Checked c : run.checked()) {
        for (Finding f : c.findings()) {
          String command = f.excepted() != null ? "notice"
              : f.blocking() && f.severity().atLeast(run.failOn()) ? "error" : "warning";
          for (Finding.Violation v : f.violations()) {
            StringBuilder line = new StringBuilder(256);
            line.append("::").append(command).append(" file=").append(property(f.source()));
            if (v.position().line() > 0) {
              line.append(",line=").append(v.position().line());
              if (v.position().column() > 0) {
                line.append(",col=").append(v.position().column());
              }
            }
            line.append(",title=").append(property(f.ruleId() + " ("
                + f.severity().name().toLowerCase(Locale.ROOT) + ")"));
            String text = f.message() + "\n" + f.resource() + " " + v.path();
            if (f.excepted() != null) {
              text += "\nexcepted by " + f.excepted().exception() + " until "
                  + f.excepted().expiresAt();
            } else if (v.specFix() != null) {
              text += "\nfix: " + v.specFix();
            }
            line.append("::").append(data(text)).append('\n');
            out.append(line);
          }
        }
      }
      for (Problem p : run.problems()) {
        StringBuilder line = new StringBuilder("::error file=").append(property(p.source()));
        if (p.line() > 0) {
          line.append(",line=").append(p.line()).append(",col=").append(p.column());
        }
        line.append(",title=").append(property("unreadable input")).append("::")
            .append(data(p.path().isEmpty() ? p.message() : p.path() + ": " + p.message()))
            .append('\n');
        out.append(line);
      }
      out.append(TextReport.summary(run)).append('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The job summary ($GITHUB_STEP_SUMMARY): the summary line and a table of the findings, at
   * most {@code limit} rows (GitHub refuses summaries over 1 MiB).
   */
  public static void summary(CheckRun run, Appendable out, int limit) {
    try {
      out.append("### pave check\n\n").append(markdown(TextReport.summary(run))).append("\n\n");
      int rows = 0;
      int total = 0;
      for (CheckRun.Checked c : run.checked()) {
        for (Finding f : c.findings()) {
          total++;
          if (rows == 0 && total == 1) {
            out.append("| severity | rule | resource | where | message |\n")
                .append("|---|---|---|---|---|\n");
          }
          if (rows >= limit) {
            continue;
          }
          rows++;
          Finding.Violation v = f.violations().isEmpty() ? null : f.violations().get(0);
          String where = v == null ? f.source() : f.source() + ":" + v.position().line();
          out.append("| ").append(f.excepted() != null ? "excepted" : f.severity().name()
                  .toLowerCase(Locale.ROOT))
              .append(" | `").append(markdown(f.ruleId())).append("` | ")
              .append(markdown(f.resource())).append(" | ").append(markdown(where))
              .append(" | ").append(markdown(f.message())).append(" |\n");
        }
      }
      if (total > rows) {
        out.append("\n").append(String.valueOf(total - rows))
            .append(" more findings: see the job log.\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A command's message: GitHub reads %, CR and LF specially there. */
  static String data(String s) {
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }

  /** A command's property value, which also ends at ':' and ','. */
  static String property(String s) {
    return data(s).replace(":", "%3A").replace(",", "%2C");
  }

  /** A table cell: '|' would end it, a line break the row, and HTML is rendered. */
  static String markdown(String s) {
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\r", "").replace("\n", "<br>");
  }
}
