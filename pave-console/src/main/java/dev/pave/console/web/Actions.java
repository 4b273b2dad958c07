package dev.pave.console.web;

import dev.pave.console.access.Access;
import dev.pave.console.access.ApiTokens;
import dev.pave.console.access.Principal;
import dev.pave.console.access.Role;
import dev.pave.console.audit.AuditLog;
import dev.pave.console.catalog.ServiceEntry;
import dev.pave.console.catalog.ServiceIndex;
import dev.pave.console.incidents.Acknowledgements;
import dev.pave.console.service.ServiceDetails;
import dev.pave.control.ApplicationReconciler;
import dev.pave.control.ApplicationResource;
import dev.pave.control.Applier;
import dev.pave.control.Rollbacks;
import dev.pave.policy.PolicyException;
import dev.pave.policy.PolicyReader;
import dev.pave.render.Manifests;
import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.pipeline.Router;
import dev.pave.spec.SpecReader;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.ConflictResponse;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.NotFoundResponse;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every change the console makes, shared by the API and the HTML forms: each one checks
 * {@link Access} first, then acts, then writes the audit log (which feeds the timeline).
 */
public final class Actions {
  private final KubernetesClient client;
  private final ServiceIndex index;
  private final Rollbacks rollbacks;
  private final ApiTokens tokens;
  private final AuditLog audit;
  private final Pipeline signals;
  private final Clock clock;
  private final Acknowledgements acks;

  Actions(KubernetesClient client, ServiceIndex index, Rollbacks rollbacks, ApiTokens tokens,
      AuditLog audit, Pipeline signals, Clock clock, Acknowledgements acks) {
    this.acks = acks;
    this.client = client;
    this.index = index;
    this.rollbacks = rollbacks;
    this.tokens = tokens;
    this.audit = audit;
    this.signals = signals;
    this.clock = clock;
  }

  public ServiceEntry service(String app, String env) {
    return index.find(app, env).orElseThrow(() -> new NotFoundResponse("no service " + app
        + " in environment " + env));
  }

  /** The rollback's outcome for the page and the API. */
  public record RolledBack(ServiceEntry entry, Rollbacks.Result result, List<String> errors) {}

  public RolledBack rollback(Principal p, String app, String env, Integer to) throws SQLException {
    ServiceEntry e = service(app, env);
    if (!Access.mayChangeService(p, e.team())) {
      throw new ForbiddenResponse(p.name() + " (" + p.describe() + ") may not roll back "
          + app + ", a service of team " + e.team());
    }
    Rollbacks.Result r;
    try {
      r = rollbacks.rollback(ServiceDetails.target(e), to, e.resourceNamespace(),
          p.name() + " (console)");
    } catch (IllegalArgumentException ex) {
      throw new ConflictResponse(ex.getMessage());
    }
    List<String> errors = new ArrayList<>();
    for (Applier.Result a : r.outcome().results()) {
      if (a.action() == Applier.Action.FAILED) {
        errors.add(a.kind() + "/" + a.name() + ": " + a.message());
      }
    }
    boolean ok = !r.outcome().failed();
    audit.record(p, AuditLog.Action.ROLLBACK, "Application/" + e.resourceNamespace() + "/" + app,
        app, env, e.team(), ok, (ok ? "rolled back to revision " : "rollback to revision ")
            + r.target() + (ok ? "" : " failed") + " in " + r.outcome().took().toMillis()
            + " ms; recorded as revision " + r.outcome().revision());
    return new RolledBack(e, r, errors);
  }

