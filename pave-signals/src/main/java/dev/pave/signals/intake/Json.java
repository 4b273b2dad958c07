package dev.pave.signals.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pave.signals.Ids;
import dev.pave.signals.store.StorableText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers for reading JSON trees sent by other systems. */
final class Json {
  static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** PostgreSQL's timestamptz ends in 294276; Alertmanager and CloudEvents stay far inside. */
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  /**
   * Longest de-duplication key kept as it is. The journal's unique index takes rows up to about
   * 2,700 bytes; Alertmanager's group key repeats every group_by label and can be longer.
   */
  private static final int MAX_KEY_BYTES = 1024;

  private Json() {}

  /**
   * Parses a body sent to the intake, with every text (names too) made storable
   * ({@link StorableText}). Too deep or too long input is refused by Jackson's read
   * constraints, as a 400 like any other JSON error.
   */
  static JsonNode read(byte[] body, String what) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " is not JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(what + " cannot be read: " + e.getMessage());
    }
    return storable(root);
  }

  /** The tree with its texts escaped where PostgreSQL cannot store them; changed in place. */
  static JsonNode storable(JsonNode n) {
    if (n == null) {
      return null;
    }
    if (n.isTextual()) {
      String t = StorableText.escape(n.textValue());
      return t == n.textValue() ? n : MAPPER.getNodeFactory().textNode(t);
    }
    if (n instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        JsonNode c = storable(a.get(i));
        if (c != a.get(i)) {
          a.set(i, c);
        }
      }
    } else if (n instanceof ObjectNode o) {
      List<String> renamed = new ArrayList<>();
      var fields = o.fields();
      while (fields.hasNext()) {
        var f = fields.next();
        JsonNode c = storable(f.getValue());
        if (c != f.getValue()) {
          f.setValue(c);
        }
        if (StorableText.escape(f.getKey()) != f.getKey()) {
          renamed.add(f.getKey());
        }
      }
      for (String k : renamed) {
        o.set(StorableText.escape(k), o.remove(k));
      }
    }
    return n;
  }

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

  /**
   * RFC 3339 time between the years 1 and 9999, or null for absent, empty and Alertmanager's
   * zero time 0001-01-01.
   */
  static Instant time(String s, String field) {
    if (s == null || s.isEmpty() || s.startsWith("0001-01-01")) {
      return null;
    }
    Instant t;
    try {
      t = java.time.OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + ": \"" + shorten(s) + "\" is not an RFC 3339"
          + " time");
    }
    if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
      throw new IllegalArgumentException(field + ": \"" + shorten(s) + "\" is outside the years"
          + " 1 to 9999");
    }
    return t;
  }

  /** The key itself, or for one too long for the journal's index, its SHA-256. */
  static String dedupKey(String key) {
    return key.getBytes(StandardCharsets.UTF_8).length <= MAX_KEY_BYTES ? key
        : "sha256|" + Ids.hash(64, key);
  }

  /** A value quoted in an error message, cut so that a huge field does not make a huge answer. */
  static String shorten(String s) {
    if (s.length() <= 80) {
      return s;
    }
    int cut = Character.isHighSurrogate(s.charAt(76)) ? 76 : 77;
    return s.substring(0, cut) + "...";
  }
}
