package dev.pave.console.service;

import dev.pave.console.catalog.ServiceEntry;
import dev.pave.console.catalog.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * An Application's objects as a tree: the Application at the root, each object its status
 * lists beneath it, with the health the workload informers hold. Built from the Application's
 * status and the console's caches only, so the service page sends no request for it.
 */
public final class ResourceTree {
  private ResourceTree() {}

  /**
   * One object under the Application.
   *
   * @param action what the last apply did (created, configured, unchanged, ...), or null
   * @param health the workload's health from the cache; null for objects that have none
   * @param owners who owns it: the Application, plus the owner references the cache shows
   */
  public record Node(String kind, String namespace, String name, String action,
      String health, String ready, List<String> owners) {}

  public record Tree(String application, String applicationNamespace, List<Node> objects) {}

  /** Looks a workload up by kind, namespace and name in the cache. */
  public interface Workloads {
    Optional<Workload> find(String kind, String namespace, String name);
  }

  public static Tree of(ServiceEntry e, Map<String, Object> status, Workloads workloads) {
    List<Node> nodes = new ArrayList<>();
    if (status != null && status.get("objects") instanceof List<?> objects) {
      for (Object o : objects) {
        if (!(o instanceof Map<?, ?> m)) {
          continue;
        }
        Function<String, String> text = k -> m.get(k) == null ? null : String.valueOf(m.get(k));
        String kind = text.apply("kind");
        String ns = text.apply("namespace");
        String name = text.apply("name");
        Optional<Workload> w = workloads.find(kind, ns, name);
        List<String> owners = new ArrayList<>();
        owners.add("Application/" + e.app());
        w.ifPresent(x -> x.owners().stream().filter(own -> !owners.contains(own))
            .forEach(owners::add));
        nodes.add(new Node(kind, ns, name, text.apply("action"),
            w.map(Workload::health).orElse(null), w.map(Workload::ready).orElse(null),
            List.copyOf(owners)));
      }
    }
    return new Tree(e.app(), e.resourceNamespace(), nodes);
  }
}
