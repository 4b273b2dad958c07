package dev.pave.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.apply.Drift;
import dev.pave.apply.ThreeWayMerge;
import dev.pave.identity.Identity;
import dev.pave.render.Manifests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one apply path, the same against the in-process API and a real cluster: a three-way
 * merge of what Pave wants, what it applied last time (kept in an annotation on the object)
 * and what is live, written with update-with-resourceVersion and retried on conflict. Fields
 * others own are left alone; objects Pave rendered before and no longer renders are pruned,
 * found by equality label selectors only. Every object carries its owning Application
 * ({@link Owner}): pruning and deleting select by it, and an object another Application owns is
 * never taken over. Kinds outside the built-in APIs are applied only where the cluster serves
 * them ({@link ApiDiscovery}); elsewhere they are skipped, never failed.
 */
public final class Applier {
  /** Where the last applied state is kept on each object, as kubectl keeps it. */
  public static final String LAST_APPLIED = "pave.dev/last-applied";
  static final int ATTEMPTS = 5;
  /** Field managers that are Pave itself (the client's user agent names the manager). */
  static final Set<String> OURS = Set.of("pave");

  /** Kinds Pave renders as typed objects, and so may prune. */
  public static final List<Class<? extends HasMetadata>> PRUNABLE = List.of(CronJob.class,
      PodDisruptionBudget.class, HorizontalPodAutoscaler.class, NetworkPolicy.class,
      Ingress.class, Service.class, Deployment.class, PersistentVolumeClaim.class,
      ConfigMap.class, ServiceAccount.class, Namespace.class);

  /**
   * Kinds only Teams render: pruned by reference like the others, but never listed by label
   * when an Application is deleted (no Application owns one).
   */
  public static final List<Class<? extends HasMetadata>> TEAM_KINDS = List.of(
      io.fabric8.kubernetes.api.model.rbac.RoleBinding.class,
      io.fabric8.kubernetes.api.model.ResourceQuota.class,
      io.fabric8.kubernetes.api.model.LimitRange.class);

  /** Kinds Pave renders as generic objects (their types come from other projects' CRDs). */
  static final Map<String, io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext>
      GENERIC = Map.of(
          "ServiceMonitor", new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext
              .Builder().withGroup("monitoring.coreos.com").withVersion("v1")
              .withKind("ServiceMonitor").withPlural("servicemonitors").withNamespaced(true)
              .build(),
          "HTTPRoute", new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext
              .Builder().withGroup("gateway.networking.k8s.io").withVersion("v1")
              .withKind("HTTPRoute").withPlural("httproutes").withNamespaced(true).build());

  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(DeserializationFeature.USE_LONG_FOR_INTS).build();

  /** What happened to one object. */
  public enum Action {
    CREATED,
    UPDATED,
    UNCHANGED,
    /** Live differs from what Pave applied, and the environment only reports drift. */
    DRIFTED,
    PRUNED,
    /** The cluster does not serve the object's API (an optional kind): not applied. */
    SKIPPED,
    FAILED
  }

  /** Names one object Pave applied: enough to find it again, and to prune it. */
  public record Ref(String kind, String namespace, String name) {
    static Ref of(HasMetadata o) {
      return new Ref(o.getKind(), o.getMetadata().getNamespace(), o.getMetadata().getName());
    }
  }

  /** One object's outcome, for the Application's status, with any drift found. */
  public record Result(String kind, String namespace, String name, Action action,
      String message, List<Drift.Change> drift) {
    public Result(String kind, String namespace, String name, Action action, String message) {
      this(kind, namespace, name, action, message, List.of());
    }

    public Ref ref() {
      return new Ref(kind, namespace, name);
    }
  }

  /**
   * Objects as the operator's informers last saw them, so a reconcile that changes nothing
   * sends nothing: {@code null} when the object is not cached (not seen yet, or a kind not
   * watched), which means ask the API server.
   */
  @FunctionalInterface
  public interface Cache {
    Cache NONE = (kind, namespace, name) -> null;

    HasMetadata get(String kind, String namespace, String name);
  }

  private final KubernetesClient client;
  private final boolean correctDrift;
  private final ApiDiscovery discovery;
  private volatile Cache cache = Cache.NONE;

  public Applier(KubernetesClient client) {
    this(client, true);
  }

  /** With {@code correctDrift} false, objects that drifted are reported and left as they are. */
  public Applier(KubernetesClient client, boolean correctDrift) {
    this(client, correctDrift, ApiDiscovery.of(client));
  }

  /** As above, asking {@code discovery} which optional APIs the cluster serves. */
  public Applier(KubernetesClient client, boolean correctDrift, ApiDiscovery discovery) {
    this.client = client;
    this.correctDrift = correctDrift;
    this.discovery = discovery;
  }

