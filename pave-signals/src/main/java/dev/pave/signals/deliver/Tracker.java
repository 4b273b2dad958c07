package dev.pave.signals.deliver;

import dev.pave.signals.incident.Incident;
import dev.pave.signals.schema.Notice;
import java.time.Duration;

/**
 * The ticket operations of one ITSM system (Request Tracker, ServiceNow, Jira). Only I/O:
 * {@link TicketSink} decides which is called when, the same way for every system.
 */
interface Tracker {
  /** The ticket carrying the incident's correlation id, the oldest if several; else null. */
  String find(Incident incident) throws DeliveryException;

  /** Opens a ticket for the incident and returns its id. */
  String create(Notice notice) throws DeliveryException;

  /** Adds what changed (a comment, a work note). */
  void update(String ticket, Notice notice) throws DeliveryException;

  /** Marks the ticket resolved. */
  void resolve(String ticket, Notice notice) throws DeliveryException;

  /** Opens a resolved ticket again. */
  void reopen(String ticket, Notice notice) throws DeliveryException;

  /**
   * How long after a create whose answer was lost the search can be trusted to show the
   * ticket. Zero for systems whose search reads what was written.
   */
  default Duration searchSettle() {
    return Duration.ZERO;
  }
}
