package dev.pave.signals.schema;

import dev.pave.signals.Signal;
import dev.pave.signals.Status;
import dev.pave.signals.enrich.Enrichment;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * RFC 5424 syslog messages with Pave's structured data element, framed by RFC 6587 octet
 * counting ({@code LEN SP MSG}), which TLS transport (RFC 5425) requires and which survives
 * line breaks in the message.
 */
public final class Syslog {
  /** RFC 5612's documentation enterprise number, used until one is configured. */
  public static final int DEFAULT_ENTERPRISE = 32473;

  /** How messages are written: facility (0-23), names, and the SD-ID's enterprise number. */
  public record Format(int facility, String hostname, String appName, int enterpriseId) {
    public static final Format DEFAULT = new Format(16, "pave-signals", "pave-signals",
        DEFAULT_ENTERPRISE);
  }

  private Syslog() {}

  /** One message; {@code body} is the MSG part (CEF or JSON). */
  public static String message(Notice n, Format f, String body) {
    Signal s = n.signal().signal();
    Enrichment e = n.signal().enrichment();
    int pri = f.facility() * 8 + severity(n);
    StringBuilder b = new StringBuilder();
    b.append('<').append(pri).append(">1 ")
        .append(DateTimeFormatter.ISO_INSTANT.format(s.time().truncatedTo(ChronoUnit.MICROS)))
        .append(' ').append(field(f.hostname(), 255)).append(' ')
        .append(field(f.appName(), 48)).append(" - ").append(field(s.type().wire(), 32))
        .append(" [pave@").append(f.enterpriseId());
    sd(b, "id", s.id());
    sd(b, "app", e.app());
    sd(b, "env", e.environment());
    sd(b, "team", e.team());
    sd(b, "enrichment", e.level().wire());
    if (n.incident() != null) {
      sd(b, "incident", n.incident().id());
    }
    if (resolved(n)) {
      // The PRI says the problem is over; the severity it had stays readable.
      sd(b, "severity", s.severity().wire());
    }
    b.append("] ");
    // MSG in UTF-8 starts with a BOM per RFC 5424; rsyslog and most SIEMs accept it without.
    b.append(body);
    return b.toString();
  }

  /** Octet-counted frame: the byte length of the message, a space, the message. */
  public static byte[] frame(String message) {
    byte[] msg = message.getBytes(StandardCharsets.UTF_8);
    byte[] len = (msg.length + " ").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[len.length + msg.length];
    System.arraycopy(len, 0, out, 0, len.length);
    System.arraycopy(msg, 0, out, len.length, msg.length);
    return out;
  }

  /** The PRI's severity: a resolution is Notice (5), whatever the alert's severity was. */
  public static int severity(Notice n) {
    return resolved(n) ? RESOLVED_SEVERITY : n.signal().signal().severity().syslog();
  }

  /** Syslog severity 5, Notice: "normal but significant condition". */
  public static final int RESOLVED_SEVERITY = 5;

  static boolean resolved(Notice n) {
    return n.signal().signal().status() == Status.RESOLVED;
  }

  private static void sd(StringBuilder b, String name, String value) {
    if (value != null) {
      b.append(' ').append(name).append("=\"").append(sdValue(value)).append('"');
    }
  }

  /**
   * An SD-PARAM value. RFC 5424 escapes only {@code "}, {@code \} and {@code ]}; control
   * characters are allowed there but split or garble the records of line-based receivers and
   * terminals, so they are written as escapes too: {@code \n}, {@code \r}, {@code \t}, and
   * backslash-u with four hex digits for the other C0 and C1 controls, DEL, U+2028 and U+2029. RFC 5424 reads a
   * backslash before any other character as a backslash, so these arrive as written.
   */
  public static String sdValue(String v) {
    StringBuilder b = new StringBuilder(v.length() + 8);
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"', '\\', ']' -> b.append('\\').append(c);
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (control(c)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /**
   * The ECS JSON as MSG: Jackson escapes C0 controls but leaves DEL, the C1 controls (U+0085
   * is a line break to some readers), U+2028 and U+2029 raw; they can only stand inside JSON
   * strings, where backslash-u with four hex digits means the same character.
   */
  public static String jsonBody(String json) {
    StringBuilder b = null;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (control(c)) {
        if (b == null) {
          b = new StringBuilder(json.length() + 16).append(json, 0, i);
        }
        b.append(String.format("\\u%04x", (int) c));
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? json : b.toString();
  }

  /** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
  static boolean control(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
  }

  /** Header fields: printable US-ASCII without spaces, bounded; "-" when empty. */
  static String field(String v, int max) {
    if (v == null || v.isEmpty()) {
      return "-";
    }
    StringBuilder b = new StringBuilder();
    for (char c : v.toCharArray()) {
      b.append(c > 32 && c < 127 ? c : '_');
    }
    return b.length() > max ? b.substring(0, max) : b.toString();
  }
}