  /** Reads objects from {@code cache} before asking the API server. */
  public void readFrom(Cache cache) {
    this.cache = cache;
  }

  /**
   * Applies the objects of one instance in order, then prunes what it applied before and no
   * longer renders. {@code before} is what the last reconcile applied (from the Application's
   * status and the newest revision): objects not in it are created straight away, and only
   * objects in it are pruned, so a reconcile never lists whole kinds across the cluster.
   */
  public List<Result> apply(String instance, List<HasMetadata> desired, Collection<Ref> before) {
    return apply(null, instance, desired, before);
  }

  /**
   * As above, for the Application {@code owner}: every object is stamped with it, only objects
   * it owns are pruned, and an object another Application owns is reported and left alone.
   * Without an owner (objects applied outside an Application), the instance label decides.
   */
  public List<Result> apply(Owner owner, String instance, List<HasMetadata> desired,
      Collection<Ref> before) {
    List<Result> out = new ArrayList<>();
    Set<Ref> wanted = new HashSet<>();
    Set<Ref> known = new HashSet<>(before);
    for (HasMetadata o : desired) {
      wanted.add(Ref.of(o));
      out.add(applyOne(o, owner, !known.contains(Ref.of(o))));
    }
    for (Ref r : known) {
      if (!wanted.contains(r)) {
        out.addAll(pruneOne(owner, instance, r));
      }
    }
    return out;
  }

  /**
   * Applies the objects, then prunes every object of the instance it does not render, found
   * by listing each kind by label: for deleting an Application, and when nothing is known of
   * what was applied before.
   */
  public List<Result> apply(String instance, List<HasMetadata> desired) {
    List<Result> out = new ArrayList<>();
    Set<String> wanted = new HashSet<>();
    for (HasMetadata o : desired) {
      wanted.add(key(o.getKind(), o.getMetadata().getNamespace(), o.getMetadata().getName()));
      out.add(applyOne(o, null, false));
    }
    out.addAll(prune(null, instance, wanted));
    return out;
  }

  /** Deletes every object of the instance, found by label: what deleting an Application does. */
  public List<Result> deleteAll(String instance) {
    return prune(null, instance, Set.of());
  }

  /**
   * Deletes every object {@code owner} applied, found by its UID label, so an Application
   * whose name and environment join to another's instance never deletes the other's objects.
   */
  public List<Result> deleteAll(Owner owner, String instance) {
    return prune(owner, instance, Set.of());
  }

  private Result applyOne(HasMetadata o, Owner owner, boolean createFirst) {
    String ns = o.getMetadata().getNamespace();
    String name = o.getMetadata().getName();
    if (!discovery.served(o.getApiVersion(), o.getKind())) {
      return new Result(o.getKind(), ns, name, Action.SKIPPED,
          OptionalApis.notServed(o.getApiVersion(), o.getKind()));
    }
    try {
      return write(o, owner, createFirst);
    } catch (RuntimeException e) {
      // Anything the client throws ends in status as one readable line, never an object dump.
      return new Result(o.getKind(), ns, name, Action.FAILED, describe(e));
    }
  }

