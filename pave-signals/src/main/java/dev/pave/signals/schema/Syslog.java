package dev.pave.signals.schema;

import dev.pave.signals.Signal;
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
    int pri = f.facility() * 8 + s.severity().syslog();
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

  private static void sd(StringBuilder b, String name, String value) {
    if (value != null) {
      b.append(' ').append(name).append("=\"").append(value.replace("\\", "\\\\")
          .replace("\"", "\\\"").replace("]", "\\]")).append('"');
    }
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
