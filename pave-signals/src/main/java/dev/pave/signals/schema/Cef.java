package dev.pave.signals.schema;

import dev.pave.signals.Origin;
import dev.pave.signals.Signal;
import dev.pave.signals.Status;
import dev.pave.signals.enrich.Enrichment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A notice as an ArcSight CEF line:
 * {@code CEF:0|Pave|pave-signals|VERSION|SignatureID|Name|Severity|Extension}. Header fields
 * escape backslash and pipe; extension values escape backslash, equals sign and line breaks,
 * so a summary with "a=b" or several lines cannot forge extension keys or split the record.
 */
public final class Cef {
  private Cef() {}

  public static String of(Notice n, String productVersion) {
    Signal s = n.signal().signal();
    Enrichment e = n.signal().enrichment();
    String signature = s.type().wire() + ":" + s.title();
    StringBuilder b = new StringBuilder("CEF:0|Pave|pave-signals|");
    b.append(header(productVersion)).append('|').append(header(signature)).append('|')
        .append(header(s.summary().isEmpty() ? s.title() : s.summary())).append('|')
        .append(severity(n)).append('|');
    Map<String, String> ext = new LinkedHashMap<>();
    ext.put("rt", String.valueOf(s.time().toEpochMilli()));
    if (s.origin() instanceof Origin.Alert a) {
      ext.put("start", String.valueOf(a.startsAt().toEpochMilli()));
      if (a.endsAt() != null) {
        ext.put("end", String.valueOf(a.endsAt().toEpochMilli()));
      }
    }
    ext.put("act", s.status().wire());
    ext.put("cat", s.type().wire());
    ext.put("msg", s.summary());
    ext.put("externalId", n.incident() != null ? n.incident().id() : s.id());
    String cluster = e.cluster() != null ? e.cluster() : s.subject().cluster();
    if (cluster != null && !cluster.isEmpty()) {
      ext.put("dvchost", cluster);
    }
    if (e.lastDeployBy() != null) {
      ext.put("suser", e.lastDeployBy());
    }
    custom(ext, 1, "team", e.team());
    custom(ext, 2, "application", e.app());
    custom(ext, 3, "environment", e.environment());
    custom(ext, 4, "runbook", e.runbook());
    custom(ext, 5, "onCall", e.onCall());
    custom(ext, 6, "enrichment", e.level().wire()
        + (e.missing().isEmpty() ? "" : " (missing " + String.join(", ", e.missing()) + ")"));
    if (e.revision() != null) {
      ext.put("cn1", String.valueOf(e.revision()));
      ext.put("cn1Label", "revision");
    }
    boolean first = true;
    for (Map.Entry<String, String> x : ext.entrySet()) {
      if (x.getValue() == null) {
        continue;
      }
      if (!first) {
        b.append(' ');
      }
      first = false;
      b.append(x.getKey()).append('=').append(extension(x.getValue()));
    }
    return b.toString();
  }

  private static void custom(Map<String, String> ext, int n, String label, String value) {
    if (value != null) {
      ext.put("cs" + n, value);
      ext.put("cs" + n + "Label", label);
    }
  }

  /** CEF Severity 0 for a resolution (act=resolved): the problem is over, whatever it was. */
  public static int severity(Notice n) {
    return n.signal().signal().status() == Status.RESOLVED ? 0 : n.signal().signal().severity()
        .cef();
  }

  /**
   * Header fields: backslash and pipe escaped. CEF allows no line break in the header, so line
   * breaks (CR, LF, NEL U+0085, U+2028, U+2029) and other control characters become spaces.
   */
  public static String header(String v) {
    StringBuilder b = new StringBuilder(v.length() + 8);
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '\\' || c == '|') {
        b.append('\\').append(c);
      } else if (c == '\r' && i + 1 < v.length() && v.charAt(i + 1) == '\n') {
        b.append(' ');
        i++;
      } else {
        b.append(Syslog.control(c) ? ' ' : c);
      }
    }
    return b.toString();
  }

  /**
   * Extension values: backslash and equals sign escaped; line breaks are CEF's {@code \n}
   * (CR LF, LF, NEL U+0085, U+2028 and U+2029; a lone CR {@code \r}), the only control
   * escapes CEF defines, so other control characters (tab, ESC, DEL, C1) become spaces.
   */
  public static String extension(String v) {
    StringBuilder b = new StringBuilder(v.length() + 8);
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '\\', '=' -> b.append('\\').append(c);
        case '\n', '\u0085', '\u2028', '\u2029' -> b.append("\\n");
        case '\r' -> {
          if (i + 1 < v.length() && v.charAt(i + 1) == '\n') {
            i++;
            b.append("\\n");
          } else {
            b.append("\\r");
          }
        }
        default -> b.append(Syslog.control(c) ? ' ' : c);
      }
    }
    return b.toString();
  }
}
