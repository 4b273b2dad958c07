package dev.pave.policy.report;

import dev.pave.policy.Finding;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One finding written as {@link JsonReport} writes it with Jackson's pretty printer, byte for
 * byte, by appending to a buffer. A large check has tens of thousands of findings, and going
 * through the generator cost more than the rest of building them; the layout is fixed, so it
 * is spelled out here. Anything outside it (a number that is not an integer, a value of
 * another type, an exception record, text with unpaired surrogates) gives null, and the
 * finding goes to Jackson; a test compares both over findings of every shape.
 */
final class JsonFindings {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** Thrown to give up; one instance without a stack trace. */
  private static final RuntimeException OTHER = new RuntimeException("not in the layout",
      null, false, false) {};

  private final StringBuilder out = new StringBuilder(2048);

  private JsonFindings() {}

  /** The finding as Jackson would write it two levels into the report, or null. */
  static byte[] render(Finding f) {
    if (f.excepted() != null) {
      return null;
    }
    JsonFindings w = new JsonFindings();
    try {
      w.finding(f);
    } catch (RuntimeException e) {
      if (e == OTHER) {
        return null;
      }
      throw e;
    }
    return w.out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void finding(Finding f) {
    out.append('{');
    field(1, true, "rule").string(f.ruleId());
    field(1, false, "severity").string(f.severity().name().toLowerCase(Locale.ROOT));
    field(1, false, "status").string(f.status().name().toLowerCase(Locale.ROOT));
    field(1, false, "resource").append('{');
    field(2, true, "kind").string(f.kind());
    field(2, false, "namespace").string(f.namespace());
    field(2, false, "name").string(f.name());
    newline(1).append('}');
    field(1, false, "file").string(f.source());
    field(1, false, "title").string(f.title());
    field(1, false, "message").string(f.message());
    field(1, false, "rationale").string(f.rationale());
    field(1, false, "controls");
    value(f.controls(), 1);
    field(1, false, "violations").append('[');
    List<Finding.Violation> violations = f.violations();
    for (int i = 0; i < violations.size(); i++) {
      Finding.Violation v = violations.get(i);
      out.append(i == 0 ? " {" : ", {");
      field(2, true, "element").string(v.element());
      field(2, false, "path").string(v.path());
      field(2, false, "line").append(v.position().line());
      field(2, false, "column").append(v.position().column());
      field(2, false, "patch");
      value(v.patch(), 2);
      field(2, false, "fixed").string(v.fixed());
      field(2, false, "specFix").string(v.specFix());
      newline(1).append('}');
    }
    out.append(" ]");
    newline(0).append('}');
  }

  /** A line break and the indentation of this many levels, two spaces deeper than alone. */
  private StringBuilder newline(int level) {
    out.append("\n  ");
    for (int i = 0; i < level; i++) {
      out.append("  ");
    }
    return out;
  }

  /** The separator before an entry of an object at this level, and its name. */
  private JsonFindings field(int level, boolean first, String name) {
    if (!first) {
      out.append(',');
    }
    newline(level);
    string(name);
    out.append(" : ");
    return this;
  }

  private StringBuilder append(char c) {
    return out.append(c);
  }

  private StringBuilder append(int n) {
    return out.append(n);
  }

  /** Maps, lists, strings, integers, booleans and null, inside an object at this level. */
  private void value(Object v, int level) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof String s) {
      string(s);
    } else if (v instanceof Boolean b) {
      out.append(b.booleanValue());
    } else if (v instanceof Long n) {
      out.append(n.longValue());
    } else if (v instanceof Integer n) {
      out.append(n.intValue());
    } else if (v instanceof Map<?, ?> m) {
      out.append('{');
      if (m.isEmpty()) {
        out.append(" }");
        return;
      }
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        field(level + 1, first, String.valueOf(e.getKey()));
        first = false;
        value(e.getValue(), level + 1);
      }
      newline(level).append('}');
    } else if (v instanceof List<?> l) {
      out.append('[');
      for (int i = 0; i < l.size(); i++) {
        out.append(i == 0 ? " " : ", ");
        value(l.get(i), level);
      }
      out.append(" ]");
    } else {
      throw OTHER;
    }
  }

  /** A JSON string with the escapes Jackson writes: quote, backslash, control characters. */
  private void string(String s) {
    if (s == null) {
      out.append("null");
      return;
    }
    out.append('"');
    int n = s.length();
    int run = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= ' ' && c != '"' && c != '\\' && (c < 0xD800 || c > 0xDFFF)) {
        continue;
      }
      if (c >= 0xD800 && c <= 0xDFFF) {
        throw OTHER;
      }
      out.append(s, run, i);
      run = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    out.append(s, run, n).append('"');
  }
}
