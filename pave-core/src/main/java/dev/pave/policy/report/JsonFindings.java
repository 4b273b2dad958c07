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

  /**
   * One writer per thread, its buffers kept from finding to finding: a large report renders
   * tens of thousands of findings, and fresh buffers for each were a third of what the whole
   * check allocated.
   */
  private static final ThreadLocal<JsonFindings> WRITER =
      ThreadLocal.withInitial(JsonFindings::new);

  /** Buffers larger than this are not kept once the finding is out. */
  private static final int KEPT = 1 << 16;

  // Each entry of a finding as it starts: the separator, the line break and indentation, the
  // name and the colon, written once here instead of for every finding.
  private static final byte[] RULE = prefix(1, true, "rule");
  private static final byte[] SEVERITY = prefix(1, false, "severity");
  private static final byte[] STATUS = prefix(1, false, "status");
  private static final byte[] RESOURCE = prefix(1, false, "resource");
  private static final byte[] KIND = prefix(2, true, "kind");
  private static final byte[] NAMESPACE = prefix(2, false, "namespace");
  private static final byte[] NAME = prefix(2, false, "name");
  private static final byte[] FILE = prefix(1, false, "file");
  private static final byte[] TITLE = prefix(1, false, "title");
  private static final byte[] MESSAGE = prefix(1, false, "message");
  private static final byte[] RATIONALE = prefix(1, false, "rationale");
  private static final byte[] CONTROLS = prefix(1, false, "controls");
  private static final byte[] VIOLATIONS = prefix(1, false, "violations");
  private static final byte[] ELEMENT = prefix(2, true, "element");
  private static final byte[] PATH = prefix(2, false, "path");
  private static final byte[] LINE = prefix(2, false, "line");
  private static final byte[] COLUMN = prefix(2, false, "column");
  private static final byte[] PATCH = prefix(2, false, "patch");
  private static final byte[] FIXED = prefix(2, false, "fixed");
  private static final byte[] SPEC_FIX = prefix(2, false, "specFix");

  /** The UTF-8 written so far. */
  private byte[] buf = new byte[4096];
  private int len;
  /** The characters of the string being written. */
  private char[] chars = new char[1024];

  /**
   * Long strings seen on this thread and, once one is seen again, its JSON: fixed forms of
   * elements that are alike are one string, shared by thousands of findings. By identity, in
   * slots chosen by identity hash; a string seen once holds its slot with no bytes yet.
   */
  private final String[] seen = new String[SLOTS];
  private final byte[][] seenJson = new byte[SLOTS][];
  private static final int SLOTS = 64;
  private static final int LONG = 256;

  private JsonFindings() {}

  private static byte[] prefix(int level, boolean first, String name) {
    JsonFindings w = new JsonFindings();
    w.field(level, first, name);
    return java.util.Arrays.copyOf(w.buf, w.len);
  }

  /** The finding as Jackson would write it two levels into the report, or null. */
  static byte[] render(Finding f) {
    if (f.excepted() != null) {
      return null;
    }
    JsonFindings w = WRITER.get();
    w.len = 0;
    try {
      w.finding(f);
      return java.util.Arrays.copyOf(w.buf, w.len);
    } catch (RuntimeException e) {
      if (e == OTHER) {
        return null;
      }
      throw e;
    } finally {
      if (w.buf.length > KEPT) {
        w.buf = new byte[4096];
      }
      if (w.chars.length > KEPT) {
        w.chars = new char[1024];
      }
    }
  }

  private void finding(Finding f) {
    put('{');
    put(RULE).string(f.ruleId());
    put(SEVERITY).string(f.severity().name().toLowerCase(Locale.ROOT));
    put(STATUS).string(f.status().name().toLowerCase(Locale.ROOT));
    put(RESOURCE).put('{');
    put(KIND).string(f.kind());
    put(NAMESPACE).string(f.namespace());
    put(NAME).string(f.name());
    newline(1).put('}');
    put(FILE).string(f.source());
    put(TITLE).string(f.title());
    put(MESSAGE).string(f.message());
    put(RATIONALE).string(f.rationale());
    put(CONTROLS).value(f.controls(), 1);
    put(VIOLATIONS).put('[');
    List<Finding.Violation> violations = f.violations();
    for (int i = 0; i < violations.size(); i++) {
      Finding.Violation v = violations.get(i);
      ascii(i == 0 ? " {" : ", {");
      put(ELEMENT).string(v.element());
      put(PATH).string(v.path());
      put(LINE).number(v.position().line());
      put(COLUMN).number(v.position().column());
      put(PATCH).value(v.patch(), 2);
      put(FIXED).string(v.fixed());
      put(SPEC_FIX).string(v.specFix());
      newline(1).put('}');
    }
    ascii(" ]");
    newline(0).put('}');
  }

  /** Room for this many more bytes. */
  private void ensure(int n) {
    if (len + n > buf.length) {
      buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  private JsonFindings put(int b) {
    if (len == buf.length) {
      ensure(1);
    }
    buf[len++] = (byte) b;
    return this;
  }

  private JsonFindings put(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
    return this;
  }

  /** Text known to be ASCII (punctuation). */
  private JsonFindings ascii(String text) {
    for (int i = 0; i < text.length(); i++) {
      put(text.charAt(i));
    }
    return this;
  }

  private void number(long n) {
    if (n >= 0 && n < 10) {
      put('0' + (int) n);
    } else {
      ascii(Long.toString(n));
    }
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
      number(n);
    } else if (v instanceof Integer n) {
      number(n);
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

  /**
   * A JSON string with the escapes Jackson writes: quote, backslash, control characters;
   * everything else as its UTF-8, a character beyond the basic plane as its four bytes. A
   * surrogate standing alone is left to Jackson, which escapes it. One pass over the
   * string's characters, copied out in one go: going through charAt for each cost several
   * times more.
   */
  private void string(String s) {
    if (s == null) {
      ascii("null");
      return;
    }
    int n = s.length();
    if (n >= LONG && n <= KEPT) {
      int slot = System.identityHashCode(s) & (SLOTS - 1);
      if (seen[slot] == s) {
        if (seenJson[slot] == null) {
          int from = len;
          encode(s, n);
          seenJson[slot] = java.util.Arrays.copyOfRange(buf, from, len);
        } else {
          put(seenJson[slot]);
        }
        return;
      }
      seen[slot] = s;
      seenJson[slot] = null;
    }
    encode(s, n);
  }

  private void encode(String s, int n) {
    if (chars.length < n) {
      chars = new char[Math.max(n, chars.length * 2)];
    }
    char[] cs = chars;
    s.getChars(0, n, cs, 0);
    // Room for the quotes and one byte per character; anything longer makes room for itself.
    ensure(n + 2);
    byte[] b = buf;
    int at = len;
    b[at++] = '"';
    for (int i = 0; i < n; i++) {
      char c = cs[i];
      if (c >= ' ' && c < 0x80 && c != '"' && c != '\\') {
        b[at++] = (byte) c;
        continue;
      }
      // At most six bytes for this character, one for each after it, and the closing quote.
      len = at;
      ensure(7 + n - i);
      b = buf;
      if (c < 0x80) {
        b[at++] = '\\';
        switch (c) {
          case '"' -> b[at++] = '"';
          case '\\' -> b[at++] = '\\';
          case '\n' -> b[at++] = 'n';
          case '\t' -> b[at++] = 't';
          case '\r' -> b[at++] = 'r';
          case '\b' -> b[at++] = 'b';
          case '\f' -> b[at++] = 'f';
          default -> {
            b[at++] = 'u';
            b[at++] = '0';
            b[at++] = '0';
            b[at++] = HEX[c >> 4];
            b[at++] = HEX[c & 0xF];
          }
        }
      } else if (c < 0x800) {
        b[at++] = (byte) (0xC0 | c >> 6);
        b[at++] = (byte) (0x80 | c & 0x3F);
      } else if (!Character.isSurrogate(c)) {
        b[at++] = (byte) (0xE0 | c >> 12);
        b[at++] = (byte) (0x80 | c >> 6 & 0x3F);
        b[at++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c) && i + 1 < n
          && Character.isLowSurrogate(cs[i + 1])) {
        int cp = Character.toCodePoint(c, cs[++i]);
        b[at++] = (byte) (0xF0 | cp >> 18);
        b[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
        b[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
        b[at++] = (byte) (0x80 | cp & 0x3F);
      } else {
        throw OTHER;
      }
    }
    b[at++] = '"';
    len = at;
  }
}
