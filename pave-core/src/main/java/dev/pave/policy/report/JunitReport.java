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
    int tests = run.checked().stream().mapToInt(c -> c.rules().size()).sum();
    long failures = run.findings().stream().filter(f -> f.blocking()
        && f.severity().atLeast(run.failOn())).count();
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb.append("<testsuites name=\"pave check\" tests=\"").append(tests).append("\" failures=\"")
        .append(failures).append("\">\n");
    sb.append("  <testsuite name=\"pave check\" tests=\"").append(tests).append("\" failures=\"")
        .append(failures).append("\">\n");
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
    sb.append("  </testsuite>\n</testsuites>\n");
    return sb.toString();
  }

  static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
