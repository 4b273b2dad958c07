package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What the apiextensions server fills into a new CustomResourceDefinition: the conversion
 * strategy, and a status that is not yet accepted (null conditions, empty accepted names)
 * but already names the stored version; establishing it is the controller's work.
 */
final class CrdStrategy implements Strategy {
  @Override
  public void defaults(ResourceType t, ObjectNode object, ObjectNode old, List<String> warnings) {
    if (!t.kind().equals("CustomResourceDefinition")) {
      return;
    }
    ObjectNode spec = object.with("spec");
    if (!spec.has("conversion")) {
      spec.putObject("conversion").put("strategy", "None");
    }
    ObjectNode names = spec.with("names");
    if (!names.has("listKind") && names.has("kind")) {
      names.put("listKind", names.get("kind").asText() + "List");
    }
    if (!names.has("singular") && names.has("kind")) {
      names.put("singular", names.get("kind").asText().toLowerCase());
    }
    if (old == null) {
      ObjectNode status = object.putObject("status");
      status.putNull("conditions");
      status.putObject("acceptedNames").put("plural", "").put("kind", "");
      var stored = status.putArray("storedVersions");
      for (JsonNode v : spec.path("versions")) {
        if (v.path("storage").asBoolean()) {
          stored.add(v.path("name").asText());
        }
      }
    }
  }
}
