package dev.pave.signals.pipeline;

import dev.pave.signals.config.SignalsConfig;
import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.deliver.Deliverer;
import dev.pave.signals.deliver.PagerDutySink;
import dev.pave.signals.deliver.RequestTrackerSink;
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
  private final AtomicReference<Catalog> catalog;
  private final Ingest ingest;
  private final List<Deliverer> deliverers;
  private final IntakeServer server;
  private final ScheduledExecutorService housekeeping;
  private final List<AutoCloseable> extras = new ArrayList<>();

  private Pipeline(SignalsConfig config, Database database, Store store,
      AtomicReference<Catalog> catalog, Ingest ingest, List<Deliverer> deliverers,
      IntakeServer server, ScheduledExecutorService housekeeping) {
    this.config = config;
    this.database = database;
    this.store = store;
    this.catalog = catalog;
    this.ingest = ingest;
    this.deliverers = deliverers;
    this.server = server;
    this.housekeeping = housekeeping;
  }

  /** Opens the database (embedded or by URL), starts delivery, then opens the intake. */
  public static Pipeline start(SignalsConfig cfg, Database database, Clock clock,
      Consumer<String> log) throws Exception {
    Store store = new Store(database.dataSource());
    AtomicReference<Catalog> catalog = new AtomicReference<>(
        new Catalog(cfg.catalog().applications()));
    List<Deliverer> deliverers = new ArrayList<>();
    for (SinkConfig s : cfg.sinks()) {
      deliverers.add(new Deliverer(sink(s, store, clock), s, store, clock, log));
    }
    Router router = new Router(cfg.routes(), cfg.sinks());
    Ingest ingest = new Ingest(store, catalog::get, cfg.incidents(), router, cfg.sinks(), clock,
        cfg.intake().queue(), cfg.intake().ackTimeout(),
        () -> deliverers.forEach(Deliverer::wake));
    ingest.start();
    deliverers.forEach(Deliverer::start);
    SignalsMetrics metrics = new SignalsMetrics(ingest, deliverers, clock);
    IntakeServer server = new IntakeServer(cfg.intake(), ingest, store, clock,
        metrics::scrape).start();
    ScheduledExecutorService hk = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "pave-signals-retention");
      t.setDaemon(true);
      return t;
    });
    hk.scheduleWithFixedDelay(() -> {
      try {
        var removed = store.expire(clock.instant().minus(cfg.retention()));
        if (removed.values().stream().anyMatch(n -> n > 0)) {
          log.accept("retention: removed " + removed);
        }
      } catch (Exception e) {
        log.accept("retention failed: " + e.getMessage());
      }
    }, 1, 60, TimeUnit.MINUTES);
    return new Pipeline(cfg, database, store, catalog, ingest, deliverers, server, hk);
  }

  static Sink sink(SinkConfig s, Store store, Clock clock) {
    if (s instanceof SinkConfig.Webhook w) {
      return new WebhookSink(w, clock);
    } else if (s instanceof SinkConfig.Syslog y) {
      return new SyslogSink(y, VERSION);
    } else if (s instanceof SinkConfig.RequestTracker rt) {
      return new RequestTrackerSink(rt, store);
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
