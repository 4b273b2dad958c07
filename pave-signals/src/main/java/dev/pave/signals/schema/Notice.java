package dev.pave.signals.schema;

import dev.pave.signals.enrich.EnrichedSignal;
import dev.pave.signals.incident.Change;
import dev.pave.signals.incident.Incident;

/**
 * What a sink is told: an enriched signal, and the incident it belongs to as it stood right
 * after the signal (null for signals outside incidents), with what the signal changed.
 */
public record Notice(EnrichedSignal signal, Incident incident, Change change) {

  /** The key deliveries are ordered by: the incident, else the application and environment. */
  public String orderingKey() {
    if (incident != null) {
      return incident.id();
    }
    var e = signal.enrichment();
    return e.app() != null ? e.app() + "/" + e.environment() : signal.signal().id();
  }
}
