package dev.pave.signals.intake;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers for reading JSON trees sent by other systems. */
final class Json {
  static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private Json() {}

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
  }

  static Map<String, String> strings(JsonNode n) {
    Map<String, String> m = new LinkedHashMap<>();
    if (n != null && n.isObject()) {
      n.fields().forEachRemaining(e -> m.put(e.getKey(),
          e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
    }
    return m;
  }

  /** RFC 3339 time, or null for absent, empty and Alertmanager's zero time 0001-01-01. */
  static Instant time(String s, String field) {
    if (s == null || s.isEmpty() || s.startsWith("0001-01-01")) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + ": \"" + s + "\" is not an RFC 3339 time");
    }
  }
}
