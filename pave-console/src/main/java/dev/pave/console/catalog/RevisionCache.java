package dev.pave.console.catalog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.identity.Identity;
import dev.pave.release.Revision;
import dev.pave.release.RevisionSpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * Every ApplicationRevision, kept current by an informer and indexed by namespace and instance
 * (app-env), so a service page reads its history and a diff its two revisions without asking
 * the API server. Revisions are parsed once, when they arrive.
 */
final class RevisionCache implements AutoCloseable {
  static final ResourceDefinitionContext REVISIONS = new ResourceDefinitionContext.Builder()
      .withGroup("pave.dev").withVersion("v1alpha1").withKind("ApplicationRevision")
      .withPlural("applicationrevisions").withNamespaced(true).build();
  private static final ObjectMapper MAPS = JsonMapper.builder()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS).build();

  /** Where a stored revision is filed, so an update or delete finds it by name. */
  private record Filed(String instance, int number) {}

  private final Map<String, NavigableMap<Integer, Revision>> byInstance =
      new ConcurrentHashMap<>();
  private final Map<String, Filed> byName = new ConcurrentHashMap<>();
  private final Consumer<String> log;
  private SharedIndexInformer<GenericKubernetesResource> informer;

  RevisionCache(Consumer<String> log) {
    this.log = log;
  }

  RevisionCache start(KubernetesClient client) {
    informer = client.genericKubernetesResources(REVISIONS).inAnyNamespace().inform(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource g) {
            put(g);
          }

          @Override
          public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource g) {
            put(g);
          }

          @Override
          public void onDelete(GenericKubernetesResource g, boolean finalStateUnknown) {
            remove(name(g));
          }
        });
    return this;
  }

  private static String name(GenericKubernetesResource g) {
    return g.getMetadata().getNamespace() + "/" + g.getMetadata().getName();
  }

  private static String instanceKey(String namespace, String instance) {
    return namespace + "/" + instance;
  }

  private void put(GenericKubernetesResource g) {
    String name = name(g);
    Map<String, String> labels = g.getMetadata().getLabels();
    String instance = labels == null ? null : labels.get(Identity.INSTANCE);
    Revision r;
    try {
      r = MAPS.convertValue(g.getAdditionalProperties().get("spec"), RevisionSpec.class)
          .revision();
    } catch (RuntimeException e) {
      log.accept("ApplicationRevision " + name + " is not readable and is not shown: "
          + e.getMessage());
      remove(name);
      return;
    }
    if (instance == null || r.number() <= 0) {
      remove(name);
      return;
    }
    Filed filed = new Filed(instanceKey(g.getMetadata().getNamespace(), instance), r.number());
    Filed before = byName.put(name, filed);
    if (before != null && !before.equals(filed)) {
      drop(before);
    }
    byInstance.computeIfAbsent(filed.instance(), k -> new ConcurrentSkipListMap<>())
        .put(r.number(), r);
  }

  private void remove(String name) {
    Filed f = byName.remove(name);
    if (f != null) {
      drop(f);
    }
  }

  private void drop(Filed f) {
    byInstance.computeIfPresent(f.instance(), (k, m) -> {
      m.remove(f.number());
      return m.isEmpty() ? null : m;
    });
  }

  /** The kept revisions of {@code app-env} in {@code namespace}, newest first. */
  List<Revision> history(String namespace, String instance) {
    NavigableMap<Integer, Revision> m = byInstance.get(instanceKey(namespace, instance));
    return m == null ? List.of() : List.copyOf(m.descendingMap().values());
  }

  Optional<Revision> revision(String namespace, String instance, int number) {
    NavigableMap<Integer, Revision> m = byInstance.get(instanceKey(namespace, instance));
    return m == null ? Optional.empty() : Optional.ofNullable(m.get(number));
  }

  int size() {
    return byName.size();
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
