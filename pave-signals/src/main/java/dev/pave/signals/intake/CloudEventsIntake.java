package dev.pave.signals.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pave.signals.Ids;
import dev.pave.signals.Origin;
import dev.pave.signals.Severity;
import dev.pave.signals.Signal;
import dev.pave.signals.SignalType;
import dev.pave.signals.Status;
import dev.pave.signals.Subject;
import dev.pave.signals.store.StorableText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads CloudEvents 1.0 sent over HTTP: structured ({@code application/cloudevents+json}),
 * batched ({@code application/cloudevents-batch+json}) or binary ({@code ce-*} headers, the body
 * as data). source + id identify an event, so they are its de-duplication key.
 *
 * <p>Optional extensions read by Pave: {@code status} (firing, resolved), {@code severity},
 * {@code group} (incident grouping; default subject, else type), and any other extension as a
 * label. A {@code labels} object in JSON data is read as labels too.
 */
public final class CloudEventsIntake {
  private static final Set<String> CONTEXT = Set.of("id", "source", "specversion", "type",
      "datacontenttype", "dataschema", "subject", "time", "data", "data_base64");
  private static final Pattern EXTENSION_NAME = Pattern.compile("^[a-z0-9]{1,20}$");

  private CloudEventsIntake() {}

  /** Parses a structured or batched body. */
  public static List<Signal> structured(byte[] body, boolean batch, Instant received) {
    JsonNode root = Json.read(body, "body");
    List<Signal> out = new ArrayList<>();
    if (batch) {
      if (root == null || !root.isArray()) {
        throw new IllegalArgumentException("expected a JSON array of CloudEvents (batch mode)");
      }
      for (int i = 0; i < root.size(); i++) {
        out.add(event(root.get(i), "[" + i + "].", received));
      }
    } else {
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("expected a JSON object (a CloudEvent)");
      }
      out.add(event(root, "", received));
    }
    return out;
  }

  /** Parses binary mode: attributes from {@code ce-} headers (lowercase names), data from the body. */
  public static Signal binary(Map<String, String> headers, String contentType, byte[] body,
      Instant received) {
    Map<String, Object> attrs = new LinkedHashMap<>();
    headers.forEach((k, v) -> {
      String key = k.toLowerCase(Locale.ROOT);
      if (key.startsWith("ce-")) {
        attrs.put(StorableText.escape(key.substring(3)), StorableText.escape(percentDecode(v)));
      }
    });
    if (contentType != null) {
      attrs.put("datacontenttype", StorableText.escape(contentType));
    }
    JsonNode data = null;
    if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json")
        && body.length > 0) {
      data = Json.read(body, "data (content type " + Json.shorten(contentType) + ")");
    } else if (body.length > 0) {
      data = Json.MAPPER.getNodeFactory().textNode(
          StorableText.escape(new String(body, StandardCharsets.UTF_8)));
    }
    com.fasterxml.jackson.databind.node.ObjectNode node = Json.MAPPER.valueToTree(attrs);
    if (data != null) {
      node.set("data", data);
    }
    return event(node, "ce-", received);
  }

  private static Signal event(JsonNode e, String prefix, Instant received) {
    if (!e.isObject()) {
      throw new IllegalArgumentException(prefix + ": expected a CloudEvent object");
    }
    String id = required(e, "id", prefix);
    String source = required(e, "source", prefix);
    String spec = required(e, "specversion", prefix);
    String type = required(e, "type", prefix);
    if (!"1.0".equals(spec)) {
      throw new IllegalArgumentException(prefix + "specversion: expected \"1.0\", got \""
          + Json.shorten(spec) + "\"");
    }
    Instant time = Json.time(Json.text(e, "time"), prefix + "time");
    Map<String, String> labels = new LinkedHashMap<>();
    var fields = e.fields();
    while (fields.hasNext()) {
      var f = fields.next();
      if (!CONTEXT.contains(f.getKey())) {
        if (!EXTENSION_NAME.matcher(f.getKey()).matches()) {
          throw new IllegalArgumentException(prefix + Json.shorten(f.getKey())
              + ": extension attribute names"
              + " are lowercase letters and digits, at most 20");
        }
        labels.put(f.getKey(), f.getValue().isValueNode() ? f.getValue().asText()
            : f.getValue().toString());
      }
    }
    JsonNode data = e.get("data");
    Map<String, String> annotations = new LinkedHashMap<>();
    String summary = null;
    if (data != null && data.isObject()) {
      labels.putAll(Json.strings(data.get("labels")));
      annotations.putAll(Json.strings(data.get("annotations")));
      summary = first(Json.text(data, "summary"), Json.text(data, "message"),
          Json.text(data, "description"));
      for (String k : List.of("status", "severity")) {
        if (!labels.containsKey(k) && Json.text(data, k) != null) {
          labels.put(k, Json.text(data, k));
        }
      }
    } else if (data != null && data.isTextual()) {
      summary = data.asText();
    }
    String statusText = labels.remove("status");
    Status status = statusText == null ? Status.INFO : switch (statusText) {
      case "firing" -> Status.FIRING;
      case "resolved" -> Status.RESOLVED;
      case "info" -> Status.INFO;
      default -> throw new IllegalArgumentException(prefix + "status: expected firing, resolved"
          + " or info, got \"" + Json.shorten(statusText) + "\"");
    };
    String subject = Json.text(e, "subject");
    String groupName = labels.remove("group");
    String group = status == Status.INFO ? null
        : "ce|" + source + "|" + first(groupName, subject, type);
    String dedup = Json.dedupKey("ce|" + source + "|" + id);
    return new Signal(Ids.signalId(dedup), SignalType.EXTERNAL, status,
        Severity.parse(labels.remove("severity")), time == null ? received : time,
        first(subject, type), summary, labels, annotations,
        new Subject(labels.get("cluster"), labels.get("namespace"), "", ""),
        new Origin.External(source, type, id), dedup, group);
  }

  private static String required(JsonNode e, String field, String prefix) {
    String v = Json.text(e, field);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException(prefix + field + ": required CloudEvents attribute is"
          + " missing");
    }
    return v;
  }

  private static String percentDecode(String v) {
    return v.indexOf('%') < 0 ? v : java.net.URLDecoder.decode(v.replace("+", "%2B"),
        StandardCharsets.UTF_8);
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }
}
