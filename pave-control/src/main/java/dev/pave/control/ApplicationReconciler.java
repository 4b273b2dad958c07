package dev.pave.control;

import dev.pave.release.Rollbacks;
import dev.pave.release.Rollout;
import dev.pave.render.Settings;
import dev.pave.render.Manifests;
import dev.pave.render.Renderer;
import dev.pave.spec.Application;
import dev.pave.spec.Environment;
import dev.pave.spec.Environments;
import dev.pave.spec.ReadResult;
import dev.pave.spec.SpecReader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.rate.RateLimited;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.util.Objects;
import java.util.Set;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reconciles an Application: read it with the spec reader, render it for its environment,
 * apply and record a revision through {@link Releases}, and report in the status what happened,
 * with conditions a developer can act on. Reconciles again when the Application changes, when
 * its environment changes, when its Deployment's rollout or spec changes (so drift is found as
 * it happens), and at the latest after the recheck interval.
 */
@ControllerConfiguration(name = "applications", finalizerName = ApplicationReconciler.FINALIZER,
    generationAwareEventProcessing = false,
    informer = @io.javaoperatorsdk.operator.api.config.informer.Informer(
        onUpdateFilter = ApplicationChanges.class, itemStore = LeanStore.class))
@GradualRetry(maxAttempts = 20, initialInterval = 1_000, intervalMultiplier = 2.0,
    maxInterval = 300_000)
