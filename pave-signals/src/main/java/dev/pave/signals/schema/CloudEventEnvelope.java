package dev.pave.signals.schema;

import dev.pave.signals.Signal;
import dev.pave.signals.enrich.Enrichment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A notice as a CloudEvents 1.0 event. Each delivery of one notice carries the same id, so a
 * receiver can drop repeats; the type says what happened
 * ({@code dev.pave.signal.alert.firing}, {@code dev.pave.signal.deploy}).
 */
public final class CloudEventEnvelope {
  public static final String SOURCE = "/pave/signals";

  private CloudEventEnvelope() {}

  /** The context attributes, extensions included, without data. */
  public static Map<String, String> attributes(Notice n) {
    Signal s = n.signal().signal();
    Enrichment e = n.signal().enrichment();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("specversion", "1.0");
    // One notice per signal and incident change: the id must differ between an alert's firing
    // and its resolution, and stay equal across retries of either.
    m.put("id", s.id());
    m.put("source", SOURCE);
    m.put("type", type(s));
    m.put("time", s.time().toString());
    m.put("datacontenttype", "application/json");
    String subject = e.app() != null ? e.app() + "/" + e.environment()
        : !s.subject().name().isEmpty() ? s.subject().namespace() + "/" + s.subject().name()
        : s.title();
    m.put("subject", subject);
    put(m, "paveapp", e.app());
    put(m, "paveenv", e.environment());
    put(m, "paveteam", e.team());
    m.put("paveseverity", s.severity().wire());
    m.put("paveenrichment", e.level().wire());
    if (n.incident() != null) {
      m.put("paveincident", n.incident().id());
      m.put("paveincidentversion", String.valueOf(n.incident().version()));
    }
    return m;
  }

  public static String type(Signal s) {
    String base = "dev.pave.signal." + s.type().wire().replace("-", "");
    return s.status() == dev.pave.signals.Status.INFO ? base : base + "." + s.status().wire();
  }

  /** Structured mode: attributes and data in one JSON object. */
  public static Map<String, Object> structured(Notice n) {
    Map<String, Object> m = new LinkedHashMap<>(attributes(n));
    m.put("data", SignalJson.of(n));
    return m;
  }

  private static void put(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