  /** Replaces the Application's spec; the operator renders, applies and records it. */
  public Map<String, Object> deploy(Principal p, String app, String env, Map<String, Object> spec)
      throws SQLException {
    ServiceEntry e = service(app, env);
    if (!Access.mayChangeService(p, e.team())) {
      throw new ForbiddenResponse(p.name() + " (" + p.describe() + ") may not deploy " + app
          + ", a service of team " + e.team());
    }
    if (spec == null || spec.isEmpty()) {
      throw new BadRequestResponse("spec: required, the Application's spec as in pave.yaml");
    }
    Object newTeam = spec.get("team");
    if (newTeam != null && !newTeam.equals(e.team()) && !Access.mayChangeService(p,
        String.valueOf(newTeam))) {
      throw new ForbiddenResponse("spec.team: " + p.name() + " may not hand " + app
          + " to team " + newTeam);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", "pave.dev/v1alpha1");
    doc.put("kind", "Application");
    doc.put("metadata", Map.of("name", app));
    doc.put("spec", spec);
    var read = SpecReader.read("request body", Manifests.yamlOf(doc));
    if (!read.ok()) {
      throw new BadRequestResponse("the spec is not valid: " + String.join("; ",
          read.problems().stream().map(x -> x.path() + ": " + x.message()).toList()));
    }
    ApplicationResource a = index.resource(e).orElseThrow(NotFoundResponse::new);
    ApplicationResource fresh = client.resources(ApplicationResource.class)
        .inNamespace(a.getMetadata().getNamespace()).withName(app).get();
    if (fresh == null) {
      throw new NotFoundResponse("Application " + app + " is gone");
    }
    fresh.setSpec(new LinkedHashMap<>(spec));
    if (fresh.getMetadata().getAnnotations() == null) {
      fresh.getMetadata().setAnnotations(new LinkedHashMap<>());
    }
    fresh.getMetadata().getAnnotations().put(ApplicationReconciler.CHANGED_BY,
        p.name() + " (console)");
    try {
      fresh = client.resource(fresh).update();
    } catch (KubernetesClientException ex) {
      audit.record(p, AuditLog.Action.DEPLOY, "Application/" + e.resourceNamespace() + "/" + app,
          app, env, e.team(), false, "update refused: HTTP " + ex.getCode());
      throw new ConflictResponse("the cluster refused the update (HTTP " + ex.getCode() + ")");
    }
    audit.record(p, AuditLog.Action.DEPLOY, "Application/" + e.resourceNamespace() + "/" + app,
        app, env, e.team(), true, "spec updated to generation "
            + fresh.getMetadata().getGeneration() + "; the operator applies it");
    return Map.of("app", app, "environment", env, "generation",
        fresh.getMetadata().getGeneration());
  }

  /** Creates a PolicyException resource after checking it with pave-core's reader. */
  public Map<String, Object> createException(Principal p, String namespace, String name,
      Map<String, Object> spec) throws SQLException {
    if (!index.exceptionsSupported()) {
      throw new ConflictResponse("this cluster has no PolicyException resource type"
          + " (policyexceptions.pave.dev); install the CRD first");
    }
    if (namespace == null || namespace.isBlank() || name == null || name.isBlank()) {
      throw new BadRequestResponse("namespace and name: required");
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", "pave.dev/v1alpha1");
    doc.put("kind", "PolicyException");
    doc.put("metadata", Map.of("name", name));
    doc.put("spec", spec == null ? Map.of() : spec);
    PolicyReader.Result read = PolicyReader.read("request body", Manifests.yamlOf(doc));
    if (read.exceptions().isEmpty() || !read.problems().isEmpty()) {
      throw new BadRequestResponse("the exception is not valid: " + (read.problems().isEmpty()
          ? "no PolicyException found" : String.join("; ", read.problems().stream()
              .map(x -> x.path() + ": " + x.message()).toList())));
    }
    PolicyException ex = read.exceptions().get(0).value();
    Set<String> teams = teamsCovered(ex, namespace);
    for (String team : teams) {
      if (!Access.mayManageExceptions(p, team)) {
        throw new ForbiddenResponse(p.name() + " (" + p.describe() + ") may not except"
            + " services of team " + team);
      }
    }
    if (teams.isEmpty() && !p.platformAdmin()) {
      throw new ForbiddenResponse("the exception covers no service of a team; only platform"
          + " admins may create it");
    }
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion("pave.dev/v1alpha1");
    r.setKind("PolicyException");
    r.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name)
        .addToAnnotations(ApplicationReconciler.CHANGED_BY, p.name() + " (console)").build());
    r.setAdditionalProperty("spec", spec);
    try {
      client.genericKubernetesResources(ServiceIndex.EXCEPTIONS).inNamespace(namespace)
          .resource(r).create();
    } catch (KubernetesClientException e) {
      throw new ConflictResponse("the cluster refused the exception (HTTP " + e.getCode() + ")");
    }
    for (ServiceEntry s : servicesCovered(ex, namespace)) {
      audit.record(p, AuditLog.Action.EXCEPTION_CREATE, "PolicyException/" + namespace + "/"
          + name, s.app(), s.environment(), s.team(), true, "exception " + name + " for "
          + String.join(", ", ex.spec().rules()) + " until " + ex.spec().expiresAt() + ", owner "
          + ex.spec().owner() + ": " + ex.spec().reason());
    }
    if (servicesCovered(ex, namespace).isEmpty()) {
      audit.record(p, AuditLog.Action.EXCEPTION_CREATE, "PolicyException/" + namespace + "/"
          + name, null, null, null, true, "exception " + name + " until "
          + ex.spec().expiresAt());
    }
    return Map.of("namespace", namespace, "name", name);
  }

