package dev.pave.control;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.identity.Identity;
import dev.pave.release.Revision;
import dev.pave.release.RevisionSpec;
import dev.pave.release.Revisions;
import dev.pave.release.Rollbacks;
import dev.pave.render.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Deploys and rolls back one application in one environment, keeping every release as an
 * ApplicationRevision in the application's namespace. A deploy whose output did not change
 * records nothing, so a deploy interrupted after applying and run again makes no duplicate.
 */
public final class Releases {
  static final ResourceDefinitionContext REVISIONS = new ResourceDefinitionContext.Builder()
      .withGroup("pave.dev").withVersion("v1alpha1").withKind("ApplicationRevision")
      .withPlural("applicationrevisions").withNamespaced(true).build();
  static final String REVISION_LABEL = "pave.dev/revision";
  private static final ObjectMapper MAPS = JsonMapper.builder()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS).build();

  /**
   * What the last reconcile left, as the Application's status records it: the revision, the
   * hash of its objects, and the objects applied. Lets a reconcile whose output did not change
   * skip reading the history, and prune without listing whole kinds.
   */
  public record Applied(int revision, String hash, List<Applier.Ref> objects) {
    public static final Applied NONE = new Applied(0, null, List.of());
  }

  /** What a deploy or rollback did: the revision now current, the applies, how long it took. */
  public record Outcome(int revision, String hash, boolean recorded,
      List<Applier.Result> results, Duration took) {
    public boolean failed() {
      return results.stream().anyMatch(r -> r.action() == Applier.Action.FAILED);
    }
  }

  /**
   * Names the application and environment, where its revisions live, and the Application that
   * owns its objects (null when none does: objects applied outside an Application).
   */
  public record Target(String app, String environment, String namespace, Owner owner) {
    public Target(String app, String environment, String namespace) {
      this(app, environment, namespace, null);
    }

    String instance() {
      return app + "-" + environment;
    }
  }

  private final KubernetesClient client;
  private final Applier applier;
  private final Applier reporter;
  private final Clock clock;
  private final LongSupplier ticker;
  private final int retention;

  public Releases(KubernetesClient client, Clock clock, LongSupplier ticker, int retention) {
    this(client, clock, ticker, retention, ApiDiscovery.of(client));
  }

  /** As above, asking {@code discovery} which optional APIs the cluster serves. */
  public Releases(KubernetesClient client, Clock clock, LongSupplier ticker, int retention,
      ApiDiscovery discovery) {
    this.client = client;
    this.applier = new Applier(client, true, discovery);
    this.reporter = new Applier(client, false, discovery);
    this.clock = clock;
    this.ticker = ticker;
    this.retention = retention;
  }

  /** Objects are read from {@code cache} (the operator's informers) before the API server. */
  public void readFrom(Applier.Cache cache) {
    applier.readFrom(cache);
    reporter.readFrom(cache);
  }

  /** Applies the rendered objects and records a revision when the output changed. */
  public Outcome deploy(Target t, List<HasMetadata> objects, String spec, String changedBy,
      String commit) {
    return deploy(t, objects, spec, changedBy, commit, true, Applied.NONE);
  }

  /**
   * As above; with {@code correctDrift} false, drift is reported and not overwritten.
   * {@code before} is what the Application's status says was applied last.
   */
  public Outcome deploy(Target t, List<HasMetadata> objects, String spec, String changedBy,
      String commit, boolean correctDrift, Applied before) {
    long start = ticker.getAsLong();
    List<Map<String, Object>> maps = objects.stream().map(Manifests::toMap).toList();
    String hash = Revisions.hash(maps);
    Applier apply = correctDrift ? applier : reporter;
    if (before.revision() > 0 && hash.equals(before.hash())) {
      // The output is what the current revision holds: apply (drift) and record nothing.
      return new Outcome(before.revision(), hash, false,
          apply.apply(t.owner(), t.instance(), objects, before.objects()), since(start));
    }
    List<Revision> history = history(t);
    Set<Applier.Ref> known = new java.util.LinkedHashSet<>(before.objects());
    history.stream().reduce((a, b) -> b).ifPresent(r -> known.addAll(refs(r)));
    List<Applier.Result> results = apply.apply(t.owner(), t.instance(), objects, known);
    if (results.stream().anyMatch(r -> r.action() == Applier.Action.FAILED)) {
      return new Outcome(current(history), currentHash(history), false, results,
          since(start));
    }
    Optional<Revision> next = Revisions.next(history, maps, spec, changedBy, clock.instant(),
        commit);
    next.ifPresent(r -> store(t, r));
    next.ifPresent(r -> expire(t, history, r.number()));
    return new Outcome(next.map(Revision::number).orElse(current(history)), hash,
        next.isPresent(), results, since(start));
  }

  /**
   * Applies a kept revision's objects: the one asked for, or the previous one. The rollback is
   * itself recorded as a new revision with the same objects, so history reads in order.
   */
  public Outcome rollback(Target t, Integer to, String changedBy) {
    long start = ticker.getAsLong();
    List<Revision> history = history(t);
    int current = current(history);
    Revision target = Rollbacks.manualTarget(history, current, to).orElseThrow(() ->
        new IllegalArgumentException(to == null
            ? "there is no revision before " + current + " to roll back to"
            : "revision " + to + " is not kept; kept revisions: " + history.stream()
                .map(r -> String.valueOf(r.number())).toList()));
    List<HasMetadata> objects = objectsOf(target);
    Set<Applier.Ref> known = new java.util.LinkedHashSet<>();
    history.stream().reduce((a, b) -> b).ifPresent(r -> known.addAll(refs(r)));
    List<Applier.Result> results = applier.apply(t.owner(), t.instance(), objects, known);
    Duration took = since(start);
    if (results.stream().anyMatch(r -> r.action() == Applier.Action.FAILED)) {
      // Not rolled back, so not recorded as one: the history keeps saying what is current.
      return new Outcome(current, currentHash(history), false, results, took);
    }
    Optional<Revision> next = Revisions.next(history, Revisions.objects(target), target.spec(),
        changedBy + " (rollback to " + target.number() + ")", clock.instant(),
        target.sourceCommit());
    next.ifPresent(r -> store(t, r));
    return new Outcome(next.map(Revision::number).orElse(current), target.hash(),
        next.isPresent(), results, took);
  }

  /** Label on an ApplicationRevision once its rollout became available. */
  static final String AVAILABLE_LABEL = "pave.dev/available";

  /** Marks a revision as having rolled out fully; automatic rollbacks only go to such ones. */
  public void markAvailable(Target t, int number) {
    var rev = client.genericKubernetesResources(REVISIONS).inNamespace(t.namespace())
        .withName(t.instance() + "-" + number);
    GenericKubernetesResource g = rev.get();
    if (g != null && (g.getMetadata().getLabels() == null
        || !"true".equals(g.getMetadata().getLabels().get(AVAILABLE_LABEL)))) {
      if (g.getMetadata().getLabels() == null) {
        g.getMetadata().setLabels(new LinkedHashMap<>());
      }
      g.getMetadata().getLabels().put(AVAILABLE_LABEL, "true");
      client.genericKubernetesResources(REVISIONS).inNamespace(t.namespace()).resource(g)
          .update();
    }
  }

  /** Numbers of the kept revisions that were ever available. */
  public Set<Integer> available(Target t) {
    return client.genericKubernetesResources(REVISIONS).inNamespace(t.namespace())
        .withLabel(Identity.INSTANCE, t.instance()).withLabel(AVAILABLE_LABEL, "true").list()
        .getItems().stream()
        .map(g -> g.getMetadata().getLabels().get(REVISION_LABEL))
        .filter(n -> n != null && n.matches("\\d+")).map(Integer::parseInt)
        .collect(java.util.stream.Collectors.toSet());
  }

  /** Applies a kept revision's objects again, recording nothing: a pinned rollback held. */
  public Outcome reapply(Target t, int number, Applied before) {
    long start = ticker.getAsLong();
    Revision r = revision(t, number).orElseThrow(() ->
        new IllegalArgumentException("revision " + number + " is not kept"));
    int current = before.revision() > 0 ? before.revision() : current(t);
    return new Outcome(current, r.hash(), false,
        applier.apply(t.owner(), t.instance(), objectsOf(r), before.objects()), since(start));
  }

  /** One kept revision, read by name. */
  public Optional<Revision> revision(Target t, int number) {
    GenericKubernetesResource g = client.genericKubernetesResources(REVISIONS)
        .inNamespace(t.namespace()).withName(t.instance() + "-" + number).get();
    return Optional.ofNullable(g).filter(x -> ownedBy(x, t.owner())).map(Releases::revisionOf);
  }

  /** Deletes every object of the application in this environment, and its revisions. */
  public List<Applier.Result> delete(Target t) {
    List<Applier.Result> results = t.owner() == null ? applier.deleteAll(t.instance())
        : applier.deleteAll(t.owner(), t.instance());
    // By the owner's UID when there is one: another Application's instance may read the same.
    var revisions = client.genericKubernetesResources(REVISIONS).inAnyNamespace();
    (t.owner() == null ? revisions.withLabel(Identity.INSTANCE, t.instance())
        : revisions.withLabel(Owner.UID_LABEL, t.owner().uid())).delete();
    return results;
  }

  private List<HasMetadata> objectsOf(Revision r) {
    return Revisions.objects(r).stream()
        .map(m -> (HasMetadata) client.getKubernetesSerialization().unmarshal(json(m)))
        .toList();
  }

  @SuppressWarnings("unchecked")
  private static List<Applier.Ref> refs(Revision r) {
    return Revisions.objects(r).stream().map(m -> {
      Map<String, Object> meta = (Map<String, Object>) m.getOrDefault("metadata", Map.of());
      return new Applier.Ref((String) m.get("kind"), (String) meta.get("namespace"),
          (String) meta.get("name"));
    }).toList();
  }

  private static Revision revisionOf(GenericKubernetesResource g) {
    return MAPS.convertValue(g.getAdditionalProperties().get("spec"), RevisionSpec.class)
        .revision();
  }

  /** Kept revisions, oldest first. */
  public List<Revision> history(Target t) {
    return client.genericKubernetesResources(REVISIONS).inNamespace(t.namespace())
        .withLabel(Identity.INSTANCE, t.instance()).list().getItems().stream()
        .filter(g -> ownedBy(g, t.owner()))
        .map(Releases::revisionOf)
        .sorted(Comparator.comparingInt(Revision::number)).toList();
  }

  /**
   * Whether a revision is the owner's: it carries the owner's UID, or none (recorded before
   * owners were), so another Application with the same instance name never lends its history.
   */
  private static boolean ownedBy(GenericKubernetesResource g, Owner owner) {
    String uid = g.getMetadata().getLabels() == null ? null
        : g.getMetadata().getLabels().get(Owner.UID_LABEL);
    return owner == null || uid == null || uid.equals(owner.uid());
  }

  private void store(Target t, Revision r) {
    GenericKubernetesResource g = new GenericKubernetesResource();
    g.setApiVersion("pave.dev/v1alpha1");
    g.setKind("ApplicationRevision");
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Identity.NAME, t.app());
    labels.put(Identity.INSTANCE, t.instance());
    labels.put(Identity.ENVIRONMENT, t.environment());
    labels.put(Identity.MANAGED_BY, Identity.MANAGER);
    labels.put(REVISION_LABEL, String.valueOf(r.number()));
    Map<String, String> annotations = new LinkedHashMap<>();
    if (t.owner() != null) {
      labels.put(Owner.UID_LABEL, t.owner().uid());
      annotations.put(Owner.ANNOTATION, t.owner().reference());
    }
    g.setMetadata(new ObjectMetaBuilder().withName(t.instance() + "-" + r.number())
        .withNamespace(t.namespace()).withLabels(labels).withAnnotations(annotations).build());
    g.setAdditionalProperty("spec", MAPS.convertValue(RevisionSpec.of(t.app(), t.environment(),
        r), Map.class));
    try {
      client.genericKubernetesResources(REVISIONS).inNamespace(t.namespace()).resource(g)
          .create();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      // `pave rollback` and the operator it wakes may record the same rollback at once: the
      // same number with the same objects is the same release, recorded once.
      boolean same = e.getCode() == 409 && revision(t, r.number())
          .map(x -> x.hash().equals(r.hash())).orElse(false);
      if (!same) {
        throw e;
      }
    }
  }

  private void expire(Target t, List<Revision> before, int newest) {
    List<Revision> all = new java.util.ArrayList<>(before);
    all.add(new Revision(newest, "", "", "", "", null, null));
    for (Revision r : Revisions.expired(all, retention, Set.of(newest))) {
      client.genericKubernetesResources(REVISIONS).inNamespace(t.namespace())
          .withName(t.instance() + "-" + r.number()).delete();
    }
  }

  /** The newest revision's number, 0 before the first. */
  public int current(Target t) {
    return current(history(t));
  }

  private static int current(List<Revision> history) {
    return history.isEmpty() ? 0 : history.get(history.size() - 1).number();
  }

  private static String currentHash(List<Revision> history) {
    return history.isEmpty() ? null : history.get(history.size() - 1).hash();
  }

  private Duration since(long start) {
    return Duration.ofNanos(ticker.getAsLong() - start);
  }

  private static String json(Map<String, Object> m) {
    try {
      return MAPS.writeValueAsString(m);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
