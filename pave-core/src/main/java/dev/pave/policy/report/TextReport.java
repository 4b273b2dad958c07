package dev.pave.policy.report;

import dev.pave.policy.CheckRun;
import dev.pave.policy.Finding;
import dev.pave.policy.Severity;
import dev.pave.spec.Problem;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Findings for people: grouped by resource, each with where, why, the controls and the fix as
 * YAML, then one summary line.
 */
public final class TextReport {
  private TextReport() {}

  public static String render(CheckRun run) {
    StringBuilder out = new StringBuilder();
    write(run, out);
    return out.toString();
  }

  /** Writes the report resource by resource, so a large check never holds it all. */
  public static void write(CheckRun run, Appendable out) {
    StringBuilder sb = new StringBuilder();
    for (CheckRun.Checked c : run.checked()) {
      flush(sb, out);
      if (c.findings().isEmpty()) {
        continue;
      }
      sb.append(c.resource().describe()).append("  (").append(c.resource().source())
          .append(")\n");
      for (Finding f : c.findings()) {
        String status = switch (f.status()) {
          case FAILED -> f.severity().atLeast(run.failOn()) ? "FAIL" : "WARN";
          case EXCEPTED -> "EXCEPTED";
          case ERROR -> "ERROR";
        };
        sb.append("  ").append(status).append(' ')
            .append(f.severity().name().toLowerCase(Locale.ROOT)).append(' ')
            .append(f.ruleId()).append('\n');
        sb.append("    ").append(f.message()).append('\n');
        for (Finding.Violation v : f.violations()) {
          sb.append("    at ").append(f.source()).append(':').append(v.position().line())
              .append(':').append(v.position().column()).append(' ').append(v.path())
              .append('\n');
        }
        if (f.excepted() != null) {
          sb.append("    excepted by ").append(f.excepted().exception()).append(" (owner ")
              .append(f.excepted().owner()).append(", until ").append(f.excepted().expiresAt())
              .append(f.excepted().ticket() == null ? "" : ", " + f.excepted().ticket())
              .append("): ").append(f.excepted().reason()).append('\n');
          continue;
        }
        if (f.rationale() != null) {
          sb.append("    why: ").append(f.rationale()).append('\n');
        }
        if (!f.controls().isEmpty()) {
          sb.append("    controls: ").append(String.join("; ", f.controls())).append('\n');
        }
        Finding.Violation first = f.violations().get(0);
        if (first.specFix() != null) {
          sb.append("    fix: ").append(first.specFix()).append('\n');
        }
        if (first.fixed() != null && !first.patch().isEmpty()) {
          sb.append("    fixed ").append(first.element() == null ? "" : first.element() + " ")
              .append("would read:\n");
          for (String line : first.fixed().split("\n")) {
            sb.append("      ").append(line).append('\n');
          }
        }
      }
      sb.append('\n');
    }
    for (Problem p : run.problems()) {
      sb.append("error: ").append(p.format()).append('\n');
    }
    sb.append(summary(run)).append('\n');
    flush(sb, out);
  }

  private static void flush(StringBuilder sb, Appendable out) {
    try {
      out.append(sb);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    sb.setLength(0);
  }

  static String summary(CheckRun run) {
    long failed = run.findings().stream().filter(Finding::blocking).count();
    long excepted = run.findings().size() - failed;
    long withFindings = run.checked().stream()
        .filter(c -> c.findings().stream().anyMatch(Finding::blocking)).count();
    Map<Severity, Integer> bySeverity = new EnumMap<>(Severity.class);
    run.findings().stream().filter(Finding::blocking)
        .forEach(f -> bySeverity.merge(f.severity(), 1, Integer::sum));
    StringBuilder sb = new StringBuilder();
    sb.append(run.checked().size()).append(run.checked().size() == 1 ? " resource" : " resources")
        .append(" checked, ").append(withFindings).append(" with findings: ").append(failed)
        .append(" failed");
    if (!bySeverity.isEmpty()) {
      sb.append(" (");
      bySeverity.forEach((s, n) -> sb.append(n).append(' ')
          .append(s.name().toLowerCase(Locale.ROOT)).append(", "));
      sb.setLength(sb.length() - 2);
      sb.append(')');
    }
    sb.append(", ").append(excepted).append(" excepted");
    if (!run.skipped().isEmpty()) {
      sb.append("; ").append(run.skipped().size()).append(" skipped (no rule applies to ")
          .append(String.join(", ", run.skipped().stream().map(o -> o.kind()).distinct()
              .toList())).append(')');
    }
    if (!run.problems().isEmpty()) {
      sb.append("; ").append(run.problems().size()).append(" unreadable");
    }
    sb.append(". Failing at ").append(run.failOn().name().toLowerCase(Locale.ROOT))
        .append(" or above: ").append(run.blocking()).append('.');
    return sb.toString();
  }
}
