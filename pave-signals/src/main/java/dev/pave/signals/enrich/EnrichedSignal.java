package dev.pave.signals.enrich;

import dev.pave.signals.Signal;

/** A signal with the platform's context. */
public record EnrichedSignal(Signal signal, Enrichment enrichment) {}
