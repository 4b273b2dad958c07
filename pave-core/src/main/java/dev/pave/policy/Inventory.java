package dev.pave.policy;

import dev.pave.source.SourceObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The other objects a rule may look at (a Deployment's PodDisruptionBudget, say), by kind and
 * namespace. The CLI builds it from its input, the audit from the cluster, the webhook from the
 * operator's cache; rules that need one are skipped where none is given, rather than guessed.
 */
public final class Inventory {
  public static final Inventory NONE = new Inventory(null);

  private final Map<String, List<Map<String, Object>>> byKindAndNamespace;

  private Inventory(Map<String, List<Map<String, Object>>> byKindAndNamespace) {
    this.byKindAndNamespace = byKindAndNamespace;
  }

  /** An inventory of the given objects, keeping only the kinds asked for. */
  public static Inventory of(List<SourceObject> objects, Set<String> kinds) {
    Map<String, List<Map<String, Object>>> m = new HashMap<>();
    for (SourceObject o : objects) {
      if (kinds.contains(o.kind())) {
        m.computeIfAbsent(o.kind() + "/" + o.namespace(), k -> new ArrayList<>())
            .add(o.object());
      }
    }
    return new Inventory(m);
  }

  public boolean known() {
    return byKindAndNamespace != null;
  }

  /** The objects of each kind in the namespace, for the CEL variable {@code related}. */
  Map<String, Object> related(List<String> kinds, String namespace) {
    Map<String, Object> out = new HashMap<>();
    for (String k : kinds) {
      out.put(k, byKindAndNamespace.getOrDefault(k + "/" + namespace, List.of()));
    }
    return out;
  }
}
