package dev.pave.control;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer's store that keeps objects without their managedFields, which are about as large
 * as the objects themselves and which no cached read needs: drift is credited to a manager
 * from a fresh read, never from the cache. At 10,000 Applications this is the difference of a
 * copy of every object Pave applied.
 */
final class LeanStore<T extends HasMetadata> extends BasicItemStore<T> {
  LeanStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public T put(String key, T obj) {
    if (obj.getMetadata() != null) {
      obj.getMetadata().setManagedFields(null);
    }
    return super.put(key, obj);
  }
}
