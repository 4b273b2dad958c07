package dev.pave.control;

import dev.pave.render.Manifests;
import dev.pave.spec.Environment;
import dev.pave.team.Team;
import dev.pave.team.TeamObjects;
import dev.pave.team.TeamReader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reconciles a Team: renders its objects in each environment it deploys to
 * ({@link TeamObjects}) and applies them through the same {@link Applier} as Applications, so
 * drift is set back and only what the Team applied is pruned (a removed member's binding goes at
 * once). The finalizer refuses deletion while Applications of the team exist. Status: a Ready
 * condition, the namespaces by environment, the objects applied, and onboarding times (created,
 * first Application Available in each environment).
 */
@ControllerConfiguration(name = "teams", finalizerName = TeamReconciler.FINALIZER,
    generationAwareEventProcessing = false)
public class TeamReconciler implements Reconciler<TeamResource>, Cleaner<TeamResource> {
  public static final String FINALIZER = "teams.pave.dev/finalizer";
  /** How often a Team whose deletion waits for its Applications looks again. */
  static final Duration WAIT_FOR_APPLICATIONS = Duration.ofSeconds(10);
  private static final String BY_TEAM = "team";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(
      TeamReconciler.class);

  private final Map<String, Environment> builtIn;
  private final String applicationsNamespace;
  private final Clock clock;
  private final Duration recheck;
  private InformerEventSource<EnvironmentResource, TeamResource> environments;
  private InformerEventSource<ApplicationResource, TeamResource> applications;

  public TeamReconciler(Map<String, Environment> builtIn, String applicationsNamespace,
      Clock clock, Duration recheck) {
    this.builtIn = builtIn;
    this.applicationsNamespace = applicationsNamespace;
    this.clock = clock;
    this.recheck = recheck;
  }

  /** A Team's Applications wake it: their availability is its onboarding time. */
  @Override
  public List<EventSource<?, TeamResource>> prepareEventSources(
      EventSourceContext<TeamResource> context) {
    environments = new InformerEventSource<>(InformerEventSourceConfiguration
        .from(EnvironmentResource.class, TeamResource.class)
        .withSecondaryToPrimaryMapper(e -> {
          Set<ResourceID> all = new LinkedHashSet<>();
          context.getPrimaryCache().list().forEach(t -> all.add(ResourceID.fromResource(t)));
          return all;
        }).build(), context);
    applications = new InformerEventSource<>(InformerEventSourceConfiguration
        .from(ApplicationResource.class, TeamResource.class)
        .withWatchAllNamespaces()
        .withSecondaryToPrimaryMapper(a -> teamOf(a) == null ? Set.of()
            : Set.of(new ResourceID(teamOf(a))))
        .build(), context);
    applications.addIndexers(Map.of(BY_TEAM, a -> teamOf(a) == null ? List.of()
        : List.of(teamOf(a))));
    return List.of(environments, applications);
  }

  static String teamOf(ApplicationResource a) {
    return a.getSpec() != null && a.getSpec().get("team") instanceof String t ? t : null;
  }

  private List<ApplicationResource> applicationsOf(String team) {
    return applications == null ? List.of() : applications.byIndex(BY_TEAM, team);
  }

  private Map<String, Environment> known() {
    return EnvironmentCatalog.of(builtIn, environments == null ? List.of()
        : environments.list().toList()).valid();
  }

  static Owner owner(TeamResource team) {
    // No namespace: the owner annotation of a Team's objects names no Application.
    return new Owner(team.getMetadata().getUid(), "", "Team " + team.getMetadata().getName());
  }

  static String instance(String team) {
    return "team-" + team;
  }

