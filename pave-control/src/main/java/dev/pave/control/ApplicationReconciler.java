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
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reconciles an Application: read it with the spec reader, render it for its environment,
 * apply and record a revision through {@link Releases}, and report in the status what happened,
 * with conditions a developer can act on.
 */
@ControllerConfiguration
public class ApplicationReconciler implements Reconciler<ApplicationResource> {
  public static final String ENVIRONMENT_LABEL = "pave.dev/environment";
  public static final String CHANGED_BY = "pave.dev/changed-by";
  public static final String COMMIT = "pave.dev/source-commit";
  /** Set by `pave rollback`: hold this revision while the generation stays the same. */
  public static final String PINNED_REVISION = "pave.dev/pinned-revision";
  public static final String PINNED_GENERATION = "pave.dev/pinned-generation";

  private final Releases releases;
  private final Map<String, Environment> environments;
  private final String defaultEnvironment;
  private final Clock clock;
  private final java.time.Duration recheck;
  private OperatorMetrics metrics = new OperatorMetrics();

  /** Records into the given metrics (those the health server exposes). */
  public ApplicationReconciler withMetrics(OperatorMetrics metrics) {
    this.metrics = metrics;
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
    return new ApplicationReconciler(releases, Environments.builtIn(), defaultEnvironment, clock,
        java.time.Duration.ofSeconds(30));
  }

