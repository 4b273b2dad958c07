package dev.pave.signals.pipeline;

import dev.pave.signals.deliver.CircuitBreaker;
import dev.pave.signals.deliver.Deliverer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;

/**
 * The pipeline's state for Prometheus, read from the counters the intake and the deliverers
 * already keep: signals waiting for the journal, and per sink what was delivered, failed and
 * dead-lettered and whether its circuit is open.
 */
public final class SignalsMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public SignalsMetrics(Ingest ingest, List<Deliverer> deliverers, Clock clock) {
    Gauge.builder("pave_signals_journal_queue", ingest, Ingest::queued)
        .description("Signals accepted by the intake and waiting for the journal's commit")
        .register(registry);
    for (Deliverer d : deliverers) {
      String sink = d.sinkName();
      FunctionCounter.builder("pave_signals_delivered", d, Deliverer::delivered)
          .description("Notices delivered, by sink").tag("sink", sink).register(registry);
      FunctionCounter.builder("pave_signals_delivery_failures", d, Deliverer::failed)
          .description("Delivery attempts that failed and will be retried, by sink")
          .tag("sink", sink).register(registry);
      FunctionCounter.builder("pave_signals_dead_lettered", d, Deliverer::dead)
          .description("Notices moved to dead letters, by sink").tag("sink", sink)
          .register(registry);
      Gauge.builder("pave_signals_circuit_open", d, x -> x.breaker().state(clock.instant())
          == CircuitBreaker.State.CLOSED ? 0 : 1)
          .description("1 while the sink's circuit breaker holds deliveries back")
          .tag("sink", sink).register(registry);
    }
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
