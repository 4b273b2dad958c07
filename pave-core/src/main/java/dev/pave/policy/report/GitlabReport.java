package dev.pave.policy.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.pave.policy.CheckRun;
import dev.pave.policy.Finding;
import dev.pave.policy.Severity;
import dev.pave.spec.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * GitLab's Code Quality report (a subset of Code Climate's issue format): one issue per
 * offending element, which GitLab shows in the merge request's widget and diff.
 */
public final class GitlabReport {
  private GitlabReport() {}

  /**
   * Streams the issues as they are met. Excepted findings are left out: the format has no way
   * to say "accepted", and GitLab would count them as new issues.
   */
  public static void write(CheckRun run, java.io.Writer out) {
    try (JsonGenerator g = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
        .createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartArray();
      for (CheckRun.Checked c : run.checked()) {
        for (Finding f : c.findings()) {
          if (f.excepted() != null) {
            continue;
          }
          for (Finding.Violation v : f.violations()) {
            issue(g, f.message() + " (" + f.resource() + " " + v.path() + ")", f.ruleId(),
                fingerprint(f.ruleId(), f.source(), f.resource(), v.path()),
                severity(f.severity()), f.source(), v.position().line());
          }
        }
      }
      for (Problem p : run.problems()) {
        issue(g, p.format(), "pave/unreadable-input",
            fingerprint("pave/unreadable-input", p.source(), p.path(), p.message()), "blocker",
            p.source(), p.line());
      }
      g.writeEndArray();
      g.flush();
      out.write("\n");
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void issue(JsonGenerator g, String description, String check,
      String fingerprint, String severity, String path, int line) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "issue");
    g.writeStringField("description", description);
    g.writeStringField("check_name", check);
    g.writeStringField("fingerprint", fingerprint);
    g.writeStringField("severity", severity);
    g.writeObjectFieldStart("location");
    g.writeStringField("path", path);
    g.writeObjectFieldStart("lines");
    g.writeNumberField("begin", Math.max(1, line));
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
  }

  /**
   * GitLab's five levels, in the same order as Pave's five. Lines are left out of the
   * fingerprint on purpose: GitLab compares fingerprints between the branch and its target, and
   * an unrelated edit above a finding must not make it a new issue.
   */
  static String severity(Severity s) {
    return switch (s) {
      case CRITICAL -> "blocker";
      case HIGH -> "critical";
      case MEDIUM -> "major";
      case LOW -> "minor";
      case INFO -> "info";
    };
  }

  static String fingerprint(String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        sha.update((p == null ? "" : p).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
