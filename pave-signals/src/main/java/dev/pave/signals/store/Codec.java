package dev.pave.signals.store;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pave.signals.Origin;
import dev.pave.signals.incident.Incident;
import dev.pave.signals.schema.Notice;

/** How notices and incidents are stored: JSON of the records, the origin tagged by its variant. */
public final class Codec {
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "variant")
  @JsonSubTypes({@JsonSubTypes.Type(value = Origin.Alert.class, name = "alert"),
      @JsonSubTypes.Type(value = Origin.KubernetesEvent.class, name = "kubernetes-event"),
      @JsonSubTypes.Type(value = Origin.Platform.class, name = "platform"),
      @JsonSubTypes.Type(value = Origin.External.class, name = "external")})
  private interface OriginVariants {}

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .addMixIn(Origin.class, OriginVariants.class);

  private Codec() {}

  public static String encode(Object o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + o.getClass().getSimpleName(), e);
    }
  }

  public static Notice notice(String json) {
    return read(json, Notice.class);
  }

  public static Incident incident(String json) {
    return read(json, Incident.class);
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored " + type.getSimpleName() + " cannot be read: "
          + e.getOriginalMessage(), e);
    }
  }

  /** The shared mapper for JSON bodies sent to sinks and answered by the API. */
  public static ObjectMapper json() {
    return MAPPER;
  }
}
