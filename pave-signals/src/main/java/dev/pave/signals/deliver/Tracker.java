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
   * How long after a create was sent its outcome can be trusted to show in {@link #find}: a
   * create that timed out, lost its answer or was cut off by a crash is searched for only after
   * this, and created again only if the search is still empty then. It must cover the client's
   * timeout (the create may still be on its way), the time the system may go on working on a
   * request the client gave up on, and any lag of the search behind writes.
   */
  Duration settle();

  /** The settle window of a system whose search reads what was written: three timeouts. */
  static Duration settleOf(Duration timeout) {
    // One timeout for the request the client gave up on, two more for the system to finish
    // and commit it: with the default 10 s timeout, searches resume 30 s after the create.
    return timeout.multipliedBy(3);
  }
}