  @Override
  public UpdateControl<TeamResource> reconcile(TeamResource resource,
      Context<TeamResource> context) {
    Map<String, Object> previous = resource.getStatus() == null ? Map.of()
        : resource.getStatus();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("observedGeneration", resource.getMetadata().getGeneration());
    TeamReader.Read read = TeamReader.fromObject(Manifests.toMap(resource));
    if (!read.ok()) {
      status.put("conditions", List.of(Conditions.of(previous, clock, "Ready", "False",
          "InvalidSpec", "The spec is not valid; nothing was applied: " + String.join("; ",
              read.problems().stream().map(p -> p.path() + ": " + p.message()).toList()))));
      keep(previous, status);
      return patch(resource, status);
    }
    Team team = read.teams().get(0).value();
    Map<String, Environment> known = known();
    List<String> problems = new ArrayList<>();
    List<String> unknown = TeamObjects.unknownEnvironments(team, known.keySet());
    if (!unknown.isEmpty()) {
      problems.add("environment(s) " + String.join(", ", unknown) + " do not exist; known: "
          + String.join(", ", known.keySet()));
    }
    List<HasMetadata> desired = new ArrayList<>();
    Map<String, Object> namespaces = new LinkedHashMap<>();
    for (String envName : TeamObjects.environments(team, known.keySet())) {
      Environment env = known.get(envName);
      if (env == null) {
        continue;
      }
      try {
        desired.addAll(TeamObjects.render(team, env, applicationsNamespace));
        namespaces.put(envName, TeamObjects.namespace(team.name(), env));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    List<Applier.Ref> before = refs(previous.get("objects"));
    if (!problems.isEmpty()) {
      // An environment that is unknown or invalid for now is not one dropped from the Team.
      before.removeIf(r -> r.kind().equals("Namespace"));
    }
    Map<Applier.Ref, String> kept = keptNamespaces(context, team.name(), before,
        new java.util.HashSet<>(namespaces.values().stream().map(String::valueOf).toList()));
    before.removeAll(kept.keySet());
    Applier applier = new Applier(context.getClient());
    List<Applier.Result> results = applier.apply(owner(resource), instance(team.name()),
        desired, before);
    List<Applier.Result> failed = results.stream()
        .filter(r -> r.action() == Applier.Action.FAILED).toList();
    failed.forEach(f -> problems.add(f.kind() + " " + (f.namespace() == null ? ""
        : f.namespace() + "/") + f.name() + ": " + f.message()));
    List<Map<String, Object>> objects = new ArrayList<>();
    for (HasMetadata o : desired) {
      Map<String, Object> ref = new LinkedHashMap<>();
      ref.put("kind", o.getKind());
      if (o.getMetadata().getNamespace() != null) {
        ref.put("namespace", o.getMetadata().getNamespace());
      }
      ref.put("name", o.getMetadata().getName());
      objects.add(ref);
    }
    for (Applier.Ref k : kept.keySet()) {
      objects.add(new LinkedHashMap<>(Map.of("kind", k.kind(), "name", k.name())));
    }
    status.put("namespaces", namespaces);
    status.put("objects", objects);
    status.put("onboarding", onboarding(resource, previous, namespaces.keySet()));
    status.put("conditions", List.of(problems.isEmpty()
        ? Conditions.of(previous, clock, "Ready", "True", "Applied", "Namespaces, bindings,"
            + " quotas and network policies are in place in " + String.join(", ",
                namespaces.values().stream().map(String::valueOf).toList()) + ".")
        : Conditions.of(previous, clock, "Ready", "False", failed.isEmpty()
            ? "InvalidEnvironment" : "ApplyFailed", String.join("; ", problems) + ".")));
    if (!kept.isEmpty()) {
      List<Object> conditions = new ArrayList<>((List<?>) status.get("conditions"));
      conditions.add(Conditions.of(previous, clock, "NamespacesKept", "True",
          "ApplicationsExist", "Namespace(s) of environments no longer in spec.environments"
              + " are kept while Applications of team " + team.name() + " are there: "
              + String.join("; ", kept.values()) + "; each is deleted once they are deleted or"
              + " moved."));
      status.put("conditions", conditions);
    }
    long changed = results.stream().filter(r -> r.action() != Applier.Action.UNCHANGED).count();
    if (changed > 0) {
      LOG.info("team {}: {} object(s) changed", team.name(), changed);
    }
    return patch(resource, status);
  }

  /**
   * Namespaces of environments dropped from the Team: each is pruned with the rest once no
   * Application of the team is in its environment, and kept (returned) while one is, so what
   * runs there is not deleted under it, with the Applications that keep it.
   */
  private Map<Applier.Ref, String> keptNamespaces(Context<TeamResource> context, String team,
      List<Applier.Ref> before, Set<String> wanted) {
    Map<Applier.Ref, String> kept = new LinkedHashMap<>();
    for (Applier.Ref r : before) {
      if (!r.kind().equals("Namespace") || wanted.contains(r.name())) {
        continue;
      }
      var ns = context.getClient().namespaces().withName(r.name()).get();
      String env = ns == null || ns.getMetadata().getLabels() == null ? null
          : ns.getMetadata().getLabels().get(ApplicationReconciler.ENVIRONMENT_LABEL);
      List<String> apps = env == null ? List.of() : applicationsOf(team).stream()
          .filter(a -> a.getMetadata().getLabels() != null && env.equals(a.getMetadata()
              .getLabels().get(ApplicationReconciler.ENVIRONMENT_LABEL)))
          .map(a -> a.getMetadata().getNamespace() + "/" + a.getMetadata().getName())
          .sorted().toList();
      if (!apps.isEmpty()) {
        kept.put(r, r.name() + " (" + String.join(", ", apps) + ")");
      }
    }
    return kept;
  }

  /**
   * When the Team was created and when an Application of it was first Available in each
   * environment; a time once recorded never moves.
   */
  @SuppressWarnings("unchecked")
  private Map<String, Object> onboarding(TeamResource resource, Map<String, Object> previous,
      Set<String> envs) {
    Map<String, Object> before = previous.get("onboarding") instanceof Map<?, ?> m
        ? (Map<String, Object>) m : Map.of();
    Map<String, Object> first = new LinkedHashMap<>(before.get("firstAvailable")
        instanceof Map<?, ?> f ? (Map<String, Object>) f : Map.of());
    for (ApplicationResource a : applicationsOf(resource.getMetadata().getName())) {
      Map<String, String> labels = a.getMetadata().getLabels();
      String env = labels == null ? null : labels.get(ApplicationReconciler.ENVIRONMENT_LABEL);
      if (env != null && envs.contains(env) && !first.containsKey(env) && a.getStatus() != null
          && a.getStatus().get("availableRevision") != null) {
        first.put(env, clock.instant().toString());
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("created", resource.getMetadata().getCreationTimestamp());
    out.put("firstAvailable", first);
    return out;
  }

  @SuppressWarnings("unchecked")
  static List<Applier.Ref> refs(Object objects) {
    List<Applier.Ref> out = new ArrayList<>();
    if (objects instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> m && m.get("kind") instanceof String k
            && m.get("name") instanceof String n) {
          out.add(new Applier.Ref(k, (String) m.get("namespace"), n));
        }
      }
    }
    return out;
  }

  /**
   * Deleting a Team waits until no Application of the team is left, saying which in the Ready
   * condition; then everything it applied goes, its namespaces last.
   */
  @Override
  public DeleteControl cleanup(TeamResource resource, Context<TeamResource> context) {
    String name = resource.getMetadata().getName();
    List<ApplicationResource> apps = applicationsOf(name);
    if (!apps.isEmpty()) {
      Map<String, Object> previous = resource.getStatus() == null ? Map.of()
          : resource.getStatus();
      Map<String, Object> status = new LinkedHashMap<>(previous);
      List<String> names = apps.stream().map(a -> a.getMetadata().getNamespace() + "/"
          + a.getMetadata().getName()).sorted().toList();
      status.put("conditions", List.of(Conditions.of(previous, clock, "Ready", "False",
          "ApplicationsExist", "Team " + name + " still has " + names.size()
              + " Application(s): " + String.join(", ", names) + "; it is deleted once they"
              + " are deleted or moved to another team.")));
      if (!status.equals(previous)) {
        TeamResource fresh = new TeamResource();
        fresh.setMetadata(new ObjectMetaBuilder().withName(name).build());
        fresh.setStatus(status);
        context.getClient().resource(fresh).updateStatus();
      }
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(WAIT_FOR_APPLICATIONS);
    }
    List<Applier.Ref> refs = refs(resource.getStatus() == null ? null
        : resource.getStatus().get("objects"));
    // Namespaces last, so what they hold is deleted (and reported) first.
    refs.sort(java.util.Comparator.comparing(r -> r.kind().equals("Namespace")));
    List<Applier.Result> results = new Applier(context.getClient())
        .apply(owner(resource), instance(name), List.of(), refs);
    if (results.stream().anyMatch(r -> r.action() == Applier.Action.FAILED)) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(WAIT_FOR_APPLICATIONS);
    }
    LOG.info("deleted team {}: {} object(s) removed", name, results.size());
    return DeleteControl.defaultDelete();
  }

  private static void keep(Map<String, Object> previous, Map<String, Object> status) {
    for (String k : List.of("namespaces", "objects", "onboarding")) {
      if (previous.containsKey(k)) {
        status.put(k, previous.get(k));
      }
    }
  }

  private UpdateControl<TeamResource> patch(TeamResource resource, Map<String, Object> status) {
    if (status.equals(resource.getStatus())) {
      return UpdateControl.<TeamResource>noUpdate().rescheduleAfter(recheck);
    }
    TeamResource fresh = new TeamResource();
    fresh.setMetadata(new ObjectMetaBuilder().withName(resource.getMetadata().getName())
        .build());
    fresh.setStatus(status);
    return UpdateControl.patchStatus(fresh).rescheduleAfter(recheck);
  }
}