@RateLimited(maxReconciliations = 10, within = 10, unit = java.util.concurrent.TimeUnit.SECONDS)
public class ApplicationReconciler implements Reconciler<ApplicationResource>,
    Cleaner<ApplicationResource> {
  public static final String ENVIRONMENT_LABEL = "pave.dev/environment";
  public static final String CHANGED_BY = "pave.dev/changed-by";
  public static final String COMMIT = "pave.dev/source-commit";
  /** Set by `pave rollback`: hold this revision while the generation stays the same. */
  public static final String PINNED_REVISION = "pave.dev/pinned-revision";
  /**
   * The operator's finalizer. {@code pave deploy} creates Applications with it already set,
   * which spares the operator a write and a reconcile per Application.
   */
  public static final String FINALIZER = "applications.pave.dev/finalizer";
  public static final String PINNED_GENERATION = "pave.dev/pinned-generation";
  private static final String BY_INSTANCE = "instance";
  private static final String BY_ENVIRONMENT = "environment";
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ApplicationReconciler.class);

  private final Releases releases;
  private final Map<String, Environment> environments;
  private final String defaultEnvironment;
  private final Clock clock;
  private final java.time.Duration recheck;
  private OperatorMetrics metrics = new OperatorMetrics();
  private java.util.function.Function<String, dev.pave.team.Team> teams = t -> null;
  private InformerEventSource<EnvironmentResource, ApplicationResource> environmentSource;
  private InformerEventSource<Deployment, ApplicationResource> deploymentSource;

  /** Records into the given metrics (those the health server exposes). */
  public ApplicationReconciler withMetrics(OperatorMetrics metrics) {
    this.metrics = metrics;
    return this;
  }

  /**
   * Applications take onCall and runbook from their Team where they set none; {@code teams}
   * answers from memory (a {@link TeamDirectory}), and a Team's change reaches its Applications
   * at their next reconcile.
   */
  public ApplicationReconciler withTeams(
      java.util.function.Function<String, dev.pave.team.Team> teams) {
    this.teams = teams;
    return this;
  }

  public ApplicationReconciler(Releases releases, Map<String, Environment> environments,
      String defaultEnvironment, Clock clock, java.time.Duration recheck) {
    this.releases = releases;
    this.environments = environments;
    this.defaultEnvironment = defaultEnvironment;
    this.clock = clock;
    this.recheck = recheck;
  }

  /** An operator for the built-in environments, deploying to {@code defaultEnvironment}. */
  public static ApplicationReconciler withBuiltIns(Releases releases, String defaultEnvironment,
      Clock clock) {
    return withBuiltIns(releases, defaultEnvironment, clock, java.time.Duration.ofMinutes(5));
  }

  /** As above, looking again at every Application at least every {@code recheck}. */
  public static ApplicationReconciler withBuiltIns(Releases releases, String defaultEnvironment,
      Clock clock, java.time.Duration recheck) {
    return new ApplicationReconciler(releases, Environments.builtIn(), defaultEnvironment, clock,
        recheck);
  }

  private String environmentOf(ApplicationResource a) {
    Map<String, String> labels = a.getMetadata().getLabels();
    return labels == null ? defaultEnvironment
        : labels.getOrDefault(ENVIRONMENT_LABEL, defaultEnvironment);
  }

  /**
   * Environments and Deployments are watched through informers: a reconcile reads them from
   * memory, and a change to either wakes the Applications it concerns.
   */
  @Override
  public List<EventSource<?, ApplicationResource>> prepareEventSources(
      EventSourceContext<ApplicationResource> context) {
    context.getPrimaryCache().addIndexer(BY_INSTANCE, a ->
        List.of(a.getMetadata().getName() + "-" + environmentOf(a)));
    context.getPrimaryCache().addIndexer(BY_ENVIRONMENT, a -> List.of(environmentOf(a)));
    environmentSource = new InformerEventSource<>(InformerEventSourceConfiguration
        .from(EnvironmentResource.class, ApplicationResource.class)
        .withSecondaryToPrimaryMapper(e -> ids(context.getPrimaryCache()
            .byIndex(BY_ENVIRONMENT, e.getMetadata().getName())))
        .build(), context);
    deploymentSource = new InformerEventSource<>(InformerEventSourceConfiguration
        .from(Deployment.class, ApplicationResource.class)
        .withWatchAllNamespaces()
        .withItemStore(new LeanStore<>())
        .withLabelSelector(MANAGED)
        .withOnAddFilter(d -> false) // Pave created it; the reconcile that did knows.
        // Rollout progress shows in the status; anyone's edit shows in what Pave owns.
        .withOnUpdateFilter((now, before) -> !Objects.equals(now.getStatus(),
            before.getStatus()) || OwnedChanges.changed(now, before))
        .withSecondaryToPrimaryMapper(d -> owners(context, d))
        .build(), context);
    List<EventSource<?, ApplicationResource>> sources = new ArrayList<>(List.of(
        environmentSource, deploymentSource));
    // Every other kind Pave applies is watched too, so a hand edit of any field Pave owns
    // (a label, an annotation, a Service's ports) is set back within seconds, not at the next
    // resync. Pave's own writes wake the Application once; that reconcile finds no difference.
    Map<String, InformerEventSource<? extends HasMetadata, ApplicationResource>> byKind =
        new java.util.HashMap<>();
    byKind.put("Deployment", deploymentSource);
    for (Class<? extends HasMetadata> kind : Applier.PRUNABLE) {
      if (kind != Deployment.class) {
        InformerEventSource<? extends HasMetadata, ApplicationResource> source =
            watchOwned(kind, context);
        byKind.put(kind.getSimpleName(), source);
        sources.add(source);
      }
    }
    // The same informers answer the apply path, so a resync that changes nothing reads
    // nothing from the API server.
    releases.readFrom((kind, namespace, name) -> {
      InformerEventSource<? extends HasMetadata, ApplicationResource> source = byKind.get(kind);
      return source == null ? null
          : source.get(new ResourceID(name, namespace)).orElse(null);
    });
    return sources;
  }

  private static final String MANAGED = dev.pave.identity.Identity.MANAGED_BY + "="
      + dev.pave.identity.Identity.MANAGER;

  private <T extends HasMetadata> InformerEventSource<T, ApplicationResource> watchOwned(
      Class<T> kind, EventSourceContext<ApplicationResource> context) {
    return new InformerEventSource<>(InformerEventSourceConfiguration
        .from(kind, ApplicationResource.class)
        .withName("owned-" + kind.getSimpleName())
        .withWatchAllNamespaces()
        .withItemStore(new LeanStore<>())
        .withLabelSelector(MANAGED)
        .withOnAddFilter(o -> false)
        .withOnUpdateFilter(OwnedChanges::changed)
        .withSecondaryToPrimaryMapper(o -> owners(context, o))
        .build(), context);
  }

  /**
   * The Application an object belongs to: named by its owner annotation, else (objects applied
   * before owners were recorded) every Application of its instance.
   */
  private static Set<ResourceID> owners(EventSourceContext<ApplicationResource> context,
      HasMetadata o) {
    String[] ref = Owner.referenceOf(o.getMetadata().getAnnotations());
    if (ref != null) {
      return Set.of(new ResourceID(ref[1], ref[0]));
    }
    return o.getMetadata().getLabels() == null ? Set.of()
        : ids(context.getPrimaryCache().byIndex(BY_INSTANCE, o.getMetadata().getLabels()
            .getOrDefault(dev.pave.identity.Identity.INSTANCE, "")));
  }

  private static Set<ResourceID> ids(List<ApplicationResource> apps) {
    Set<ResourceID> out = new java.util.HashSet<>();
    apps.forEach(a -> out.add(ResourceID.fromResource(a)));
    return out;
  }

  /**
   * Deleting an Application deletes what Pave applied for it, wherever it is: ownerReferences
   * cannot reach other namespaces or cluster-scoped objects, so the finalizer does, found by
   * the instance label. Its revisions go too.
   */
  @Override
  public DeleteControl cleanup(ApplicationResource resource,
      Context<ApplicationResource> context) {
    String env = environmentOf(resource);
    List<Applier.Result> results = releases.delete(new Releases.Target(
        resource.getMetadata().getName(), env, resource.getMetadata().getNamespace(),
        Owner.of(resource)));
    List<Applier.Result> failed = results.stream()
        .filter(r -> r.action() == Applier.Action.FAILED).toList();
    if (!failed.isEmpty()) {
      metrics.error("CleanupFailed");
      LOG.warn("cleanup of {}/{} left {} object(s): {}", resource.getMetadata().getNamespace(),
          resource.getMetadata().getName(), failed.size(), failed.get(0).message());
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(recheck);
    }
    LOG.info("deleted application {}/{} in {}: {} object(s) removed",
        resource.getMetadata().getNamespace(), resource.getMetadata().getName(), env,
        results.size());
    return DeleteControl.defaultDelete();
  }

  @Override
  public UpdateControl<ApplicationResource> reconcile(ApplicationResource resource,
      Context<ApplicationResource> context) {
    long start = System.nanoTime();
    org.slf4j.MDC.put("app", resource.getMetadata().getName());
    org.slf4j.MDC.put("environment", environmentOf(resource));
    try {
      return reconcileOnce(resource, context);
    } catch (RuntimeException e) {
      metrics.error(e.getClass().getSimpleName());
      LOG.warn("reconcile failed, will retry with backoff: {}", e.toString());
      throw e;
    } finally {
      metrics.reconciled(java.time.Duration.ofNanos(System.nanoTime() - start));
      org.slf4j.MDC.remove("app");
      org.slf4j.MDC.remove("environment");
      org.slf4j.MDC.remove("revision");
    }
  }

  private UpdateControl<ApplicationResource> reconcileOnce(ApplicationResource resource,
      Context<ApplicationResource> context) {
    String name = resource.getMetadata().getName();
    Map<String, String> annotations = resource.getMetadata().getAnnotations() == null
        ? Map.of() : resource.getMetadata().getAnnotations();
    String envName = environmentOf(resource);
    Map<String, Object> previous = resource.getStatus() == null ? Map.of() : resource.getStatus();
    PlatformEvents events = new PlatformEvents(context.getClient(), clock);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("observedGeneration", resource.getMetadata().getGeneration());

    String source = resource.getMetadata().getNamespace() + "/" + name;
    ReadResult read = SpecReader.read(source, Manifests.yamlOf(document(resource)));
    if (!read.ok() || read.applications().isEmpty()) {
      status.put("phase", "Failed");
      metrics.error("InvalidSpec");
      String message = "The spec is not valid; nothing was applied: " + String.join("; ",
          read.problems().stream().map(p -> p.path() + ": " + p.message()).toList());
      boolean seen = previous.get("observedGeneration") instanceof Number g
          && resource.getMetadata().getGeneration() != null
          && g.longValue() == resource.getMetadata().getGeneration();
      if (!seen || !"Failed".equals(previous.get("phase"))) {
        events.emit(resource, envName, PlatformEvents.Reason.InvalidSpec, message, null,
            annotations.get(CHANGED_BY));
      }
      status.put("conditions", List.of(condition(previous, "Ready", "False", "InvalidSpec",
          message)));
      return patch(resource, status);
    }
    EnvironmentCatalog.Known catalog = EnvironmentCatalog.of(environments,
        environmentSource == null ? List.of() : environmentSource.list().toList());
    if (catalog.invalid().containsKey(envName)) {
      status.put("phase", "Failed");
      status.put("conditions", List.of(condition(previous, "Ready", "False",
          "EnvironmentInvalid", catalog.invalid().get(envName) + " Nothing was applied.")));
      return patch(resource, status);
    }
    Map<String, Environment> known = catalog.valid();
    Environment env = known.get(envName);
    if (env == null) {
      status.put("phase", "Failed");
      status.put("conditions", List.of(condition(previous, "Ready", "False",
          "EnvironmentNotFound", "Environment \"" + envName + "\" does not exist; known"
              + " environments: " + String.join(", ", known.keySet())
              + ". Nothing was applied.")));
      return patch(resource, status);
    }
    Application app = read.applications().get(0).value();
    app = dev.pave.team.TeamDefaults.inherit(app, app.spec() == null ? null
        : teams.apply(app.spec().team()));
    List<HasMetadata> objects = owned(resource, Renderer.render(app, env));
    String namespace = objects.stream().filter(o -> o.getKind().equals("Deployment"))
        .findFirst().map(o -> o.getMetadata().getNamespace()).orElse(
            resource.getMetadata().getNamespace());
    Releases.Target target = new Releases.Target(name, envName, namespace, Owner.of(resource));
    // Where the revisions are: `pave history` and `pave rollback` start from the Application.
    status.put("revisionNamespace", namespace);
    Releases.Applied before = applied(previous);
    Long generation = resource.getMetadata().getGeneration();
    Object pinnedAt = previous.get("pinnedGeneration");
    Object pinnedRevision = previous.get("pinnedRevision");
    boolean newPin = false;
    if (annotations.containsKey(PINNED_GENERATION) && annotations.containsKey(PINNED_REVISION)
        && String.valueOf(generation).equals(annotations.get(PINNED_GENERATION))) {
      Integer asked;
      try {
        asked = Integer.valueOf(annotations.get(PINNED_REVISION));
      } catch (NumberFormatException e) {
        status.put("phase", "Failed");
        status.put("conditions", List.of(condition(previous, "Ready", "False", "InvalidPin",
            "Annotation " + PINNED_REVISION + " is \"" + annotations.get(PINNED_REVISION)
                + "\"; it must be a revision number (pave history lists them). Nothing was"
                + " applied.")));
        return patch(resource, status);
      }
      newPin = !asked.equals(pinnedRevision instanceof Number n ? n.intValue() : null)
          || !(pinnedAt instanceof Number p && p.longValue() == generation);
      pinnedAt = generation;
      pinnedRevision = asked;
    }
    boolean pinned = pinnedAt instanceof Number n && generation != null
        && n.longValue() == generation && pinnedRevision instanceof Number;
    Releases.Outcome outcome;
    boolean correct = Settings.of(env).driftMode()
        == dev.pave.spec.EnvironmentSpec.DriftMode.CORRECT;
    // Who changed it: the user the API server authenticated (stamped by the webhook), else
    // what the CLI says, else the operator itself.
    String changedBy = annotations.getOrDefault(dev.pave.control.webhook.Reviews.REQUESTED_BY,
        annotations.getOrDefault(CHANGED_BY, "operator"));
    if (pinned) {
      // A rollback holds until the next change of the spec: re-apply the pinned revision, so
      // neither drift correction nor this reconcile puts the failed release back.
      int revision = ((Number) pinnedRevision).intValue();
      // Credited to who pinned: the pin is written with pave.dev/changed-by (the CLI's or the
      // console's user), while the webhook's stamp names who last changed the spec.
      String pinnedBy = annotations.getOrDefault(CHANGED_BY, changedBy);
      // A new pin is a rollback (recorded as a revision unless `pave rollback` already did);
      // after that the pinned revision is only applied again.
      try {
        outcome = newPin && revision != before.revision()
            ? rollbackOrReapply(target, revision, before, pinnedBy)
            : releases.reapply(target, revision, before);
      } catch (IllegalArgumentException e) {
        // Retrying cannot help: the annotation names a revision that is not kept.
        status.put("phase", "Failed");
        status.put("conditions", List.of(condition(previous, "Ready", "False", "InvalidPin",
            "Annotation " + PINNED_REVISION + " is \"" + revision + "\", but " + e.getMessage()
                + "; remove the annotation or pin a kept revision (pave history lists them)."
                + " Nothing was applied.")));
        return patch(resource, status);
      }
      status.put("pinnedRevision", revision);
      status.put("pinnedGeneration", generation);
      if (newPin) {
        events.emit(resource, envName, PlatformEvents.Reason.RolledBack, "Rolled back to"
            + " revision " + revision + "; pinned there until the spec changes.", revision,
            pinnedBy);
      }
    } else {
      outcome = releases.deploy(target, objects, Manifests.yamlOf(document(resource)),
          changedBy, annotations.get(COMMIT), correct, before);
    }
    org.slf4j.MDC.put("revision", String.valueOf(outcome.revision()));
    if (outcome.recorded()) {
      LOG.info("recorded revision {} in {} ms", outcome.revision(), outcome.took().toMillis());
      events.emit(resource, envName, PlatformEvents.Reason.RevisionRecorded, "Revision "
          + outcome.revision() + " recorded and applied"
          + (annotations.containsKey(COMMIT) ? " from commit " + annotations.get(COMMIT) : "")
          + ".", outcome.revision(), changedBy);
    }
    status.put("revision", outcome.revision());
    if (outcome.hash() != null) {
      status.put("revisionHash", outcome.hash());
    }
    outcome.results().forEach(metrics::applied);
    status.put("objects", ObjectActions.of(outcome.results(), previous, outcome.revision(),
        outcome.hash()));
    Map<String, Object> apis = optionalApis(resource, envName, previous, outcome, events);
    List<Map<String, Object>> drift = driftStatus(outcome.results());
    if (!drift.isEmpty()) {
      status.put("drift", drift);
      boolean corrected = drift.stream().allMatch(d -> Boolean.TRUE.equals(d.get("corrected")));
      if (corrected || !drift.equals(previous.get("drift"))) {
        events.emit(resource, envName, corrected ? PlatformEvents.Reason.DriftCorrected
            : PlatformEvents.Reason.DriftDetected, drift.size() + " field(s) differed from what"
            + " Pave applied" + (corrected ? " and were set back" : ", reported only") + ": "
            + String.join(", ", drift.stream().limit(5)
                .map(d -> d.get("object") + " " + d.get("path")).toList()) + ".",
            outcome.revision(), null);
      }
    }
    if (outcome.failed()) {
      status.put("phase", "Failed");
      metrics.error("ApplyFailed");
      status.put("conditions", withApis(List.of(condition(previous, "Ready", "False",
          "ApplyFailed", "Some objects could not be applied; see status.objects for each one's"
              + " error.")), apis));
      return patch(resource, status);
    }
    Deployment live = deploymentSource == null ? null : deploymentSource
        .get(new ResourceID(name, namespace)).orElse(null);
    Rollout rollout = live == null ? new Rollout(Rollout.Phase.PROGRESSING, "Pending",
        "The Deployment does not exist yet.") : Rollout.of(Manifests.toMap(live));
    boolean sameRevision = Objects.equals(previous.get("revision"), outcome.revision());
    if (rollout.phase() == Rollout.Phase.AVAILABLE) {
      status.put("availableRevision", outcome.revision());
    } else if (previous.get("availableRevision") != null) {
      status.put("availableRevision", previous.get("availableRevision"));
    }
    if (rollout.phase() == Rollout.Phase.AVAILABLE
        && !(previous.get("availableRevision") instanceof Number a
            && a.intValue() == outcome.revision())) {
      releases.markAvailable(target, outcome.revision());
      events.emit(resource, envName, PlatformEvents.Reason.RolloutAvailable, "Revision "
          + outcome.revision() + " is available: " + rollout.message(), outcome.revision(),
          null);
    }
    if (!pinned && rollout.phase() == Rollout.Phase.FAILED) {
      Rollbacks.Decision decision = Rollbacks.afterRollout(rollout,
          Settings.of(env).autoRollback(), outcome.revision(), releases.available(target),
          null);
      if (decision instanceof Rollbacks.RollBack back) {
        events.emit(resource, envName, PlatformEvents.Reason.RolloutFailed, "Revision "
            + outcome.revision() + " failed to roll out: " + rollout.message(),
            outcome.revision(), null);
        Releases.Outcome rolled = releases.rollback(target, back.to(), "auto-rollback");
        events.emit(resource, envName, PlatformEvents.Reason.AutoRolledBack, back.reason()
            + " in " + rolled.took().toMillis() + " ms.", rolled.revision(), "auto-rollback");
        LOG.warn("rollout of revision {} failed; rolled back to revision {} in {} ms",
            outcome.revision(), back.to(), rolled.took().toMillis());
        metrics.rolledBack("auto");
        status.put("revision", rolled.revision());
        status.put("revisionHash", rolled.hash());
        status.put("objects", ObjectActions.of(rolled.results(), previous, rolled.revision(),
            rolled.hash()));
        status.put("phase", "RolledBack");
        status.put("pinnedRevision", back.to());
        status.put("pinnedGeneration", generation);
        status.put("conditions", withApis(List.of(
            condition(previous, "Applied", "True", "AutoRolledBack", back.reason() + " in "
                + rolled.took().toMillis() + " ms."),
            condition(previous, "Ready", "False", "RolledBack", "Revision "
                + outcome.revision() + " failed to roll out and was rolled back"
                + " automatically; change the spec to deploy again.")), apis));
        return patch(resource, status);
      }
      if (!(sameRevision && "Failed".equals(previous.get("phase")))) {
        events.emit(resource, envName, PlatformEvents.Reason.RolloutFailed, "Revision "
            + outcome.revision() + " failed to roll out: " + rollout.message(),
            outcome.revision(), null);
      }
    }
    if (pinned && !newPin && "RolledBack".equals(previous.get("phase"))
        && previous.get("conditions") != null) {
      // After an automatic rollback the phase says so until the spec changes, whatever the
      // rollout of the revision rolled back to is doing.
      status.put("phase", "RolledBack");
      status.put("conditions", withApis(((List<?>) previous.get("conditions")).stream()
          .filter(c -> !(c instanceof Map<?, ?> m && APIS_SERVED.equals(m.get("type"))))
          .toList(), apis));
      return patch(resource, status);
    }
    status.put("phase", switch (rollout.phase()) {
      case AVAILABLE -> "Available";
      case PROGRESSING -> "Progressing";
      case DEGRADED -> "Degraded";
      case FAILED -> "Failed";
    });
    status.put("conditions", withApis(List.of(
        condition(previous, "Applied", "True", "Applied", "Revision " + outcome.revision()
            + " is applied."),
        condition(previous, "Ready", rollout.phase() == Rollout.Phase.AVAILABLE ? "True"
            : "False", rollout.reason(), StatusText.oneLine(rollout.message()))), apis));
    return patch(resource, status);
  }

  /** Condition type saying whether every optional API the Application renders is served. */
  static final String APIS_SERVED = "ApisServed";

  /**
   * The condition naming the APIs whose objects were skipped (the cluster does not serve
   * them), with an Event when that is news; null when nothing was skipped. Skipping never
   * fails the Application: the rest is applied and its rollout followed as usual.
   */
  private Map<String, Object> optionalApis(ApplicationResource resource, String envName,
      Map<String, Object> previous, Releases.Outcome outcome, PlatformEvents events) {
    List<Applier.Result> skipped = outcome.results().stream()
        .filter(r -> r.action() == Applier.Action.SKIPPED).toList();
    if (skipped.isEmpty()) {
      return null;
    }
    String message = OptionalApis.summary(skipped);
    boolean known = previous.get("conditions") instanceof List<?> l && l.stream().anyMatch(c ->
        c instanceof Map<?, ?> m && APIS_SERVED.equals(m.get("type"))
            && message.equals(m.get("message")));
    if (!known) {
      events.emit(resource, envName, PlatformEvents.Reason.ApiNotServed, message,
          outcome.revision(), null);
    }
    return condition(previous, APIS_SERVED, "False", "ApiNotServed", message);
  }

  private static List<Object> withApis(List<?> conditions, Map<String, Object> apis) {
    List<Object> out = new ArrayList<>(conditions);
    if (apis != null) {
      out.add(apis);
    }
    return out;
  }

  private Releases.Outcome rollbackOrReapply(Releases.Target target, int revision,
      Releases.Applied before, String changedBy) {
    try {
      return releases.rollback(target, revision, changedBy);
    } catch (IllegalArgumentException e) {
      return releases.reapply(target, revision, before); // Already the current revision.
    }
  }

  /**
   * Objects in the Application's own namespace are owned by it, so a real cluster's garbage
   * collector removes them even without the operator; the rest is the finalizer's to delete.
   */
  private static List<HasMetadata> owned(ApplicationResource app, List<HasMetadata> objects) {
    if (app.getMetadata().getUid() == null) {
      return objects;
    }
    for (HasMetadata o : objects) {
      if (app.getMetadata().getNamespace().equals(o.getMetadata().getNamespace())) {
        o.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
            .withApiVersion("pave.dev/v1alpha1").withKind("Application")
            .withName(app.getMetadata().getName()).withUid(app.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(false).build()));
      }
    }
    return objects;
  }

  /** What the status says the last reconcile applied. */
  @SuppressWarnings("unchecked")
  static Releases.Applied applied(Map<String, Object> status) {
    if (!(status.get("revision") instanceof Number revision)) {
      return Releases.Applied.NONE;
    }
    List<Applier.Ref> refs = new ArrayList<>();
    if (status.get("objects") instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> m && !"pruned".equals(m.get("action"))
            && m.get("kind") instanceof String kind && m.get("name") instanceof String n) {
          refs.add(new Applier.Ref(kind, (String) m.get("namespace"), n));
        }
      }
    }
    return new Releases.Applied(revision.intValue(), (String) status.get("revisionHash"),
        refs);
  }

  private static List<Map<String, Object>> driftStatus(List<Applier.Result> results) {
    List<Map<String, Object>> drift = new ArrayList<>();
    for (Applier.Result r : results) {
      for (dev.pave.apply.Drift.Change c : r.drift()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("object", r.kind() + "/" + r.name());
        m.put("path", c.path());
        m.put("applied", String.valueOf(c.applied()));
        m.put("live", String.valueOf(c.live()));
        if (c.manager() != null) {
          m.put("changedBy", c.manager());
        }
        m.put("corrected", r.action() == Applier.Action.UPDATED);
        drift.add(m);
      }
    }
    return drift;
  }

  /**
   * A condition; lastTransitionTime moves only when the condition's status flips, so
   * "since when" stays true across rechecks.
   */
  private Map<String, Object> condition(Map<String, Object> previous, String type,
      String value, String reason, String message) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("status", value);
    c.put("reason", reason);
    c.put("message", message);
    String since = clock.instant().toString();
    if (previous.get("conditions") instanceof List<?> old) {
      for (Object o : old) {
        if (o instanceof Map<?, ?> m && type.equals(m.get("type")) && value.equals(m.get("status"))
            && m.get("lastTransitionTime") instanceof String t) {
          since = t;
        }
      }
    }
    c.put("lastTransitionTime", since);
    return c;
  }

  private static Map<String, Object> document(ApplicationResource resource) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", "pave.dev/v1alpha1");
    doc.put("kind", "Application");
    doc.put("metadata", Map.of("name", resource.getMetadata().getName()));
    doc.put("spec", resource.getSpec() == null ? Map.of() : resource.getSpec());
    return doc;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper CANONICAL =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  private static boolean sameJson(Object a, Object b) {
    try {
      return CANONICAL.writeValueAsString(a).equals(CANONICAL.writeValueAsString(b));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return false;
    }
  }

  /** Status is patched on a fresh object with only name and namespace, never the cached one. */
  private UpdateControl<ApplicationResource> patch(ApplicationResource resource,
      Map<String, Object> status) {
    ApplicationResource fresh = new ApplicationResource();
    fresh.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
        .withName(resource.getMetadata().getName())
        .withNamespace(resource.getMetadata().getNamespace()).build());
    fresh.setStatus(status);
    if (resource.getStatus() != null && sameJson(status, resource.getStatus())) {
      return UpdateControl.<ApplicationResource>noUpdate().rescheduleAfter(recheck);
    }
    return UpdateControl.patchStatus(fresh).rescheduleAfter(recheck);
  }

}
