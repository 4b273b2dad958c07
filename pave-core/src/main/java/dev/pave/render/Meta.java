package dev.pave.render;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.LinkedHashMap;
import java.util.Map;

/** Object metadata every rendered object shares: identity labels and contact annotations. */
final class Meta {
  static final String COMPONENT = "app.kubernetes.io/component";
  static final String SERVER = "server";

  private Meta() {}

  static ObjectMeta of(Plan p, String name) {
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setNamespace(p.namespace());
    meta.setLabels(new LinkedHashMap<>(p.identity().labels()));
    meta.setAnnotations(p.contacts().isEmpty() ? null : new LinkedHashMap<>(p.contacts()));
    return meta;
  }

  /** Labels that select the service's own pods: identity plus component, never the version. */
  static Map<String, String> serverSelector(Plan p) {
    Map<String, String> m = new LinkedHashMap<>(p.identity().selector());
    m.put(COMPONENT, SERVER);
    return m;
  }
}
