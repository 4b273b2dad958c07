package dev.pave.control;

import java.util.Map;

/**
 * The Application that applied an object, recorded on the object itself: its UID as a label
 * (selectable, and unique even between Applications named alike in different namespaces or
 * whose name and environment join to the same instance, like web/prod-eu and web-prod/eu) and
 * its namespace/name as an annotation (for people, and to map a watch event back to it).
 */
public record Owner(String uid, String namespace, String name) {
  public static final String UID_LABEL = "pave.dev/owner-uid";
  public static final String ANNOTATION = "pave.dev/owner";

  /** The owner of objects applied for this Application, or null before the API gave it a UID. */
  public static Owner of(ApplicationResource app) {
    return app.getMetadata().getUid() == null ? null : new Owner(app.getMetadata().getUid(),
        app.getMetadata().getNamespace(), app.getMetadata().getName());
  }

  /** {@code object} (a rendered object as a map) with this owner recorded, as Pave writes it. */
  public Map<String, Object> stamp(Map<String, Object> object) {
    return Ownership.stamp(object, this);
  }

  /** "namespace/name", as in the annotation. */
  public String reference() {
    return namespace + "/" + name;
  }

  /** The namespace and name from an object's owner annotation, or null. */
  public static String[] referenceOf(Map<String, String> annotations) {
    String ref = annotations == null ? null : annotations.get(ANNOTATION);
    if (ref == null) {
      return null;
    }
    int slash = ref.indexOf('/');
    return slash <= 0 || slash == ref.length() - 1 ? null
        : new String[] {ref.substring(0, slash), ref.substring(slash + 1)};
  }
}
