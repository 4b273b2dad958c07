package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.Runtime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes protobuf wire format of built-in kinds: the 4-byte magic {@code k8s\0} and a
 * runtime.Unknown envelope whose {@code raw} is the object's message. Objects are turned into
 * and from the same JSON tree the rest of the API works on, field by field through the
 * messages' descriptors (the proto field names are the JSON names), with the types whose JSON
 * differs from their message written as Kubernetes writes them: Time and MicroTime as RFC 3339,
 * Quantity as its string, IntOrString as a number or string, RawExtension and FieldsV1 as the
 * JSON they hold, Duration as Go writes it, byte fields as base64.
 */
final class Protobuf {
  static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
  private static final byte[] MAGIC = {'k', '8', 's', 0};

  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
  private static final String TIME = META + "Time";
  private static final String MICRO_TIME = META + "MicroTime";
  private static final String DURATION = META + "Duration";
  private static final String FIELDS = META + "FieldsV1";
  private static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
  private static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
  private static final String RAW = "k8s.io.apimachinery.pkg.runtime.RawExtension";

  /** The API groups of the generated packages ({@code k8s.io.api.<short>.<version>}). */
  private static final Map<String, String> GROUPS = Map.ofEntries(
      Map.entry("core", ""), Map.entry("apps", "apps"), Map.entry("batch", "batch"),
      Map.entry("autoscaling", "autoscaling"), Map.entry("policy", "policy"),
      Map.entry("rbac", "rbac.authorization.k8s.io"),
      Map.entry("authorization", "authorization.k8s.io"),
      Map.entry("authentication", "authentication.k8s.io"),
      Map.entry("networking", "networking.k8s.io"),
      Map.entry("scheduling", "scheduling.k8s.io"), Map.entry("storage", "storage.k8s.io"),
      Map.entry("certificates", "certificates.k8s.io"),
      Map.entry("admissionregistration", "admissionregistration.k8s.io"),
      Map.entry("admission", "admission.k8s.io"));

  /** Message descriptors by {@code apiVersion + "/" + kind}. */
  private static final Map<String, Descriptor> KINDS = kinds();

  private Protobuf() {}

  private static Map<String, Descriptor> kinds() {
    Map<String, Descriptor> out = new HashMap<>();
    List<FileDescriptor> files = List.of(io.kubernetes.client.proto.V1.getDescriptor(),
        io.kubernetes.client.proto.V1Apps.getDescriptor(),
        io.kubernetes.client.proto.V1Batch.getDescriptor(),
        io.kubernetes.client.proto.V1Autoscaling.getDescriptor(),
        io.kubernetes.client.proto.V1Policy.getDescriptor(),
        io.kubernetes.client.proto.V1Rbac.getDescriptor(),
        io.kubernetes.client.proto.V1Authorization.getDescriptor(),
        io.kubernetes.client.proto.V1Authentication.getDescriptor(),
        io.kubernetes.client.proto.V1Networking.getDescriptor(),
        io.kubernetes.client.proto.V1Scheduling.getDescriptor(),
        io.kubernetes.client.proto.V1Storage.getDescriptor(),
        io.kubernetes.client.proto.V1Certificates.getDescriptor(),
        io.kubernetes.client.proto.V1Admissionregistration.getDescriptor(),
        io.kubernetes.client.proto.V1Admission.getDescriptor());
    for (FileDescriptor f : files) {
      String[] pkg = f.getPackage().split("\\.");
      String group = GROUPS.get(pkg[3]);
      if (group == null) {
        continue;
      }
      String apiVersion = group.isEmpty() ? pkg[4] : group + "/" + pkg[4];
      for (Descriptor d : f.getMessageTypes()) {
        out.put(apiVersion + "/" + d.getName(), d);
      }
    }
    // Status and discovery documents are written with apiVersion v1 in every group.
    for (Descriptor d : io.kubernetes.client.proto.Meta.getDescriptor().getMessageTypes()) {
      out.putIfAbsent("v1/" + d.getName(), d);
      out.put("meta.k8s.io/v1/" + d.getName(), d);
    }
    return out;
  }

  /** Whether objects of this apiVersion and kind have a message to be written as. */
  static boolean known(String apiVersion, String kind) {
    return KINDS.containsKey(apiVersion + "/" + kind);
  }

  static boolean isEnvelope(byte[] body) {
    return body != null && body.length >= 4
        && Arrays.equals(Arrays.copyOf(body, 4), MAGIC);
  }

  // ---- decoding ----

  /**
   * The object an enveloped body holds, as JSON with its apiVersion and kind; null when its
   * kind has no message here.
   */
  static ObjectNode decode(byte[] body) throws InvalidProtocolBufferException {
    if (!isEnvelope(body)) {
      throw new InvalidProtocolBufferException("provided data does not appear to be a "
          + "protobuf message, expected prefix [107 56 115 0]");
    }
    Runtime.Unknown u = Runtime.Unknown.parseFrom(ByteString.copyFrom(body, 4,
        body.length - 4));
    String apiVersion = u.getTypeMeta().getApiVersion();
    String kind = u.getTypeMeta().getKind();
    Descriptor d = KINDS.get(apiVersion + "/" + kind);
    if (d == null) {
      return null;
    }
    ObjectNode o = Json.object();
    o.put("apiVersion", apiVersion);
    o.put("kind", kind);
    o.setAll(toJson(DynamicMessage.parseFrom(d, u.getRaw())));
    return o;
  }