  public void deleteException(Principal p, String namespace, String name) throws SQLException {
    PolicyException ex = index.exceptions().get(namespace + "/" + name);
    if (ex == null) {
      throw new NotFoundResponse("no PolicyException " + namespace + "/" + name);
    }
    Set<String> teams = teamsCovered(ex, namespace);
    for (String team : teams) {
      if (!Access.mayManageExceptions(p, team)) {
        throw new ForbiddenResponse(p.name() + " (" + p.describe() + ") may not remove"
            + " exceptions of team " + team);
      }
    }
    if (teams.isEmpty() && !p.platformAdmin()) {
      throw new ForbiddenResponse("only platform admins may remove this exception");
    }
    client.genericKubernetesResources(ServiceIndex.EXCEPTIONS).inNamespace(namespace)
        .withName(name).delete();
    List<ServiceEntry> covered = servicesCovered(ex, namespace);
    for (ServiceEntry s : covered) {
      audit.record(p, AuditLog.Action.EXCEPTION_DELETE, "PolicyException/" + namespace + "/"
          + name, s.app(), s.environment(), s.team(), true, "exception " + name + " removed");
    }
    if (covered.isEmpty()) {
      audit.record(p, AuditLog.Action.EXCEPTION_DELETE, "PolicyException/" + namespace + "/"
          + name, null, null, null, true, "exception " + name + " removed");
    }
  }

  /** Services whose objects an exception's resources name (by namespace). */
  public List<ServiceEntry> servicesCovered(PolicyException ex, String defaultNamespace) {
    Set<String> namespaces = new LinkedHashSet<>();
    for (PolicyException.Resource r : ex.spec().resources()) {
      namespaces.add(r.namespace() == null ? defaultNamespace : r.namespace());
    }
    return namespaces.stream().flatMap(ns -> index.servicesIn(ns).stream()).toList();
  }

  public Set<String> teamsCovered(PolicyException ex, String defaultNamespace) {
    Set<String> teams = new LinkedHashSet<>();
    servicesCovered(ex, defaultNamespace).forEach(s -> teams.add(s.team()));
    return teams;
  }

  /** The incident with this key as pave-signals holds it now (its latest occurrence). */
  public java.util.Optional<dev.pave.signals.incident.Incident> incident(String key)
      throws SQLException {
    if (signals == null) {
      throw new NotFoundResponse("the console runs without pave-signals: no incidents");
    }
    try (java.sql.Connection c = signals.database().dataSource().getConnection()) {
      return java.util.Optional.ofNullable(signals.store().incidents(c, List.of(key)).get(key));
    }
  }

