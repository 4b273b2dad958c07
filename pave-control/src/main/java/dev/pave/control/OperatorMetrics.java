package dev.pave.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;

/**
 * The operator's Prometheus metrics: reconcile durations, applies by outcome, drift found and
 * corrected, rollbacks, and errors by reason. One registry, scraped at /metrics.
 */
public final class OperatorMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer reconcile = Timer.builder("pave_reconcile")
      .description("Time to reconcile one Application").publishPercentileHistogram()
      .register(registry);

  private final java.util.concurrent.atomic.AtomicInteger queued =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger running =
      new java.util.concurrent.atomic.AtomicInteger();

  {
    io.micrometer.core.instrument.Gauge.builder("pave_reconcile_queue_depth", queued::get)
        .description("Applications waiting for a worker").register(registry);
    io.micrometer.core.instrument.Gauge.builder("pave_reconciles_in_flight", running::get)
        .description("Applications being reconciled now").register(registry);
  }

  /** What the operator framework reports about its queue, for the gauges above. */
  public io.javaoperatorsdk.operator.api.monitoring.Metrics framework() {
    return new io.javaoperatorsdk.operator.api.monitoring.Metrics() {
      @Override
      public void reconciliationSubmitted(io.fabric8.kubernetes.api.model.HasMetadata r,
          io.javaoperatorsdk.operator.api.reconciler.RetryInfo retry,
          java.util.Map<String, Object> metadata) {
        queued.incrementAndGet();
      }

      @Override
      public void reconciliationStarted(io.fabric8.kubernetes.api.model.HasMetadata r,
          java.util.Map<String, Object> metadata) {
        queued.updateAndGet(n -> Math.max(0, n - 1));
        running.incrementAndGet();
      }

      @Override
      public void reconciliationFinished(io.fabric8.kubernetes.api.model.HasMetadata r,
          io.javaoperatorsdk.operator.api.reconciler.RetryInfo retry,
          java.util.Map<String, Object> metadata) {
        running.updateAndGet(n -> Math.max(0, n - 1));
      }
    };
  }

  public void reconciled(Duration took) {
    reconcile.record(took);
  }

  public void applied(Applier.Result r) {
    Counter.builder("pave_applies").description("Objects applied, by outcome")
        .tag("action", r.action().name().toLowerCase(Locale.ROOT)).tag("kind", r.kind())
        .register(registry).increment();
    if (!r.drift().isEmpty()) {
      Counter.builder("pave_drift_fields").description("Fields found drifted, by outcome")
          .tag("corrected", String.valueOf(r.action() == Applier.Action.UPDATED))
          .register(registry).increment(r.drift().size());
    }
  }

  public void rolledBack(String trigger) {
    Counter.builder("pave_rollbacks").description("Rollbacks, by trigger")
        .tag("trigger", trigger).register(registry).increment();
  }

  /** An admission decision that was recorded: a denial, or one an exception let through. */
  public void admission(boolean allowed, boolean excepted) {
    Counter.builder("pave_admission_decisions").description("Recorded admission decisions")
        .tag("allowed", String.valueOf(allowed)).tag("excepted", String.valueOf(excepted))
        .register(registry).increment();
  }

  public void error(String reason) {
    Counter.builder("pave_reconcile_errors").description("Reconciles that ended in an error")
        .tag("reason", reason).register(registry).increment();
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