  private Result write(HasMetadata o, Owner owner, boolean createFirst) {
    Map<String, Object> desired = withLastApplied(Ownership.stamp(Manifests.toMap(o), owner));
    String ns = o.getMetadata().getNamespace();
    String name = o.getMetadata().getName();
    if (createFirst) {
      // Not applied before: most likely absent, so create without reading first. If it is
      // there after all (a reconcile cut short before its status was written), merge below.
      try {
        handle(typed(desired, o)).create();
        return new Result(o.getKind(), ns, name, Action.CREATED, null);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          return new Result(o.getKind(), ns, name, Action.FAILED, describe(e));
        }
      }
    }
    if (!createFirst && unchangedInCache(o, desired, owner)) {
      return new Result(o.getKind(), ns, name, Action.UNCHANGED, null);
    }
    for (int attempt = 1; ; attempt++) {
      try {
        HasMetadata live = handle(o).get();
        if (live == null) {
          handle(typed(desired, o)).create();
          return new Result(o.getKind(), ns, name, Action.CREATED, null);
        }
        Map<String, Object> liveMap = Manifests.toMap(live);
        String other = Ownership.ownedByAnother(live, owner);
        if (other != null) {
          return new Result(o.getKind(), ns, name, Action.FAILED, other);
        }
        Map<String, Object> last = lastApplied(liveMap);
        // Drift: fields Pave wrote last time that are no longer what it wrote.
        List<Drift.Change> drift = last == null ? List.of()
            : dev.pave.apply.Managers.attribute(Drift.between(last, liveMap), liveMap, OURS);
        Map<String, Object> merged = ThreeWayMerge.merge(last, desired, liveMap);
        if (Drift.sameValue(merged, liveMap)) {
          return new Result(o.getKind(), ns, name, Action.UNCHANGED, null);
        }
        boolean specChanged = last == null || !Drift.sameValue(last, desired);
        if (!correctDrift && !specChanged) {
          return new Result(o.getKind(), ns, name, Action.DRIFTED, drift.size()
              + " field(s) differ from what Pave applied; drift is reported, not corrected,"
              + " in this environment", drift);
        }
        handle(typed(merged, o)).update();
        return new Result(o.getKind(), ns, name, Action.UPDATED, drift.isEmpty() ? null
            : "corrected drift in " + drift.size() + " field(s)", drift);
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409 && attempt < ATTEMPTS) {
          continue; // Someone else wrote in between: read again and merge again.
        }
        return new Result(o.getKind(), ns, name, Action.FAILED, e.getCode() == 409
            ? "still conflicting after " + ATTEMPTS + " attempts" : describe(e));
      }
    }
  }

  /**
   * Whether the cached copy is already what applying would leave. Only a yes is trusted: a
   * cached copy that needs a change may be stale, so the write path reads the object first.
   */
  private boolean unchangedInCache(HasMetadata o, Map<String, Object> desired, Owner owner) {
    HasMetadata cached = cache.get(o.getKind(), o.getMetadata().getNamespace(),
        o.getMetadata().getName());
    if (cached == null || Ownership.ownedByAnother(cached, owner) != null) {
      return false;
    }
    Map<String, Object> liveMap = Manifests.toMap(cached);
    String record = annotation(desired, LAST_APPLIED);
    String recorded = annotation(liveMap, LAST_APPLIED);
    if (record == null || recorded == null) {
      return false;
    }
    if (LastApplied.isDigest(recorded)) {
      // The cache keeps the record as its digest: the same digest is the same record.
      if (!recorded.equals(LastApplied.digest(record))) {
        return false;
      }
      setAnnotation(liveMap, LAST_APPLIED, record);
    }
    Map<String, Object> last = lastApplied(liveMap);
    return last != null && Drift.sameValue(ThreeWayMerge.merge(last, desired, liveMap), liveMap);
  }

  @SuppressWarnings("unchecked")
  private static String annotation(Map<String, Object> o, String key) {
    Object meta = o.get("metadata");
    Object annotations = meta instanceof Map<?, ?> m ? m.get("annotations") : null;
    Object value = annotations instanceof Map<?, ?> a ? a.get(key) : null;
    return value instanceof String v ? v : null;
  }

  @SuppressWarnings("unchecked")
  private static void setAnnotation(Map<String, Object> o, String key, String value) {
    Map<String, Object> meta = new LinkedHashMap<>((Map<String, Object>) o.get("metadata"));
    Map<String, Object> annotations =
        new LinkedHashMap<>((Map<String, Object>) meta.get("annotations"));
    annotations.put(key, value);
    meta.put("annotations", annotations);
    o.put("metadata", meta);
  }

  private List<Result> pruneOne(Owner owner, String instance, Ref r) {
    Class<? extends HasMetadata> type = java.util.stream.Stream.concat(PRUNABLE.stream(),
        TEAM_KINDS.stream()).filter(k -> k.getSimpleName().equals(r.kind())).findFirst()
        .orElse(null);
    if (type == null && !GENERIC.containsKey(r.kind())) {
      return List.of();
    }
    if (type == null && !served(GENERIC.get(r.kind()))) {
      return List.of(); // Its API is not served, so there is nothing to delete.
    }
    try {
      io.fabric8.kubernetes.client.dsl.Resource<? extends HasMetadata> one;
      if (type == null) {
        one = client.genericKubernetesResources(GENERIC.get(r.kind())).inNamespace(r.namespace())
            .withName(r.name());
      } else {
        one = r.namespace() == null ? client.resources(type).withName(r.name())
            : client.resources(type).inNamespace(r.namespace()).withName(r.name());
      }
      HasMetadata live = one.get();
      // Only what is still this Application's: an object someone took over stays.
      if (live == null || !Ownership.mayPrune(live, owner, instance)) {
        return List.of();
      }
      one.delete();
      return List.of(new Result(r.kind(), r.namespace(), r.name(), Action.PRUNED, null));
    } catch (RuntimeException e) {
      return List.of(new Result(r.kind(), r.namespace(), r.name(), Action.FAILED, describe(e)));
    }
  }

  private boolean served(ResourceDefinitionContext kind) {
    return discovery.served(kind.getGroup() + "/" + kind.getVersion(), kind.getKind());
  }

  private List<Result> prune(Owner owner, String instance, Set<String> wanted) {
    List<Result> out = new ArrayList<>();
    List<HasMetadata> owned = new ArrayList<>();
    // By the owner's UID when there is one: unique, where the instance label is not.
    String label = owner != null ? Owner.UID_LABEL : Identity.INSTANCE;
    String value = owner != null ? owner.uid() : instance;
    for (Class<? extends HasMetadata> kind : PRUNABLE) {
      try {
        owned.addAll(client.resources(kind).inAnyNamespace().withLabel(label, value)
            .withLabel(Identity.MANAGED_BY, Identity.MANAGER).list().getItems());
      } catch (KubernetesClientException e) {
        out.add(new Result(kind.getSimpleName(), "", "", Action.FAILED, describe(e)));
      }
    }
    for (var kind : GENERIC.values()) {
      if (!served(kind)) {
        continue; // Not served, so there is none.
      }
      try {
        owned.addAll(client.genericKubernetesResources(kind).inAnyNamespace()
            .withLabel(label, value)
            .withLabel(Identity.MANAGED_BY, Identity.MANAGER).list().getItems());
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) { // 404: removed since discovery answered, so there is none.
          out.add(new Result(kind.getKind(), "", "", Action.FAILED, describe(e)));
        }
      }
    }
    // A namespace last: deleting it first would take what it holds with it unreported.
    owned.sort(java.util.Comparator.comparing(o -> o instanceof Namespace));
    for (HasMetadata o : owned) {
      String k = key(o.getKind(), o.getMetadata().getNamespace(), o.getMetadata().getName());
      if (!wanted.contains(k)) {
        out.addAll(pruneOne(owner, instance, new Ref(o.getKind(),
            o.getMetadata().getNamespace(), o.getMetadata().getName())));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> withLastApplied(Map<String, Object> desired) {
    Map<String, Object> copy = new LinkedHashMap<>(desired);
    Map<String, Object> meta = new LinkedHashMap<>((Map<String, Object>) copy.get("metadata"));
    Map<String, Object> annotations = meta.get("annotations") == null ? new LinkedHashMap<>()
        : new LinkedHashMap<>((Map<String, Object>) meta.get("annotations"));
    try {
      annotations.put(LAST_APPLIED, CANONICAL.writeValueAsString(desired));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    meta.put("annotations", annotations);
    copy.put("metadata", meta);
    return copy;
  }

  /** The last applied state recorded on a live object, or null. */
  public static Map<String, Object> lastAppliedOf(Map<String, Object> live) {
    return lastApplied(live);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> lastApplied(Map<String, Object> live) {
    Map<String, Object> meta = (Map<String, Object>) live.getOrDefault("metadata", Map.of());
    Object annotations = meta.get("annotations");
    Object text = annotations instanceof Map<?, ?> a ? a.get(LAST_APPLIED) : null;
    if (!(text instanceof String s)) {
      return null;
    }
    try {
      return withLastApplied(CANONICAL.readValue(s, Map.class));
    } catch (JsonProcessingException e) {
      return null; // An unreadable record is treated as none: Pave then owns only what it sets.
    }
  }

  /**
   * The client's handle on one object; optional kinds through their known definition, since
   * the client would otherwise run its own discovery for every generic object.
   */
  private io.fabric8.kubernetes.client.dsl.Resource<? extends HasMetadata> handle(HasMetadata o) {
    ResourceDefinitionContext generic = GENERIC.get(o.getKind());
    if (generic != null && o instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource g) {
      return client.genericKubernetesResources(generic).inNamespace(o.getMetadata().getNamespace())
          .resource(g);
    }
    return client.resource(o);
  }

  private HasMetadata typed(Map<String, Object> tree, HasMetadata like) {
    // Through JSON text: the model's IntOrString reads int tokens, not the Longs of the maps.
    try {
      return client.getKubernetesSerialization().unmarshal(CANONICAL.writeValueAsString(tree),
          like.getClass());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String key(String kind, String namespace, String name) {
    return kind + "/" + (namespace == null ? "" : namespace) + "/" + name;
  }

  static String describe(RuntimeException e) {
    if (e instanceof KubernetesClientException k) {
      String m = k.getStatus() != null && k.getStatus().getMessage() != null
          ? k.getStatus().getMessage() : k.getMessage();
      return StatusText.oneLine((k.getCode() > 0 ? "HTTP " + k.getCode() + ": " : "") + m);
    }
    return StatusText.oneLine(e.getMessage() == null ? e.getClass().getSimpleName()
        : e.getMessage());
  }
}
