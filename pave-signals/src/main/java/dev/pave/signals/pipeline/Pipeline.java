package dev.pave.signals.pipeline;

import dev.pave.signals.config.SignalsConfig;
import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.deliver.Deliverer;
import dev.pave.signals.deliver.PagerDutySink;
import dev.pave.signals.deliver.TicketSink;
import dev.pave.signals.deliver.Sink;
import dev.pave.signals.deliver.SplunkHecSink;
import dev.pave.signals.deliver.SyslogSink;
import dev.pave.signals.deliver.WebhookSink;
import dev.pave.signals.enrich.Catalog;
import dev.pave.signals.http.IntakeServer;
import dev.pave.signals.store.Database;
import dev.pave.signals.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The whole pipeline wired together: database, journal writer, delivery lanes per sink, HTTP
 * intake and retention. {@code pave signals} and the sandbox both start it through
 * {@link #start}; nothing is wired anywhere else.
 */
public final class Pipeline implements AutoCloseable {
  public static final String VERSION = "0.1.0";

  private final SignalsConfig config;
  private final Database database;
  private final Store store;
  private final Clock clock;
  private final Consumer<String> log;
  private final AtomicReference<Catalog> catalog;
  private final Ingest ingest;
  private final List<Deliverer> deliverers;
  private final SignalsMetrics metrics;
  private final IntakeServer server;
  private final ScheduledExecutorService housekeeping;
  private final List<AutoCloseable> extras = new ArrayList<>();
  private List<SinkConfig> resourceSinks = List.of();
  private List<SignalsConfig.Route> resourceRoutes = List.of();

  private Pipeline(SignalsConfig config, Database database, Store store, Clock clock,
      Consumer<String> log, AtomicReference<Catalog> catalog, Ingest ingest,
      List<Deliverer> deliverers, SignalsMetrics metrics, IntakeServer server,
      ScheduledExecutorService housekeeping) {
    this.config = config;
    this.database = database;
    this.store = store;
    this.clock = clock;
    this.log = log;
    this.catalog = catalog;
    this.ingest = ingest;
    this.deliverers = deliverers;
    this.metrics = metrics;
    this.server = server;
    this.housekeeping = housekeeping;
  }

  /** Opens the database (embedded or by URL), starts delivery, then opens the intake. */
  public static Pipeline start(SignalsConfig cfg, Database database, Clock clock,
      Consumer<String> log) throws Exception {
    Store store = new Store(database.dataSource());
    AtomicReference<Catalog> catalog = new AtomicReference<>(
        new Catalog(cfg.catalog().applications()));
    List<Deliverer> deliverers = new CopyOnWriteArrayList<>();
    AtomicReference<SignalsMetrics> metricsRef = new AtomicReference<>();
    Ingest ingest = new Ingest(store, catalog::get, cfg.incidents(),
        new Router(cfg.routes(), cfg.sinks()), clock, cfg.intake().queue(),
        cfg.intake().ackTimeout(), () -> deliverers.forEach(Deliverer::wake),
        fresh -> metricsRef.get().committed(fresh), log);
    SignalsMetrics metrics = new SignalsMetrics(ingest, clock);
    metricsRef.set(metrics);
    metrics.insights(store.insights(), cfg.costs());
    for (SinkConfig s : cfg.sinks()) {
      deliverers.add(deliverer(s, store, clock, log, metrics));
    }
    ingest.start();
    deliverers.forEach(Deliverer::start);
    IntakeServer server = new IntakeServer(cfg.intake(), ingest, store, clock, metrics)
        .costs(cfg.costs()).start();
    ScheduledExecutorService hk = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "pave-signals-retention");
      t.setDaemon(true);
      return t;
    });
    hk.scheduleWithFixedDelay(() -> {
      try {
        var removed = store.expire(clock.instant().minus(cfg.retention()));
        removed.putAll(store.expireInsights(clock.instant().minus(
            dev.pave.signals.insights.InsightsStore.RETENTION)));
        if (removed.values().stream().anyMatch(n -> n > 0)) {
          log.accept("retention: removed " + removed);
        }
      } catch (Exception e) {
        log.accept("retention failed: " + e.getMessage());
      }
    }, 1, 60, TimeUnit.MINUTES);
    return new Pipeline(cfg, database, store, clock, log, catalog, ingest, deliverers, metrics,
        server, hk);
  }

  private static Deliverer deliverer(SinkConfig s, Store store, Clock clock,
      Consumer<String> log, SignalsMetrics metrics) {
    Deliverer d = new Deliverer(sink(s, store, clock), s, store, clock, log, metrics.sink(
        s.name()));
    metrics.running(d);
    return d;
  }

  /**
   * Replaces the sinks and routes that come from SignalSink resources; the configuration
   * file's stay. A sink whose configuration is unchanged keeps running; a changed one is
   * stopped and started with the new configuration (its waiting notices stay, moved to the new
   * lanes if the lane count changed); a removed one stops, and its waiting notices stay in the
   * outbox until a sink of that name returns. Resource sinks named like a file sink are
   * ignored (the caller reports them).
   */
  public synchronized void resourceSinks(List<SinkConfig> sinks, List<SignalsConfig.Route> routes)
      throws java.sql.SQLException {
    java.util.Set<String> fileNames = new java.util.HashSet<>();
    config.sinks().forEach(s -> fileNames.add(s.name()));
    List<SinkConfig> mine = sinks.stream().filter(s -> !fileNames.contains(s.name())).toList();
    if (mine.equals(resourceSinks) && routes.equals(resourceRoutes)) {
      return;
    }
    List<SinkConfig> all = new ArrayList<>(config.sinks());
    all.addAll(mine);
    List<SignalsConfig.Route> allRoutes = new ArrayList<>(config.routes());
    allRoutes.addAll(routes);
    java.util.Map<String, SinkConfig> wanted = new java.util.LinkedHashMap<>();
    mine.forEach(s -> wanted.put(s.name(), s));
    java.util.Set<String> before = new java.util.HashSet<>();
    resourceSinks.forEach(s -> before.add(s.name()));
    // Route first: no new notice goes to a removed sink; a new sink's first notices wait in the
    // outbox until its deliverer starts below.
    ingest.routing(new Router(allRoutes, all));
    for (Deliverer d : List.copyOf(deliverers)) {
      String name = d.sinkName();
      if (!before.contains(name) || d.config().equals(wanted.get(name))) {
        continue;
      }
      d.close();
      SinkConfig next = wanted.get(name);
      if (next == null) {
        metrics.removed(name);
      }
      // Only now is the sink gone from sinks(): a reader that sees it gone finds its series
      // gone too.
      deliverers.remove(d);
      if (next == null) {
        log.accept("sink " + name + " removed; its waiting notices stay in the outbox");
      } else if (next.delivery().partitions() != d.config().delivery().partitions()) {
        int lanes = next.delivery().partitions();
        store.relane(name, key -> Router.lane(key, lanes));
      }
    }
    java.util.Set<String> running = new java.util.HashSet<>();
    deliverers.forEach(d -> running.add(d.sinkName()));
    for (SinkConfig s : mine) {
      if (!running.contains(s.name())) {
        Deliverer d = deliverer(s, store, clock, log, metrics);
        deliverers.add(d);
        d.start();
        log.accept("sink " + s.name() + (before.contains(s.name()) ? " changed" : " added")
            + " (" + s.getClass().getSimpleName() + ")");
      }
    }
    resourceSinks = mine;
    resourceRoutes = List.copyOf(routes);
  }

  /** Every sink now delivering: the configuration file's and the SignalSink resources'. */
  public List<SinkConfig> sinks() {
    return deliverers.stream().map(Deliverer::config).toList();
  }

  public SignalsMetrics metrics() {
    return metrics;
  }

  static Sink sink(SinkConfig s, Store store, Clock clock) {
    TicketSink tickets = TicketSink.of(s, store, clock);
    if (tickets != null) {
      return tickets;
    } else if (s instanceof SinkConfig.Webhook w) {
      return new WebhookSink(w, clock);
    } else if (s instanceof SinkConfig.Syslog y) {
      return new SyslogSink(y, VERSION);
    } else if (s instanceof SinkConfig.SplunkHec h) {
      return new SplunkHecSink(h);
    } else if (s instanceof SinkConfig.PagerDuty p) {
      return new PagerDutySink(p);
    }
    throw new IllegalArgumentException("no sink for " + s.getClass().getSimpleName());
  }

  /** Replaces the catalog snapshot; the next signals are enriched from it. */
  public void catalog(Catalog c) {
    catalog.set(c);
  }

  public Catalog catalog() {
    return catalog.get();
  }

  /** Starts something that lives as long as the pipeline (the cluster watch) and closes with it. */
  public void attach(AutoCloseable c) {
    extras.add(c);
  }

  public int port() {
    return server.port();
  }

  public Store store() {
    return store;
  }

  public Ingest ingest() {
    return ingest;
  }

  public List<Deliverer> deliverers() {
    return deliverers;
  }

  public SignalsConfig config() {
    return config;
  }

  public Database database() {
    return database;
  }

  /** Stops taking signals, lets the journal writer finish, stops delivery. */
  @Override
  public void close() {
    for (AutoCloseable c : extras) {
      try {
        c.close();
      } catch (Exception ignored) {
        // shutting down
      }
    }
    server.close();
    ingest.close();
    deliverers.forEach(Deliverer::close);
    housekeeping.shutdownNow();
  }
}
