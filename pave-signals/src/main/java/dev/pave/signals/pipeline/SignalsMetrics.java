package dev.pave.signals.pipeline;

import dev.pave.signals.deliver.CircuitBreaker;
import dev.pave.signals.deliver.Deliverer;
import dev.pave.signals.deliver.DeliveryObserver;
import dev.pave.signals.enrich.EnrichedSignal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.pave.signals.store.Store;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipeline for Prometheus: the intake (signals waiting for the journal, refusals by status
 * and reason, acknowledgement latency), enrichment outcomes, and per sink what was delivered,
 * failed and dead-lettered, how long after acceptance a notice reached the sink, how long the
 * sink's calls took, whether its circuit is open, and its outbox backlog (count, age of the
 * oldest) and dead letters as the database holds them. Sinks come and go with SignalSink
 * resources; a removed sink's series go with it.
 */
public final class SignalsMetrics {
  private static final Duration[] ACK_BUCKETS = millis(1, 2, 5, 10, 20, 50, 100, 200, 500,
      1000, 2000, 5000, 10_000);
  private static final Duration[] LATENCY_BUCKETS = millis(10, 50, 100, 500, 1000, 5000,
      30_000, 60_000, 300_000, 1_800_000, 3_600_000);
  private static final Duration[] CALL_BUCKETS = millis(5, 10, 50, 100, 500, 1000, 5000,
      30_000);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Clock clock;
  private final Map<String, Timer> acks = new ConcurrentHashMap<>();
  private final Map<String, Counter> refused = new ConcurrentHashMap<>();
  private final Map<String, Counter> enrichment = new ConcurrentHashMap<>();
  private final Map<String, Deliverer> current = new ConcurrentHashMap<>();
  /** The outbox figures, read from the database at most once per {@link #BACKLOG_EVERY}. */
  private final Map<String, Store.Backlog> backlogs = new ConcurrentHashMap<>();
  private long backlogReadAt;
  private boolean backlogRead;
  static final Duration BACKLOG_EVERY = Duration.ofSeconds(5);

  public SignalsMetrics(Ingest ingest, Clock clock) {
    this.clock = clock;
    Gauge.builder("pave_signals_journal_queue", ingest, Ingest::queued)
        .description("Signals accepted by the intake and waiting for the journal's commit")
        .register(registry);
  }

  /** The insights' headline numbers, read from their rollups when scraped. */
  public void insights(dev.pave.signals.insights.InsightsStore store) {
    insights(store, null);
  }

  /** As {@link #insights(dev.pave.signals.insights.InsightsStore)}, with the stated costs. */
  public void insights(dev.pave.signals.insights.InsightsStore store,
      dev.pave.insights.Costs costs) {
    // Held here: gauges keep only a weak reference to what they read.
    insights = new dev.pave.signals.insights.InsightsMetrics(store, clock, costs);
    insights.register(registry);
  }

  private dev.pave.signals.insights.InsightsMetrics insights;

    /** A request answered 200 after its commit, {@code took} after it arrived. */
  public void acknowledged(String endpoint, Duration took) {
    acks.computeIfAbsent(endpoint, e -> Timer.builder("pave_signals_ack")
        .description("Time from a request's arrival to its answer after the journal's commit")
        .tag("endpoint", e).serviceLevelObjectives(ACK_BUCKETS).register(registry))
        .record(took);
  }

  /** A request refused with 429 or 503 so the sender retries. */
  public void refused(String endpoint, int status, Overloaded.Reason reason) {
    refused.computeIfAbsent(endpoint + "|" + status + "|" + reason.wire(), k -> Counter
        .builder("pave_signals_intake_refused")
        .description("Requests refused so that the sender retries, by status and reason")
        .tag("endpoint", endpoint).tag("status", String.valueOf(status))
        .tag("reason", reason.wire()).register(registry)).increment();
  }

  /** Signals newly journaled, by enrichment level and signal type. */
  public void committed(List<EnrichedSignal> signals) {
    for (EnrichedSignal s : signals) {
      String level = s.enrichment().level().wire();
      String type = s.signal().type().wire();
      enrichment.computeIfAbsent(level + "|" + type, k -> Counter
          .builder("pave_signals_enriched")
          .description("Signals journaled, by enrichment outcome (complete, partial, none)")
          .tag("enrichment", level).tag("type", type).register(registry)).increment();
    }
  }

