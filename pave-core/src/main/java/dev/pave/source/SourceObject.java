package dev.pave.source;

import dev.pave.spec.SourceMap;
import java.util.Map;

/**
 * One Kubernetes object as read from a file or a request: the generic tree (maps, lists,
 * strings, longs, doubles, booleans) and where each field came from.
 */
public record SourceObject(Map<String, Object> object, SourceMap positions) {

  public String kind() {
    return object.get("kind") instanceof String s ? s : "";
  }

  public String apiVersion() {
    return object.get("apiVersion") instanceof String s ? s : "";
  }

  public String name() {
    return metadataString("name");
  }

  public String namespace() {
    return metadataString("namespace");
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> metadata() {
    return object.get("metadata") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private String metadataString(String key) {
    return metadata().get(key) instanceof String s ? s : "";
  }

  /** kind/namespace/name, as kubectl prints it. */
  public String describe() {
    String ns = namespace();
    return kind() + "/" + (ns.isEmpty() ? "" : ns + "/") + name();
  }
}
