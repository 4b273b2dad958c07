package dev.pave.control;

import dev.pave.identity.Identity;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which Application an object belongs to, as pure decisions on its labels and annotations:
 * what to stamp on it, whether another Application already owns it, whether it may be pruned.
 */
final class Ownership {
  private Ownership() {}

  /** The object with its owner's UID label and namespace/name annotation; as is without one. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> stamp(Map<String, Object> object, Owner owner) {
    if (owner == null) {
      return object;
    }
    Map<String, Object> copy = new LinkedHashMap<>(object);
    Map<String, Object> meta = new LinkedHashMap<>((Map<String, Object>) copy.get("metadata"));
    Map<String, Object> labels = meta.get("labels") instanceof Map<?, ?> l
        ? new LinkedHashMap<>((Map<String, Object>) l) : new LinkedHashMap<>();
    labels.put(Owner.UID_LABEL, owner.uid());
    Map<String, Object> annotations = meta.get("annotations") instanceof Map<?, ?> a
        ? new LinkedHashMap<>((Map<String, Object>) a) : new LinkedHashMap<>();
    annotations.put(Owner.ANNOTATION, owner.reference());
    meta.put("labels", labels);
    meta.put("annotations", annotations);
    copy.put("metadata", meta);
    return copy;
  }

  /**
   * Why {@code owner} must not write {@code live}, or null when it may: another Application's
   * UID is on it. Objects without one (applied before owners were recorded, or by hand) are
   * adopted.
   */
  static String ownedByAnother(HasMetadata live, Owner owner) {
    String uid = label(live, Owner.UID_LABEL);
    if (owner == null || uid == null || uid.equals(owner.uid())) {
      return null;
    }
    Map<String, String> annotations = live.getMetadata().getAnnotations();
    String other = annotations == null ? null : annotations.get(Owner.ANNOTATION);
    return live.getKind() + "/" + live.getMetadata().getName() + " belongs to Application "
        + (other != null ? other : "with UID " + uid) + ", not " + owner.reference()
        + "; two Applications render the same object: rename one, or deploy them to"
        + " environments whose namespaces differ";
  }

  /**
   * Whether an object may be pruned or deleted for {@code owner}: managed by Pave and carrying
   * the owner's UID; without an owner, carrying the instance label.
   */
  static boolean mayPrune(HasMetadata live, Owner owner, String instance) {
    if (!Identity.MANAGER.equals(label(live, Identity.MANAGED_BY))) {
      return false;
    }
    return owner != null ? owner.uid().equals(label(live, Owner.UID_LABEL))
        : instance.equals(label(live, Identity.INSTANCE));
  }

  private static String label(HasMetadata o, String key) {
    Map<String, String> labels = o.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }
}
