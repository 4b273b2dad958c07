package dev.pave.control;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An informer's store that keeps objects without what no cached read needs. managedFields go:
 * they are about as large as the objects themselves, and drift is credited to a manager from
 * a fresh read, never from the cache. Pave's last-applied record is kept as its digest: a
 * cached read only asks whether what Pave would apply now is what it applied last, and a
 * change is merged against a fresh read. At 10,000 Applications each is the difference of a
 * copy of every object Pave applied.
 */
public final class LeanStore<T extends HasMetadata> extends BasicItemStore<T> {
  public LeanStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public T put(String key, T obj) {
    var meta = obj.getMetadata();
    if (meta != null) {
      meta.setManagedFields(null);
      Map<String, String> annotations = meta.getAnnotations();
      String applied = annotations == null ? null : annotations.get(Applier.LAST_APPLIED);
      if (applied != null && !LastApplied.isDigest(applied)) {
        Map<String, String> lean = new LinkedHashMap<>(annotations);
        lean.put(Applier.LAST_APPLIED, LastApplied.digest(applied));
        meta.setAnnotations(lean);
      }
    }
    return super.put(key, obj);
  }
}
