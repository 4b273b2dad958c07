package dev.pave.signals.deliver;

import dev.pave.signals.incident.Change;
import dev.pave.signals.incident.Incident;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.store.Store;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Exactly one ticket per incident, for every ITSM system. The ticket of an incident and the
 * newest incident version applied to it are recorded; an older or repeated notice changes
 * nothing. Before creating, the system is searched by the incident's correlation id, so a
 * ticket created just before a crash (or whose answer was lost) is found instead of created
 * again. Where the system's search lags behind its writes, a create whose outcome is unknown is
 * not repeated until the search has had time to show it.
 */
public final class TicketSink implements Sink {
  private final String name;
  private final Tracker tracker;
  private final Store store;
  private final Clock clock;

  /** The ticket sink of an ITSM configuration; null for other sinks. */
  public static TicketSink of(dev.pave.signals.config.SinkConfig cfg, Store store, Clock clock) {
    Tracker t;
    if (cfg instanceof dev.pave.signals.config.SinkConfig.RequestTracker rt) {
      t = new RequestTracker(rt);
    } else if (cfg instanceof dev.pave.signals.config.SinkConfig.ServiceNow sn) {
      t = new ServiceNow(sn);
    } else if (cfg instanceof dev.pave.signals.config.SinkConfig.Jira j) {
      t = new Jira(j);
    } else {
      return null;
    }
    return new TicketSink(cfg.name(), t, store, clock);
  }

  TicketSink(String name, Tracker tracker, Store store, Clock clock) {
    this.name = name;
    this.tracker = tracker;
    this.store = store;
    this.clock = clock;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void deliver(Notice n) throws DeliveryException {
    Incident i = n.incident();
    if (i == null || n.change() == Change.NONE) {
      return;
    }
    Store.Ticket stored;
    Instant attempted;
    try {
      stored = store.ticket(name, i.id());
      attempted = stored == null ? store.createAttempt(name, i.id()) : null;
    } catch (SQLException e) {
      throw new DeliveryException(name + ": ticket map not readable: " + e.getMessage(), false);
    }
    if (stored != null && i.version() <= stored.version()) {
      return;
    }
    Duration settle = tracker.searchSettle();
    if (attempted != null && !settle.isZero()) {
      Instant trusted = attempted.plus(settle);
      if (clock.instant().isBefore(trusted)) {
        throw DeliveryException.notBefore(name + ": a ticket create at " + attempted
            + " may have succeeded; searching again after " + trusted
            + ", when the search shows it", trusted);
      }
    }
    String ticket = stored != null ? stored.ticket() : tracker.find(i);
    boolean fresh = false;
    if (ticket == null) {
      if (!settle.isZero()) {
        try {
          store.recordCreateAttempt(name, i.id(), clock.instant());
        } catch (SQLException e) {
          throw new DeliveryException(name + ": create attempt not recorded: "
              + e.getMessage(), false);
        }
      }
      ticket = tracker.create(n);
      fresh = true;
      remember(i, ticket);
    }
    boolean foundAfterCrash = stored == null && !fresh;
    if (!fresh && !(foundAfterCrash && n.change() == Change.OPENED)) {
      tracker.update(ticket, n);
    }
    if (i.state() == Incident.State.RESOLVED) {
      tracker.resolve(ticket, n);
    } else if (n.change() == Change.REOPENED) {
      tracker.reopen(ticket, n);
    }
    remember(i, ticket);
  }

  private void remember(Incident i, String ticket) throws DeliveryException {
    try {
      store.saveTicket(name, i.id(), new Store.Ticket(ticket, i.version()));
    } catch (SQLException e) {
      throw new DeliveryException(name + ": ticket " + ticket + " not recorded: "
          + e.getMessage(), false);
    }
  }

  /** The correlation id every system's ticket carries: {@code pave:<incident id>}. */
  public static String correlationId(Incident i) {
    return "pave:" + i.id();
  }

  /** The ticket text: what happened and the platform's context, one fact a line. */
  static String text(Notice n) {
    var s = n.signal().signal();
    var e = n.signal().enrichment();
    Incident i = n.incident();
    StringBuilder b = new StringBuilder();
    b.append("Incident ").append(i.id()).append(": ").append(n.change().wire())
        .append(" (").append(i.state().wire()).append(i.flapping() ? ", flapping" : "")
        .append(", ").append(i.firingCount()).append(" firing)\n");
    b.append(s.title()).append(": ").append(s.summary()).append(" [").append(s.status().wire())
        .append(" at ").append(s.time()).append("]\n\n");
    line(b, "Application", e.app() == null ? null : e.app() + " in " + e.environment());
    line(b, "Team", e.team());
    line(b, "Owner", e.owner());
    line(b, "On call", e.onCall());
    line(b, "Runbook", e.runbook());
    line(b, "Tier", e.tier());
    line(b, "Cluster", e.cluster());
    line(b, "Revision", e.revision() == null ? null : e.revision() + " deployed "
        + e.lastDeployAt() + " by " + e.lastDeployBy());
    b.append("Enrichment: ").append(e.level().wire());
    if (!e.missing().isEmpty()) {
      b.append(" (missing ").append(String.join(", ", e.missing())).append(')');
    }
    b.append('\n');
    return b.toString();
  }

  /** The ticket's title: the incident's title and where. */
  static String title(Notice n) {
    var e = n.signal().enrichment();
    return n.incident().title() + (e.app() != null ? " in " + e.app() + "/" + e.environment()
        : "");
  }

  private static void line(StringBuilder b, String k, String v) {
    if (v != null) {
      b.append(k).append(": ").append(v).append('\n');
    }
  }
}
