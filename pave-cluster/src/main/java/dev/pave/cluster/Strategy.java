package dev.pave.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What a kind's own rules do to a write, as a real server's registry strategy does: fill
 * defaults, then say what is invalid. {@code old} is null on create.
 */
public interface Strategy {
  default void defaults(ResourceType t, ObjectNode object, ObjectNode old,
      List<String> warnings) {}

  default List<ApiException.Cause> validate(ResourceType t, ObjectNode object, ObjectNode old) {
    return List.of();
  }
}