  static ObjectNode toJson(Message m) {
    ObjectNode o = Json.object();
    for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
      if (f.isMapField()) {
        if (m.getRepeatedFieldCount(f) == 0) {
          continue;
        }
        ObjectNode map = o.putObject(f.getName());
        FieldDescriptor key = f.getMessageType().findFieldByName("key");
        FieldDescriptor value = f.getMessageType().findFieldByName("value");
        for (int i = 0; i < m.getRepeatedFieldCount(f); i++) {
          Message entry = (Message) m.getRepeatedField(f, i);
          JsonNode v = value(value, entry.getField(value));
          map.set(String.valueOf(entry.getField(key)), v == null ? Json.object().nullNode()
              : v);
        }
      } else if (f.isRepeated()) {
        if (m.getRepeatedFieldCount(f) == 0) {
          continue;
        }
        ArrayNode a = o.putArray(f.getName());
        for (int i = 0; i < m.getRepeatedFieldCount(f); i++) {
          JsonNode v = value(f, m.getRepeatedField(f, i));
          a.add(v == null ? Json.object().nullNode() : v);
        }
      } else if (m.hasField(f)) {
        JsonNode v = value(f, m.getField(f));
        // Go writes every non-pointer field; a zero scalar is what its JSON omits
        // (omitempty). A pointer field set to zero cannot be told apart on the wire here.
        if (v != null && !zero(v)) {
          o.set(f.getName(), v);
        }
      }
    }
    return o;
  }

  private static boolean zero(JsonNode v) {
    return v.isTextual() && v.asText().isEmpty() || v.isBoolean() && !v.asBoolean()
        || v.isNumber() && v.asDouble() == 0;
  }

  private static JsonNode value(FieldDescriptor f, Object v) {
    ObjectNode holder = Json.object();
    switch (f.getJavaType()) {
      case STRING -> holder.put("v", (String) v);
      case BOOLEAN -> holder.put("v", (Boolean) v);
      case INT -> holder.put("v", (Integer) v);
      case LONG -> holder.put("v", (Long) v);
      case FLOAT -> holder.put("v", (Float) v);
      case DOUBLE -> holder.put("v", (Double) v);
      case BYTE_STRING -> holder.put("v", Base64.getEncoder().encodeToString(
          ((ByteString) v).toByteArray()));
      case ENUM -> holder.put("v", v.toString());
      case MESSAGE -> {
        return message((Message) v);
      }
      default -> throw new IllegalStateException("field type " + f.getJavaType());
    }
    return holder.get("v");
  }

  /** A message's JSON, with the types Kubernetes writes as scalars; null for a zero Time. */
  private static JsonNode message(Message m) {
    String type = m.getDescriptorForType().getFullName();
    ObjectNode holder = Json.object();
    switch (type) {
      case TIME, MICRO_TIME -> {
        long seconds = (Long) get(m, "seconds");
        int nanos = (Integer) get(m, "nanos");
        if (seconds == 0 && nanos == 0) {
          return null;
        }
        Instant at = Instant.ofEpochSecond(seconds, nanos);
        return holder.put("v", (type.equals(TIME) ? SECONDS : MICROS).format(at)).get("v");
      }
      case QUANTITY -> {
        return holder.put("v", (String) get(m, "string")).get("v");
      }
      case INT_OR_STRING -> {
        return ((Long) get(m, "type")) == 1 ? holder.put("v", (String) get(m, "strVal"))
            .get("v") : holder.put("v", (Integer) get(m, "intVal")).get("v");
      }
      case DURATION -> {
        return holder.put("v", GoDuration.format((Long) get(m, "duration"))).get("v");
      }
      case RAW, FIELDS -> {
        byte[] raw = ((ByteString) get(m, "raw")).toByteArray();
        if (raw.length == 0) {
          return null;
        }
        try {
          return isEnvelope(raw) ? decode(raw) : Json.parse(raw);
        } catch (IOException e) {
          throw ApiException.badRequest("invalid embedded object: " + e.getMessage());
        }
      }
      default -> {
        return toJson(m);
      }
    }
  }

  private static Object get(Message m, String field) {
    return m.getField(field(m.getDescriptorForType(), field));
  }

  /** A field by name; FieldsV1 names its bytes {@code Raw}, RawExtension {@code raw}. */
  private static FieldDescriptor field(Descriptor d, String name) {
    FieldDescriptor f = d.findFieldByName(name);
    return f != null ? f : d.getFields().stream().filter(x -> x.getName()
        .equalsIgnoreCase(name)).findFirst().orElseThrow();
  }

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  // ---- encoding ----

  /** The object in the envelope, or null when its kind has no message here. */
  static byte[] encode(JsonNode object) {
    String apiVersion = object.path("apiVersion").asText();
    String kind = object.path("kind").asText();
    Descriptor d = KINDS.get(apiVersion + "/" + kind);
    if (d == null) {
      return null;
    }
    Runtime.Unknown u = Runtime.Unknown.newBuilder()
        .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
        .setRaw(fromJson(object, d).toByteString()).setContentEncoding("").setContentType("")
        .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(MAGIC);
    out.writeBytes(u.toByteArray());
    return out.toByteArray();
  }

  /** The message of a JSON object; fields the message does not have are left out. */
  static DynamicMessage fromJson(JsonNode o, Descriptor d) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(d);
    o.fields().forEachRemaining(e -> {
      FieldDescriptor f = d.findFieldByName(e.getKey());
      JsonNode v = e.getValue();
      if (f == null || v == null || v.isNull()) {
        return;
      }
      if (f.isMapField()) {
        FieldDescriptor key = f.getMessageType().findFieldByName("key");
        FieldDescriptor value = f.getMessageType().findFieldByName("value");
        v.fields().forEachRemaining(kv -> {
          DynamicMessage.Builder entry = DynamicMessage.newBuilder(f.getMessageType());
          entry.setField(key, kv.getKey());
          Object x = scalar(value, kv.getValue());
          if (x != null) {
            entry.setField(value, x);
          }
          b.addRepeatedField(f, entry.build());
        });
      } else if (f.isRepeated()) {
        for (JsonNode item : v) {
          Object x = scalar(f, item);
          if (x != null) {
            b.addRepeatedField(f, x);
          }
        }
      } else {
        Object x = scalar(f, v);
        if (x != null) {
          b.setField(f, x);
        }
      }
    });
    return b.build();
  }

  private static Object scalar(FieldDescriptor f, JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    return switch (f.getJavaType()) {
      case STRING -> v.asText();
      case BOOLEAN -> v.asBoolean();
      case INT -> v.asInt();
      case LONG -> v.asLong();
      case FLOAT -> (float) v.asDouble();
      case DOUBLE -> v.asDouble();
      case BYTE_STRING -> ByteString.copyFrom(Base64.getDecoder().decode(v.asText()));
      case MESSAGE -> toMessage(f.getMessageType(), v);
      default -> null;
    };
  }

  private static Message toMessage(Descriptor d, JsonNode v) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(d);
    switch (d.getFullName()) {
      case TIME, MICRO_TIME -> {
        Instant at = Instant.parse(v.asText());
        set(b, "seconds", at.getEpochSecond());
        set(b, "nanos", d.getFullName().equals(TIME) ? 0 : at.getNano());
      }
      case QUANTITY -> set(b, "string", v.asText());
      case INT_OR_STRING -> {
        if (v.isNumber()) {
          set(b, "type", 0L);
          set(b, "intVal", v.asInt());
        } else {
          set(b, "type", 1L);
          set(b, "strVal", v.asText());
        }
      }
      case DURATION -> set(b, "duration", GoDuration.parse(v.asText()));
      case RAW, FIELDS -> {
        byte[] raw = Json.bytes(v);
        if (d.getFullName().equals(RAW) && v.isObject()) {
          // an embedded built-in object is written as its own envelope, as Go's codec does
          byte[] enveloped = encode(v);
          raw = enveloped == null ? raw : enveloped;
        }
        set(b, "raw", ByteString.copyFrom(raw));
      }
      default -> {
        return fromJson(v, d);
      }
    }
    return b.build();
  }

  private static void set(DynamicMessage.Builder b, String field, Object value) {
    b.setField(field(b.getDescriptorForType(), field), value);
  }

  /** Go's time.Duration text, as metav1.Duration writes and reads it. */
  static final class GoDuration {
    private GoDuration() {}

    static String format(long nanos) {
      if (nanos == 0) {
        return "0s";
      }
      StringBuilder out = new StringBuilder(nanos < 0 ? "-" : "");
      long n = Math.abs(nanos);
      if (n < 1_000_000_000L) {
        return out.append(n < 1_000 ? n + "ns" : n < 1_000_000 ? trim(n / 1e3) + "µs"
            : trim(n / 1e6) + "ms").toString();
      }
      long hours = n / 3_600_000_000_000L;
      long minutes = n / 60_000_000_000L % 60;
      double seconds = (n % 60_000_000_000L) / 1e9;
      if (hours > 0) {
        out.append(hours).append('h');
      }
      if (hours > 0 || minutes > 0) {
        out.append(minutes).append('m');
      }
      return out.append(trim(seconds)).append('s').toString();
    }

    private static String trim(double v) {
      String s = java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
      return s;
    }

    static long parse(String text) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(
          "([0-9.]+)(ns|us|µs|ms|s|m|h)").matcher(text);
      double total = 0;
      while (m.find()) {
        double v = Double.parseDouble(m.group(1));
        total += v * switch (m.group(2)) {
          case "ns" -> 1;
          case "us", "µs" -> 1e3;
          case "ms" -> 1e6;
          case "s" -> 1e9;
          case "m" -> 60e9;
          default -> 3600e9;
        };
      }
      return (long) (text.startsWith("-") ? -total : total);
    }
  }
}
