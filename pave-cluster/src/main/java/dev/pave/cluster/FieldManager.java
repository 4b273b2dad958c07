package dev.pave.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Field ownership: {@code metadata.managedFields} kept on every write, and server-side apply
 * merging a manager's configuration with what others own.
 */
final class FieldManager {
  /** Records what a non-apply write by {@code manager} changed. */
  void update(ResourceType t, ObjectNode old, ObjectNode updated, String manager,
      String subresource) {
    // Ownership tracking for Update operations is not kept yet.
  }

  /** The object after {@code manager} applies {@code config} to {@code live} (null: absent). */
  ObjectNode apply(ResourceType t, ObjectNode live, ObjectNode config, String manager,
      boolean force, String subresource) {
    return (ObjectNode) Patches.merge(live == null ? Json.object() : live, config);
  }
}
