package dev.pave.console.web;

import dev.pave.console.Console;
import dev.pave.console.access.Access;
import dev.pave.console.access.ApiTokens;
import dev.pave.console.access.Principal;
import dev.pave.console.access.Role;
import dev.pave.console.catalog.ServiceEntry;
import dev.pave.console.catalog.ServiceIndex;
import dev.pave.console.incidents.Acknowledgements;
import dev.pave.policy.Exemptions;
import dev.pave.policy.Policy;
import dev.pave.signals.deliver.Deliverer;
import dev.pave.signals.incident.Incident;
import dev.pave.signals.store.ConsoleQueries;
import dev.pave.spec.Document;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a page and its API twin both show: read once here, rendered as HTML or JSON. */
public final class Reads {
  private final Console.Settings settings;
  private final ServiceIndex index;
  private final Actions actions;
  private final ApiTokens tokens;
  private final ConsoleQueries queries;
  private final Acknowledgements acks;

  Reads(Console.Settings settings, ServiceIndex index, Actions actions, ApiTokens tokens,
      ConsoleQueries queries, Acknowledgements acks) {
    this.acks = acks;
    this.settings = settings;
    this.index = index;
    this.actions = actions;
    this.tokens = tokens;
    this.queries = queries;
  }

  public List<Views.Pack> packs() {
    List<Views.Pack> out = new ArrayList<>();
    for (Document<Policy> d : index.policies().packs().values()) {
      Policy p = d.value();
      out.add(new Views.Pack(p.name(), p.spec().description(), p.spec().rules().stream()
          .map(r -> new Views.Rule(p.name() + "/" + r.id(),
              r.severity().name().toLowerCase(Locale.ROOT), r.title())).toList()));
    }
    return out;
  }

  public List<Views.ExceptionRow> exceptions(Principal p) {
    Instant now = settings.clock().instant();
    List<Views.ExceptionRow> out = new ArrayList<>();
    new java.util.TreeMap<>(index.exceptions()).forEach((key, e) -> {
      String ns = key.substring(0, key.indexOf('/'));
      Instant expiry = Exemptions.expiry(e);
      boolean expired = expiry != null && !now.isBefore(expiry);
      boolean mayRemove = p.platformAdmin() || (!actions.teamsCovered(e, ns).isEmpty()
          && actions.teamsCovered(e, ns).stream().allMatch(t -> Access.mayManageExceptions(p,
              t)));
      out.add(new Views.ExceptionRow(ns, e.metadata().name(), e.spec().owner(), e.spec().reason(),
          e.spec().ticket(), e.spec().rules(), e.spec().expiresAt(),
          expiry == null ? "?" : Durations.left(now, expiry), expired, mayRemove));
    });
    return out;
  }

  public Views.Signals signals(Principal p) throws Exception {
    if (settings.signals() == null) {
      return new Views.Signals(false, List.of(), List.of(), false,
          "This console runs without pave-signals: no incidents or deliveries to show.");
    }
    return new Views.Signals(true, incidents(), sinks(), Access.mayReplay(p), null);
  }

  /** The latest 200 incidents; none without pave-signals. */
  public List<Incident> incidents() throws Exception {
    return settings.signals() == null ? List.of()
        : settings.signals().store().listIncidents(null, 200);
  }

  /** One incident with its service (for the runbook) and its acknowledgement. */
  public Views.IncidentDetail incident(Principal p, String key) throws Exception {
    Incident i = actions.incident(key).orElseThrow(() -> new io.javalin.http.NotFoundResponse(
        "no incident " + key + "; see /signals for the latest"));
    ServiceEntry e = i.app() == null || i.environment() == null ? null
        : index.find(i.app(), i.environment()).orElse(null);
    boolean may = e == null ? p.platformAdmin() : Access.mayChangeService(p, e.team());
    return new Views.IncidentDetail(i, e, acks.find(i.id()).orElse(null), may,
        settings.clock().instant());
  }

  /** Deliveries and backlog per sink; none without pave-signals. */
  public List<Views.Sink> sinks() throws Exception {
    if (settings.signals() == null) {
      return List.of();
    }
    Map<String, ConsoleQueries.Backlog> backlogs = queries.backlogs();
    List<Views.Sink> sinks = new ArrayList<>();
    for (Deliverer d : settings.signals().deliverers()) {
      ConsoleQueries.Backlog b = backlogs.get(d.sinkName());
      sinks.add(new Views.Sink(d.sinkName(), d.delivered(), b == null ? 0 : b.pending(),
          b == null ? 0 : b.retrying(), b == null ? 0 : b.deadLettered(),
          b == null ? null : b.lastError()));
    }
    return sinks;
  }

  public List<ApiTokens.Token> visibleTokens(Principal p) throws Exception {
    return tokens.list().stream().filter(t -> Access.maySeeAllTokens(p)
        || p.name().equals(t.createdBy())
        || (t.team() != null && p.roleIn(t.team()).atLeast(Role.TEAM_ADMIN))).toList();
  }

  /** The service's last 30 days of signals, newest first. */
  public List<Map<String, Object>> timeline(ServiceEntry e) {
    if (settings.signals() == null) {
      return List.of();
    }
    try {
      List<Map<String, Object>> items = new ArrayList<>(settings.signals().store().timeline(
          e.app(), e.environment(), settings.clock().instant().minus(Duration.ofDays(30)), 500));
      items.forEach(m -> m.remove("enrichment"));
      java.util.Collections.reverse(items);
      return items;
    } catch (java.sql.SQLException ex) {
      settings.log().accept("timeline of " + e.key() + " not read: " + ex.getMessage());
      return List.of();
    }
  }

  public boolean signalsAvailable() {
    return settings.signals() != null;
  }
}
