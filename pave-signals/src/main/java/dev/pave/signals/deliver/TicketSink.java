package dev.pave.signals.deliver;

import dev.pave.signals.incident.Change;
import dev.pave.signals.incident.Incident;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.store.Store;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;

/**
 * Exactly one ticket per incident, for every ITSM system. The ticket of an incident and the
 * newest incident version applied to it are recorded; an older or repeated notice changes
 * nothing.
 *
 * <p>A create is never sent blindly. Before it goes, its intent is claimed in the database
 * ({@code ticket_attempts}: this sink, this incident, sent at T) with a conditional write that
 * only one delivery can win, also across processes sharing the database. Whoever does not win,
 * and every later delivery while no ticket is recorded (after a timeout, a lost answer, a
 * {@code kill -9}), waits until the tracker's settle window after T has passed, searches the
 * system by the incident's correlation id, and creates again only if the search is still empty
 * then. The window is bounded by the tracker ({@link Tracker#settle}): long enough for a create
 * the client gave up on to be committed and searchable.
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
    if (attempted != null) {
      waitForSettle(attempted);
    }
    String ticket = stored != null ? stored.ticket() : tracker.find(i);
    boolean fresh = false;
    if (ticket == null) {
      Instant now = clock.instant();
      boolean claimed;
      try {
        claimed = store.claimCreate(name, i.id(), attempted, now);
      } catch (SQLException e) {
        throw new DeliveryException(name + ": create intent not recorded: " + e.getMessage(),
            false);
      }
      if (!claimed) {
        // Another delivery (this process or another sharing the database) recorded a ticket
        // or claimed the create since we read: its create is the one that counts.
        throw DeliveryException.notBefore(name + ": another delivery is creating the ticket"
            + " of incident " + i.id() + "; searching again after " + settleEnd(now),
            settleEnd(now));
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

  /** A create was sent at {@code attempted} without a recorded outcome: wait out its window. */
  private void waitForSettle(Instant attempted) throws DeliveryException {
    Instant trusted = settleEnd(attempted);
    if (clock.instant().isBefore(trusted)) {
      throw DeliveryException.notBefore(name + ": a ticket create sent at " + attempted
          + " may have succeeded; searching again after " + trusted, trusted);
    }
  }

  private Instant settleEnd(Instant attempted) {
    return attempted.plus(tracker.settle());
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
