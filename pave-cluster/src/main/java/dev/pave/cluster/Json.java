package dev.pave.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** JSON and YAML in and out, and the small helpers every handler uses on object trees. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Json() {}

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode parse(byte[] body) throws IOException {
    return MAPPER.readTree(body);
  }

  static JsonNode parseYaml(byte[] body) throws IOException {
    return YAML.readTree(body);
  }

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  public static ObjectNode meta(ObjectNode o) {
    JsonNode m = o.get("metadata");
    if (m instanceof ObjectNode om) {
      return om;
    }
    return o.putObject("metadata");
  }

  public static String text(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** The parser's own words about a body it could not read, without location noise. */
  static String reason(IOException e) {
    if (e instanceof JsonProcessingException j) {
      return j.getOriginalMessage();
    }
    return String.valueOf(e.getMessage());
  }

  /** Now, as Kubernetes writes timestamps: RFC 3339 in UTC, whole seconds. */
  public static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
