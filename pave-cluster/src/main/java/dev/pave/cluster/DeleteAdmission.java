package dev.pave.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * Validating admission of a DELETE of one object, before the deletion handler runs, as the
 * real server admits deletes: operation DELETE, no object, the stored object as oldObject.
 * Warnings of a delete are not carried to the answer.
 */
final class DeleteAdmission {
  private DeleteAdmission() {}

  /** Refuses by throwing; answers null so the delete goes on to its handler. */
  static Response check(Store store, List<Admission> steps, Target t, Request r) {
    if (!"DELETE".equals(r.method()) || t.collection() || t.subresource() != null) {
      return null;
    }
    var old = store.get(t.key());
    if (old == null) {
      return null;
    }
    List<String> dry = r.query().get("dryRun");
    Admission.Attributes a = new Admission.Attributes("DELETE", t.type(), null, t.namespace(),
        t.name(), null, old, r.user(), dry != null && dry.contains("All"), new ArrayList<>());
    for (Admission step : steps) {
      step.validate(a);
    }
    return null;
  }
}