  /** The observer a sink's deliverer reports to; the sink's series exist from now on. */
  public DeliveryObserver sink(String name) {
    Counter delivered = Counter.builder("pave_signals_delivered")
        .description("Notices delivered, by sink").tag("sink", name).register(registry);
    Counter failed = Counter.builder("pave_signals_delivery_failures")
        .description("Delivery attempts that failed and will be retried, by sink")
        .tag("sink", name).register(registry);
    Counter dead = Counter.builder("pave_signals_dead_lettered")
        .description("Notices moved to dead letters, by sink").tag("sink", name)
        .register(registry);
    Timer latency = Timer.builder("pave_signals_delivery_latency")
        .description("Time from the journal's commit to the sink taking the notice, by sink")
        .tag("sink", name).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    Timer calls = Timer.builder("pave_signals_sink_request")
        .description("Duration of calls to the sink, by sink and outcome").tag("sink", name)
        .tag("outcome", "ok").serviceLevelObjectives(CALL_BUCKETS)
        .register(registry);
    Timer failedCalls = Timer.builder("pave_signals_sink_request").tag("sink", name)
        .tag("outcome", "failed").serviceLevelObjectives(CALL_BUCKETS)
        .register(registry);
    Gauge.builder("pave_signals_outbox_backlog", backlogs, m -> {
      Store.Backlog b = m.get(name);
      return b == null ? Double.NaN : b.waiting();
    }).description("Notices waiting in the outbox for the sink (read every 5 s)")
        .tag("sink", name).register(registry);
    Gauge.builder("pave_signals_outbox_oldest_age_seconds", backlogs, m -> {
      Store.Backlog b = m.get(name);
      if (b == null) {
        return Double.NaN;
      }
      return b.oldest() == null ? 0 : Math.max(0,
          Duration.between(b.oldest(), clock.instant()).toMillis() / 1000.0);
    }).description("Age of the oldest notice waiting in the outbox for the sink; 0 when none")
        .tag("sink", name).register(registry);
    Gauge.builder("pave_signals_dead_letters", backlogs, m -> {
      Store.Backlog b = m.get(name);
      return b == null ? Double.NaN : b.deadLetters();
    }).description("Dead letters of the sink waiting for replay or retention")
        .tag("sink", name).register(registry);
    Gauge.builder("pave_signals_circuit_open", current, m -> {
      Deliverer d = m.get(name);
      return d == null || d.breaker().state(clock.instant()) == CircuitBreaker.State.CLOSED
          ? 0 : 1;
    }).description("1 while the sink's circuit breaker holds deliveries back")
        .tag("sink", name).register(registry);
    return new DeliveryObserver() {
      @Override
      public void delivered(Duration sinceAccepted, Duration call) {
        delivered.increment();
        latency.record(sinceAccepted.isNegative() ? Duration.ZERO : sinceAccepted);
        if (call != null) {
          calls.record(call);
        }
      }

      @Override
      public void failed(Duration call) {
        failed.increment();
        failedCalls.record(call);
      }

      @Override
      public void deadLettered() {
        dead.increment();
      }
    };
  }

  /** The deliverer now serving {@code name} (for its circuit state). */
  public void running(Deliverer d) {
    current.put(d.sinkName(), d);
  }

  /** A sink was removed: its series go. */
  public void removed(String name) {
    current.remove(name);
    backlogs.remove(name);
    for (Meter m : registry.getMeters()) {
      if (name.equals(m.getId().getTag("sink"))) {
        registry.remove(m);
      }
    }
  }

  private static Duration[] millis(long... ms) {
    Duration[] out = new Duration[ms.length];
    for (int i = 0; i < ms.length; i++) {
      out[i] = Duration.ofMillis(ms[i]);
    }
    return out;
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    readBacklog();
    return registry.scrape();
  }

  /**
   * Reads each running sink's backlog when the last reading is older than
   * {@link #BACKLOG_EVERY}, so scrapes (several Prometheus servers, a curl loop) cost the
   * database a few index lookups per sink every few seconds at most. Without a database the
   * gauges have no value (NaN) rather than a stale one.
   */
  private synchronized void readBacklog() {
    long now = System.nanoTime();
    if (backlogRead && now - backlogReadAt < BACKLOG_EVERY.toNanos()) {
      return;
    }
    backlogRead = true;
    backlogReadAt = now;
    for (Deliverer d : current.values()) {
      try {
        backlogs.put(d.sinkName(), d.store().backlog(d.sinkName()));
      } catch (SQLException e) {
        backlogs.remove(d.sinkName());
      }
    }
    backlogs.keySet().retainAll(current.keySet());
  }
}
