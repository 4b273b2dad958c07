package dev.pave.policy.report;

import dev.pave.policy.CheckRun;
import dev.pave.policy.Finding;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** JUnit XML for CI systems: one test case per resource and rule, failures for findings. */
public final class JunitReport {
  private JunitReport() {}

  public static String render(CheckRun run) {
    java.io.StringWriter out = new java.io.StringWriter();
    write(run, out);
    return out.toString();
  }

  /**
   * Streams the report: a large check has a test case per resource and rule, hundreds of
   * thousands of them, which a report built whole first would hold twice.
   */
  public static void write(CheckRun run, java.io.Writer out) {
    try {
      write(run, (Appendable) out);
      out.flush();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void write(CheckRun run, Appendable sb) throws java.io.IOException {
    // An unreadable document is a failed test case too: the run fails for it (exit code 2),
    // and a CI page that counts only findings would show it green.
    int tests = run.checked().stream().mapToInt(c -> c.rules().size()).sum()
        + run.problems().size();
    long failures = run.blocking() + run.problems().size();
    sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    String counts = "tests=\"" + tests + "\" failures=\"" + failures + "\">\n";
    sb.append("<testsuites name=\"pave check\" ").append(counts);
    sb.append("  <testsuite name=\"pave check\" ").append(counts);
    for (CheckRun.Checked c : run.checked()) {
      Map<String, Finding> byRule = c.findings().stream()
          .collect(Collectors.toMap(Finding::ruleId, Function.identity(), (a, b) -> a));
      for (String rule : c.rules()) {
        sb.append("    <testcase classname=\"").append(xml(c.resource().describe()))
            .append("\" name=\"").append(xml(rule)).append("\" file=\"")
            .append(xml(c.resource().source())).append("\"");
        Finding f = byRule.get(rule);
        if (f == null) {
          sb.append("/>\n");
          continue;
        }
        sb.append(">\n");
        Finding.Violation v = f.violations().get(0);
        String where = f.source() + ":" + v.position().line() + ":" + v.position().column()
            + " " + v.path();
        if (f.excepted() != null) {
          sb.append("      <skipped message=\"").append(xml("excepted by "
              + f.excepted().exception() + " until " + f.excepted().expiresAt())).append("\"/>\n");
        } else if (f.severity().atLeast(run.failOn())) {
          sb.append("      <failure type=\"").append(f.severity().name().toLowerCase(
              java.util.Locale.ROOT)).append("\" message=\"").append(xml(f.message()))
              .append("\">").append(xml(where + (f.rationale() == null ? ""
                  : "\n" + f.rationale()))).append("</failure>\n");
        } else {
          sb.append("      <system-out>").append(xml(f.message() + " at " + where))
              .append("</system-out>\n");
        }
        sb.append("    </testcase>\n");
      }
    }
    for (dev.pave.spec.Problem p : run.problems()) {
      sb.append("    <testcase classname=\"").append(xml(p.source()))
          .append("\" name=\"unreadable input\" file=\"").append(xml(p.source()))
          .append("\">\n      <failure type=\"error\" message=\"").append(xml(p.message()))
          .append("\">").append(xml(p.format())).append("</failure>\n    </testcase>\n");
    }
    sb.append("  </testsuite>\n</testsuites>\n");
  }

  /**
   * Text for an attribute or an element. Line breaks and tabs are written as references, since
   * an XML reader turns them into spaces in attributes; other control characters cannot be
   * written in XML 1.0 at all (not even as references), and one in a message would make the
   * whole report unreadable, so they become U+FFFD.
   */
  static String xml(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      String r = switch (ch) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\n' -> "&#10;";
        case '\r' -> "&#13;";
        case '\t' -> "&#9;";
        default -> ch < 0x20 || ch == 0xFFFE || ch == 0xFFFF ? "\uFFFD" : null;
      };
      if (r != null && b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (b != null) {
        if (r == null) {
          b.append(ch);
        } else {
          b.append(r);
        }
      }
    }
    return b == null ? s : b.toString();
  }
}