  @Override
  public UpdateControl<ApplicationResource> reconcile(ApplicationResource resource,
      Context<ApplicationResource> context) {
    long start = System.nanoTime();
    try {
      return reconcileOnce(resource, context);
    } catch (RuntimeException e) {
      metrics.error(e.getClass().getSimpleName());
      throw e;
    } finally {
      metrics.reconciled(java.time.Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private UpdateControl<ApplicationResource> reconcileOnce(ApplicationResource resource,
      Context<ApplicationResource> context) {
    String name = resource.getMetadata().getName();
    Map<String, String> labels = resource.getMetadata().getLabels() == null ? Map.of()
        : resource.getMetadata().getLabels();
    Map<String, String> annotations = resource.getMetadata().getAnnotations() == null
        ? Map.of() : resource.getMetadata().getAnnotations();
    String envName = labels.getOrDefault(ENVIRONMENT_LABEL, defaultEnvironment);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("observedGeneration", resource.getMetadata().getGeneration());

    String source = resource.getMetadata().getNamespace() + "/" + name;
    ReadResult read = SpecReader.read(source, Manifests.yamlOf(document(resource)));
    if (!read.ok() || read.applications().isEmpty()) {
      status.put("phase", "Failed");
      metrics.error("InvalidSpec");
      status.put("conditions", List.of(condition("Ready", "False", "InvalidSpec",
          "The spec is not valid; nothing was applied: " + String.join("; ",
              read.problems().stream().map(p -> p.path() + ": " + p.message()).toList()))));
      return patch(resource, status);
    }
    Map<String, Environment> known;
    try {
      known = environments(context);
    } catch (IllegalArgumentException e) {
      status.put("phase", "Failed");
      status.put("conditions", List.of(condition("Ready", "False", "EnvironmentInvalid",
          e.getMessage() + " Nothing was applied.")));
      return patch(resource, status);
    }
    Environment env = known.get(envName);
    if (env == null) {
      status.put("phase", "Failed");
      status.put("conditions", List.of(condition("Ready", "False", "EnvironmentNotFound",
          "Environment \"" + envName + "\" does not exist; known environments: "
              + String.join(", ", known.keySet()) + ". Nothing was applied.")));
      return patch(resource, status);
    }
    Application app = read.applications().get(0).value();
    List<HasMetadata> objects = Renderer.render(app, env);
    String namespace = objects.stream().filter(o -> o.getKind().equals("Deployment"))
        .findFirst().map(o -> o.getMetadata().getNamespace()).orElse(
            resource.getMetadata().getNamespace());
    Releases.Target target = new Releases.Target(name, envName, namespace);
    Map<String, Object> previous = resource.getStatus() == null ? Map.of() : resource.getStatus();
    Long generation = resource.getMetadata().getGeneration();
    Object pinnedAt = previous.get("pinnedGeneration");
    Object pinnedRevision = previous.get("pinnedRevision");
    if (annotations.containsKey(PINNED_GENERATION) && annotations.containsKey(PINNED_REVISION)
        && String.valueOf(generation).equals(annotations.get(PINNED_GENERATION))) {
      pinnedAt = generation;
      pinnedRevision = Integer.valueOf(annotations.get(PINNED_REVISION));
    }
    boolean pinned = pinnedAt instanceof Number n && generation != null
        && n.longValue() == generation && pinnedRevision instanceof Number;
    Releases.Outcome outcome;
    if (pinned) {
      // A rollback holds until the next change of the spec: re-apply the pinned revision, so
      // neither drift correction nor this reconcile puts the failed release back.
      int revision = ((Number) pinnedRevision).intValue();
      outcome = releases.reapply(target, revision);
      status.put("pinnedRevision", revision);
      status.put("pinnedGeneration", generation);
    } else {
      outcome = releases.deploy(target, objects, Manifests.yamlOf(document(resource)),
          annotations.getOrDefault(CHANGED_BY, "operator"), annotations.get(COMMIT),
          Settings.of(env).driftMode() == dev.pave.spec.EnvironmentSpec.DriftMode.CORRECT);
    }
    status.put("revision", outcome.revision());
    outcome.results().forEach(metrics::applied);
    List<Map<String, Object>> results = new ArrayList<>();
    for (Applier.Result r : outcome.results()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", r.kind());
      m.put("name", r.name());
      m.put("action", r.action().name().toLowerCase(java.util.Locale.ROOT));
      if (r.message() != null) {
        m.put("message", r.message());
      }
      results.add(m);
    }
    status.put("objects", results);
    List<Map<String, Object>> drift = new ArrayList<>();
    for (Applier.Result r : outcome.results()) {
      for (dev.pave.apply.Drift.Change c : r.drift()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("object", r.kind() + "/" + r.name());
        m.put("path", c.path());
        m.put("applied", String.valueOf(c.applied()));
        m.put("live", String.valueOf(c.live()));
        m.put("corrected", r.action() == Applier.Action.UPDATED);
        drift.add(m);
      }
    }
    if (!drift.isEmpty()) {
      status.put("drift", drift);
    }
    if (outcome.failed()) {
      status.put("phase", "Failed");
      metrics.error("ApplyFailed");
      status.put("conditions", List.of(condition("Ready", "False", "ApplyFailed",
          "Some objects could not be applied; see status.objects for each one's error.")));
      return patch(resource, status);
    }
    Deployment live = context.getClient().apps().deployments().inNamespace(namespace)
        .withName(name).get();
    Rollout rollout = live == null ? new Rollout(Rollout.Phase.PROGRESSING, "Pending",
        "The Deployment does not exist yet.") : Rollout.of(Manifests.toMap(live));
    if (rollout.phase() == Rollout.Phase.AVAILABLE) {
      releases.markAvailable(target, outcome.revision());
    }
    if (!pinned && rollout.phase() == Rollout.Phase.FAILED) {
      Rollbacks.Decision decision = Rollbacks.afterRollout(rollout,
          Settings.of(env).autoRollback(), outcome.revision(), releases.available(target),
          null);
      if (decision instanceof Rollbacks.RollBack back) {
        Releases.Outcome rolled = releases.rollback(target, back.to(), "auto-rollback");
        event(context, resource, "AutoRolledBack", back.reason() + ".");
        metrics.rolledBack("auto");
        status.put("revision", rolled.revision());
        status.put("phase", "RolledBack");
        status.put("pinnedRevision", back.to());
        status.put("pinnedGeneration", generation);
        status.put("conditions", List.of(
            condition("Applied", "True", "AutoRolledBack", back.reason() + " in "
                + rolled.took().toMillis() + " ms."),
            condition("Ready", "False", "RolledBack", "Revision " + outcome.revision()
                + " failed to roll out and was rolled back automatically; change the spec to"
                + " deploy again.")));
        return patch(resource, status);
      }
    }
    status.put("phase", switch (rollout.phase()) {
      case AVAILABLE -> "Available";
      case PROGRESSING -> "Progressing";
      case DEGRADED -> "Degraded";
      case FAILED -> "Failed";
    });
    status.put("conditions", List.of(
        condition("Applied", "True", "Applied", "Revision " + outcome.revision()
            + " is applied."),
        condition("Ready", rollout.phase() == Rollout.Phase.AVAILABLE ? "True" : "False",
            rollout.reason(), rollout.message())));
    return patch(resource, status);
  }

  /**
   * The built-in environments with the cluster's Environment resources laid over them field by
   * field, as files in .pave/ are for the CLI. An invalid one is an error naming its problem.
   */
  private Map<String, Environment> environments(Context<ApplicationResource> context) {
    List<EnvironmentResource> resources;
    try {
      resources = context.getClient().resources(EnvironmentResource.class).list().getItems();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      return environments; // No Environment CRD installed: the built-ins are all there is.
    }
    List<Environment> overrides = new ArrayList<>();
    for (EnvironmentResource r : resources) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("apiVersion", "pave.dev/v1alpha1");
      doc.put("kind", "Environment");
      doc.put("metadata", Map.of("name", r.getMetadata().getName()));
      doc.put("spec", r.getSpec() == null ? Map.of() : r.getSpec());
      ReadResult read = SpecReader.read("Environment/" + r.getMetadata().getName(),
          Manifests.yamlOf(doc));
      if (!read.ok()) {
        throw new IllegalArgumentException("Environment " + r.getMetadata().getName()
            + " is not valid: " + read.problems().get(0).path() + ": "
            + read.problems().get(0).message() + ".");
      }
      overrides.add(read.environments().get(0).value());
    }
    if (overrides.isEmpty()) {
      return environments;
    }
    Map<String, Environment> out = new LinkedHashMap<>(environments);
    for (Environment e : overrides) {
      Environment base = out.get(e.name());
      out.put(e.name(), base == null ? e : new Environment(e.apiVersion(), e.kind(),
          e.metadata(), dev.pave.spec.Records.overlay(base.spec(), e.spec())));
    }
    return out;
  }

  /** A Kubernetes Event on the Application, with the same reason as its condition. */
  private void event(Context<ApplicationResource> context, ApplicationResource resource,
      String reason, String message) {
    io.fabric8.kubernetes.api.model.Event e = new io.fabric8.kubernetes.api.model.EventBuilder()
        .withNewMetadata().withGenerateName(resource.getMetadata().getName() + ".")
        .withNamespace(resource.getMetadata().getNamespace()).endMetadata()
        .withNewInvolvedObject().withApiVersion("pave.dev/v1alpha1").withKind("Application")
        .withName(resource.getMetadata().getName())
        .withNamespace(resource.getMetadata().getNamespace())
        .withUid(resource.getMetadata().getUid()).endInvolvedObject()
        .withReason(reason).withMessage(message).withType("Warning")
        .withNewSource().withComponent("pave-operator").endSource()
        .withFirstTimestamp(clock.instant().toString())
        .withLastTimestamp(clock.instant().toString()).withCount(1).build();
    try {
      context.getClient().v1().events().inNamespace(resource.getMetadata().getNamespace())
          .resource(e).create();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException ex) {
      // An event that cannot be written must not undo the rollback it reports.
    }
  }

  private Map<String, Object> condition(String type, String value, String reason,
      String message) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("status", value);
    c.put("reason", reason);
    c.put("message", message);
    c.put("lastTransitionTime", clock.instant().toString());
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

  /** Status is patched on a fresh object with only name and namespace, never the cached one. */
  private UpdateControl<ApplicationResource> patch(ApplicationResource resource,
      Map<String, Object> status) {
    ApplicationResource fresh = new ApplicationResource();
    fresh.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
        .withName(resource.getMetadata().getName())
        .withNamespace(resource.getMetadata().getNamespace()).build());
    fresh.setStatus(status);
    // Rollouts are watched by looking again: the status is what changes, not the spec.
    return UpdateControl.patchStatus(fresh).rescheduleAfter(recheck);
  }

}
