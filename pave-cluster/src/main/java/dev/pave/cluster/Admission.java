package dev.pave.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One step of the admission chain every write passes, after the kind's own defaults and
 * before it is stored: mutating steps may change the object, validating ones refuse by
 * throwing {@link ApiException}. Steps may add warnings, which reach the client as Warning
 * headers.
 */
public interface Admission {
  /** What admission sees of a write. */
  record Attributes(String operation, ResourceType type, String subresource, String namespace,
      String name, ObjectNode object, ObjectNode oldObject, User user, boolean dryRun,
      List<String> warnings) {}

  default void mutate(Attributes a) {}

  default void validate(Attributes a) {}
}