  /**
   * Acknowledges the incident's current occurrence: whoever may change its service (its
   * team's members and admins, platform admins) may; an incident of no known service only a
   * platform admin.
   */
  public Acknowledgements.Result acknowledge(Principal p, String key) throws SQLException {
    var incident = incident(key).orElseThrow(() -> new NotFoundResponse("no incident " + key));
    String team = incident.app() == null || incident.environment() == null ? null
        : index.find(incident.app(), incident.environment()).map(ServiceEntry::team)
            .orElse(null);
    if (team == null ? !p.platformAdmin() : !Access.mayChangeService(p, team)) {
      throw new ForbiddenResponse(p.name() + " (" + p.describe() + ") may not acknowledge"
          + " incidents of " + (team == null ? "no team" : "team " + team));
    }
    Acknowledgements.Result r = acks.acknowledge(incident.id(), key, p.name());
    if (r.first()) {
      audit.record(p, AuditLog.Action.INCIDENT_ACK, "incident/" + incident.id(),
          incident.app(), incident.environment(), team, true, "acknowledged \""
              + incident.title() + "\"");
    }
    return r;
  }

  public int replay(Principal p, String sink) throws SQLException {
    if (!Access.mayReplay(p)) {
      throw new ForbiddenResponse(p.name() + " (" + p.describe() + ") may not replay"
          + " deliveries; platform admins may");
    }
    if (signals == null) {
      throw new ConflictResponse("the console runs without pave-signals");
    }
    Map<String, Integer> lanes = new LinkedHashMap<>();
    for (SinkConfig s : signals.config().sinks()) {
      lanes.put(s.name(), s.delivery().partitions());
    }
    if (!lanes.containsKey(sink)) {
      throw new NotFoundResponse("no sink " + sink + "; sinks: " + lanes.keySet());
    }
    int n = signals.store().replay(sink, null,
        (s, key) -> Router.lane(key, lanes.getOrDefault(s, 1)), clock.instant());
    signals.deliverers().forEach(d -> d.wake());
    audit.record(p, AuditLog.Action.REPLAY, "sink/" + sink, null, null, null, true,
        "replayed " + n + " dead letter(s) of " + sink);
    return n;
  }

  public ApiTokens.Created createToken(Principal p, String name, String role, String team,
      Integer days) throws SQLException {
    Role r;
    try {
      r = Role.ofWire(role == null ? "" : role);
    } catch (IllegalArgumentException e) {
      throw new BadRequestResponse("role: " + e.getMessage());
    }
    String t = team == null || team.isBlank() ? null : team.strip();
    if (!Access.mayCreateToken(p, r, r.teamScoped() ? t : null)) {
      throw new ForbiddenResponse(p.name() + " (" + p.describe() + ") may not create a "
          + r.wire() + " token" + (t == null ? "" : " for team " + t));
    }
    ApiTokens.Created c;
    try {
      c = tokens.create(name, r, t, Duration.ofDays(days == null ? 90 : days), p.name());
    } catch (IllegalArgumentException e) {
      throw new BadRequestResponse(e.getMessage());
    }
    audit.record(p, AuditLog.Action.TOKEN_CREATE, "token/" + c.token().id(), null, null,
        c.token().team(), true, "token \"" + c.token().name() + "\" (" + r.wire()
            + (c.token().team() == null ? "" : " of " + c.token().team()) + ") expiring "
            + c.token().expiresAt());
    return c;
  }

  public void revokeToken(Principal p, String id) throws SQLException {
    ApiTokens.Token t = tokens.find(id).orElseThrow(() -> new NotFoundResponse("no token "
        + id));
    if (!Access.mayRevokeToken(p, t.createdBy(), t.team())) {
      throw new ForbiddenResponse(p.name() + " (" + p.describe() + ") may not revoke token "
          + id);
    }
    if (!tokens.revoke(id, p.name())) {
      throw new ConflictResponse("token " + id + " is already revoked");
    }
    audit.record(p, AuditLog.Action.TOKEN_REVOKE, "token/" + id, null, null, t.team(), true,
        "token \"" + t.name() + "\" revoked");
  }
}
