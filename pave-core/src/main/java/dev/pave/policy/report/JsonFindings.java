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
 * another type, an exception record, text with a surrogate standing alone) gives null, and the
 * finding goes to Jackson; a test compares both over findings of every shape.
 */
final class JsonFindings {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  /** Thrown to give up; one instance without a stack trace. */
  private static final RuntimeException OTHER = new RuntimeException("not in the layout",
      null, false, false) {};

  /** The UTF-8 written so far. */
  private byte[] buf = new byte[2048];
  private int len;

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
    return java.util.Arrays.copyOf(w.buf, w.len);
  }

  private void finding(Finding f) {
    put('{');
    field(1, true, "rule").string(f.ruleId());
    field(1, false, "severity").string(f.severity().name().toLowerCase(Locale.ROOT));
    field(1, false, "status").string(f.status().name().toLowerCase(Locale.ROOT));
    field(1, false, "resource").put('{');
    field(2, true, "kind").string(f.kind());
    field(2, false, "namespace").string(f.namespace());
    field(2, false, "name").string(f.name());
    newline(1).put('}');
    field(1, false, "file").string(f.source());
    field(1, false, "title").string(f.title());
    field(1, false, "message").string(f.message());
    field(1, false, "rationale").string(f.rationale());
    field(1, false, "controls").value(f.controls(), 1);
    field(1, false, "violations").put('[');
    List<Finding.Violation> violations = f.violations();
    for (int i = 0; i < violations.size(); i++) {
      Finding.Violation v = violations.get(i);
      ascii(i == 0 ? " {" : ", {");
      field(2, true, "element").string(v.element());
      field(2, false, "path").string(v.path());
      field(2, false, "line").ascii(Integer.toString(v.position().line()));
      field(2, false, "column").ascii(Integer.toString(v.position().column()));
      field(2, false, "patch").value(v.patch(), 2);
      field(2, false, "fixed").string(v.fixed());
      field(2, false, "specFix").string(v.specFix());
      newline(1).put('}');
    }
    ascii(" ]");
    newline(0).put('}');
  }

  private JsonFindings put(int b) {
    if (len == buf.length) {
      buf = java.util.Arrays.copyOf(buf, buf.length * 2);
    }
    buf[len++] = (byte) b;
    return this;
  }

  private void put(byte[] bytes, int from, int to) {
    int n = to - from;
    if (len + n > buf.length) {
      buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
    System.arraycopy(bytes, from, buf, len, n);
    len += n;
  }

  /** Text known to be ASCII (names, numbers, punctuation). */
  private JsonFindings ascii(String text) {
    for (int i = 0; i < text.length(); i++) {
      put(text.charAt(i));
    }
    return this;
  }

  /** A line break and the indentation of this many levels, two spaces deeper than alone. */
  private JsonFindings newline(int level) {
    put('\n');
    for (int i = 0; i <= level; i++) {
      put(' ').put(' ');
    }
    return this;
  }

  /** The separator before an entry of an object at this level, and its name. */
  private JsonFindings field(int level, boolean first, String name) {
    if (!first) {
      put(',');
    }
    newline(level);
    string(name);
    return ascii(" : ");
  }

  /** Maps, lists, strings, integers, booleans and null, inside an object at this level. */
  private void value(Object v, int level) {
    if (v == null) {
      ascii("null");
    } else if (v instanceof String s) {
      string(s);
    } else if (v instanceof Boolean b) {
      ascii(b ? "true" : "false");
    } else if (v instanceof Long n) {
      ascii(Long.toString(n));
    } else if (v instanceof Integer n) {
      ascii(Integer.toString(n));
    } else if (v instanceof Map<?, ?> m) {
      put('{');
      if (m.isEmpty()) {
        ascii(" }");
        return;
      }
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        field(level + 1, first, String.valueOf(e.getKey()));
        first = false;
        value(e.getValue(), level + 1);
      }
      newline(level).put('}');
    } else if (v instanceof List<?> l) {
      put('[');
      for (int i = 0; i < l.size(); i++) {
        ascii(i == 0 ? " " : ", ");
        value(l.get(i), level);
      }
      ascii(" ]");
    } else {
      throw OTHER;
    }
  }

  private static boolean hasQuestionMark(byte[] b) {
    for (byte c : b) {
      if (c == '?') {
        return true;
      }
    }
    return false;
  }

  /**
   * A JSON string with the escapes Jackson writes: quote, backslash, control characters;
   * everything else as its UTF-8. Worked on the string's UTF-8 bytes, which for ASCII text is
   * a copy of the string's own: a character at a time through charAt cost ten times more.
   */
  private void string(String s) {
    if (s == null) {
      ascii("null");
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    // A surrogate standing alone is encoded as '?': leave those strings to Jackson, which
    // escapes it. Pairs are encoded as the four bytes of their character, as Jackson does.
    if (b.length != s.length() || hasQuestionMark(b)) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          throw OTHER;
        }
      }
    }
    put('"');
    int run = 0;
    for (int i = 0; i < b.length; i++) {
      int c = b[i];
      // Bytes of characters beyond ASCII are negative and written as they are.
      if (c >= ' ' && c != '"' && c != '\\' || c < 0) {
        continue;
      }
      put(b, run, i);
      run = i + 1;
      switch (c) {
        case '"' -> ascii("\\\"");
        case '\\' -> ascii("\\\\");
        case '\n' -> ascii("\\n");
        case '\t' -> ascii("\\t");
        case '\r' -> ascii("\\r");
        case '\b' -> ascii("\\b");
        case '\f' -> ascii("\\f");
        default -> ascii("\\u00").put(HEX[c >> 4]).put(HEX[c & 0xF]);
      }
    }
    put(b, run, b.length);
    put('"');
  }
}
