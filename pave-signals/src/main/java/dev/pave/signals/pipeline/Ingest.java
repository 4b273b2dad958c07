package dev.pave.signals.pipeline;

import dev.pave.signals.Signal;
import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.enrich.Catalog;
import dev.pave.signals.enrich.EnrichedSignal;
import dev.pave.signals.enrich.Enricher;
import dev.pave.signals.incident.Change;
import dev.pave.signals.incident.Incident;
import dev.pave.signals.incident.IncidentRules;
import dev.pave.signals.incident.Incidents;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.store.Store;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Persist first, acknowledge after. Intakes hand signals to a bounded queue; one writer takes
 * whatever is waiting, and in one transaction drops known duplicates, enriches, steps the
 * incidents, and writes journal, timeline, incidents and outbox. Only after the commit are the
 * callers answered. A full queue is refused at once (429) instead of accepted and dropped.
 *
 * <p>Any number of replicas may write to one database at once. Each transaction locks the
 * incidents its signals step (PostgreSQL advisory locks held until commit, see
 * {@link Store#lockIncidents}) and reads their state after taking the lock, so replicas take
 * turns per incident and never step a stale copy. Two replicas committing the same alert at
 * once collide on the journal's unique de-duplication key; the loser writes its batch again
 * and finds the alert known.
 */
public final class Ingest implements AutoCloseable {
  /** What happened to one submission. */
  public record Outcome(int accepted, int duplicates) {}

  private record Batch(List<Signal> signals, Instant receivedAt,
      CompletableFuture<Outcome> done) {}

  private static final int MAX_BATCH = 4000;
  /** Writes of one batch lost to a concurrent replica before the callers are answered 503. */
  private static final int CONFLICT_RETRIES = 8;

  private final Store store;
  private final Supplier<Catalog> catalog;
  private final IncidentRules rules;
  private volatile Router router;
  private final java.util.function.Consumer<List<EnrichedSignal>> committed;
  private final Clock clock;
  private final Duration ackTimeout;
  private final int capacity;
  private final BlockingQueue<Batch> queue;
  private final AtomicInteger queued = new AtomicInteger();
  private final Thread writer;
  private final Runnable onCommit;
  private final java.util.function.Consumer<String> log;
  private volatile boolean running = true;

  /**
   * {@code committed} is told of the signals of each commit (for the metrics), after the
   * callers were answered. {@code log} gets a line per failed commit, without data or SQL.
   */
  public Ingest(Store store, Supplier<Catalog> catalog, IncidentRules rules, Router router,
      Clock clock, int capacity, Duration ackTimeout, Runnable onCommit,
      java.util.function.Consumer<List<EnrichedSignal>> committed,
      java.util.function.Consumer<String> log) {
    this.log = log;
    this.store = store;
    this.catalog = catalog;
    this.rules = rules;
    this.router = router;
    this.committed = committed;
    this.clock = clock;
    this.capacity = capacity;
    this.ackTimeout = ackTimeout;
    this.onCommit = onCommit;
    this.queue = new ArrayBlockingQueue<>(Math.max(16, capacity));
    this.writer = new Thread(this::run, "pave-signals-journal");
    this.writer.setDaemon(true);
  }

  public void start() {
    writer.start();
  }

  /**
   * Submits signals and waits until they are committed. Throws {@link Overloaded} when the
   * queue is full (nothing was taken) or when the commit did not happen in time (the sender
   * retries; a commit that did happen makes the retry a duplicate).
   */
  public Outcome submit(List<Signal> signals) {
    if (signals.isEmpty()) {
      return new Outcome(0, 0);
    }
    if (!running) {
      throw new Overloaded("shutting down", Overloaded.Reason.SHUTTING_DOWN);
    }
    if (queued.addAndGet(signals.size()) > capacity) {
      queued.addAndGet(-signals.size());
      throw new Overloaded("intake queue full (" + capacity + " signals waiting for the"
          + " journal)", Overloaded.Reason.QUEUE_FULL);
    }
    Batch b = new Batch(signals, clock.instant(), new CompletableFuture<>());
    if (!queue.offer(b)) {
      queued.addAndGet(-signals.size());
      throw new Overloaded("intake queue full", Overloaded.Reason.QUEUE_FULL);
    }
    try {
      return b.done().get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new Overloaded("the journal did not commit within " + ackTimeout,
          Overloaded.Reason.COMMIT_TIMEOUT);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Unstorable u) {
        throw new Unstorable();
      }
      // The cause's text can hold the statement and the values: it was logged without them.
      throw new Overloaded("the journal is not available", Overloaded.Reason.JOURNAL_UNAVAILABLE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Overloaded("interrupted", Overloaded.Reason.INTERRUPTED);
    }
  }

  /** Routes the signals of the next commits with this router (sinks changed). */
  public void routing(Router r) {
    this.router = r;
  }

  public Router router() {
    return router;
  }

  /** Signals waiting for the journal now. */
  public int queued() {
    return queued.get();
  }

  private void run() {
    Instant lastTick = clock.instant();
    while (running || !queue.isEmpty()) {
      List<Batch> batches = new ArrayList<>();
      try {
        Batch first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first != null) {
          batches.add(first);
          int n = first.signals().size();
          while (n < MAX_BATCH) {
            Batch next = queue.poll();
            if (next == null) {
              break;
            }
            batches.add(next);
            n += next.signals().size();
          }
        }
      } catch (InterruptedException e) {
        break;
      }
      Instant now = clock.instant();
      boolean tick = Duration.between(lastTick, now).compareTo(Duration.ofSeconds(15)) >= 0;
      if (batches.isEmpty() && !tick) {
        continue;
      }
      try {
        commit(batches, tick, now);
        if (tick) {
          lastTick = now;
        }
      } catch (Exception e) {
        if (!requestProblem(e)) {
          // The database itself failed: every caller answers 503 so senders retry.
          log.accept("journal: commit failed (" + describe(e) + "); " + batches.size()
              + " request(s) answered 503");
          batches.forEach(b -> fail(b, e));
          sleepQuietly(200);
          continue;
        }
        // What one request carried failed the group: each request goes again alone, so the
        // others are committed and only the one whose data the journal refuses is refused.
        for (Batch b : batches) {
          try {
            commit(List.of(b), false, now);
          } catch (Exception alone) {
            boolean refused = requestProblem(alone);
            log.accept("journal: " + (refused ? "refused a request of " : "commit failed for ")
                + b.signals().size() + " signal(s) (" + describe(alone) + "); answered "
                + (refused ? "400" : "503"));
            fail(b, refused ? new Unstorable() : alone);
          }
        }
      }
    }
  }

  private void commit(List<Batch> batches, boolean tick, Instant now) throws SQLException {
    List<EnrichedSignal> fresh = new ArrayList<>();
    List<Outcome> outcomes = writeRetrying(batches, tick, now, fresh);
    for (int i = 0; i < batches.size(); i++) {
      queued.addAndGet(-batches.get(i).signals().size());
      batches.get(i).done().complete(outcomes.get(i));
    }
    onCommit.run();
    committed.accept(fresh);
  }

  private void fail(Batch b, Exception e) {
    queued.addAndGet(-b.signals().size());
    b.done().completeExceptionally(e);
  }

  /**
   * Whether the failure came from what was written rather than from the database: a data
   * exception (SQLSTATE class 22, e.g. text PostgreSQL cannot hold), an integrity violation
   * (23), a program limit (54, e.g. an index row too large), or an error of the writer's own
   * code on unusual input. Connection losses, timeouts and the like are not.
   */
  static boolean requestProblem(Throwable e) {
    if (!(e instanceof SQLException)) {
      return e instanceof RuntimeException;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        for (SQLException n = s; n != null; n = n.getNextException()) {
          String state = n.getSQLState();
          if (state != null && (state.startsWith("22") || state.startsWith("23")
              || state.startsWith("54"))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Whether another replica's transaction got in the way: it committed an alert of this batch
   * first (unique violation of the de-duplication key, SQLSTATE 23505), or PostgreSQL broke a
   * lock cycle (40P01) or a serialization conflict (40001). Writing again resolves it.
   */
  static boolean concurrentWriter(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        for (SQLException n = s; n != null; n = n.getNextException()) {
          String state = n.getSQLState();
          if ("23505".equals(state) || "40P01".equals(state) || "40001".equals(state)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private List<Outcome> writeRetrying(List<Batch> batches, boolean tick, Instant now,
      List<EnrichedSignal> fresh) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        return write(batches, tick, now, fresh);
      } catch (SQLException e) {
        if (!concurrentWriter(e) || attempt >= CONFLICT_RETRIES) {
          throw e;
        }
        fresh.clear();
      }
    }
  }

  /** The kind of failure for the log: class and SQLSTATE, never the message (it has values). */
  private static String describe(Throwable e) {
    String state = e instanceof SQLException s ? s.getSQLState() : null;
    if (e instanceof SQLException s && s.getNextException() != null
        && s.getNextException().getSQLState() != null) {
      state = s.getNextException().getSQLState();
    }
    return e.getClass().getSimpleName() + (state == null ? "" : ", SQLSTATE " + state);
  }

  private List<Outcome> write(List<Batch> batches, boolean tick, Instant now,
      List<EnrichedSignal> fresh) throws SQLException {
    try (Connection c = store.connection()) {
      c.setAutoCommit(false);
      try {
        List<String> keys = new ArrayList<>();
        for (Batch b : batches) {
          for (Signal s : b.signals()) {
            keys.add(s.dedupKey());
          }
        }
        Set<String> seen = store.known(c, keys);
        Catalog cat = catalog.get();
        List<Store.Accepted> accepted = new ArrayList<>();
        List<Instant> received = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        for (Batch b : batches) {
          int ok = 0;
          int dup = 0;
          for (Signal s : b.signals()) {
            if (!seen.add(s.dedupKey())) {
              dup++;
              continue;
            }
            ok++;
            fresh.add(Enricher.enrich(s, cat, now));
            received.add(b.receivedAt());
          }
          outcomes.add(new Outcome(ok, dup));
        }
        Set<String> locked = new HashSet<>();
        for (EnrichedSignal e : fresh) {
          if (e.signal().opensIncident()) {
            locked.add(Incidents.key(e));
          }
        }
        List<String> quietKeys = tick ? store.flappingResolvedKeys(c) : List.of();
        locked.addAll(quietKeys);
        // Read after the lock: another replica may have stepped these incidents a moment ago,
        // so no state is kept between transactions.
        store.lockIncidents(c, locked);
        Map<String, Incident> cache = store.incidents(c, locked);
        // Step each incident once over all its signals of this batch, in order.
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < fresh.size(); i++) {
          if (fresh.get(i).signal().opensIncident()) {
            byKey.computeIfAbsent(Incidents.key(fresh.get(i)), k -> new ArrayList<>()).add(i);
          }
        }
        Incidents.Step[] steps = new Incidents.Step[fresh.size()];
        Map<String, Incident> changed = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : byKey.entrySet()) {
          List<EnrichedSignal> signals = new ArrayList<>();
          e.getValue().forEach(i -> signals.add(fresh.get(i)));
          Incidents.Steps r = Incidents.applyAll(cache.get(e.getKey()), signals, rules, now);
          for (int j = 0; j < signals.size(); j++) {
            steps[e.getValue().get(j)] = r.steps().get(j);
          }
          if (r.last() != null) {
            cache.put(e.getKey(), r.last());
            changed.put(e.getKey(), r.last());
          }
        }
        for (int i = 0; i < fresh.size(); i++) {
          Notice notice = steps[i] == null ? new Notice(fresh.get(i), null, Change.NONE)
              : new Notice(fresh.get(i), steps[i].incident(), steps[i].change());
          accepted.add(new Store.Accepted(notice, received.get(i), outgoing(notice)));
        }
        if (tick) {
          for (Incident flapping : store.flappingResolved(c)) {
            if (!locked.contains(flapping.key())) {
              // It became flapping and resolved after the keys were read: not locked, so left
              // for the next tick.
              continue;
            }
            Incidents.Step step = Incidents.tick(cache.getOrDefault(flapping.key(), flapping),
                rules, now);
            if (step != null) {
              cache.put(flapping.key(), step.incident());
              changed.put(flapping.key(), step.incident());
              Notice quiet = quietNotice(c, step);
              accepted.add(new Store.Accepted(quiet, now, outgoing(quiet)));
            }
          }
        }
        long[] seqs = store.writeJournal(c, accepted);
        store.saveIncidents(c, changed.values());
        store.enqueue(c, accepted, seqs, now);
        c.commit();
        return outcomes;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * A flapping incident that went quiet resolves without a new signal: sinks are told with the
   * incident's last signal, re-identified so receivers do not take it for a repeat.
   */
  private Notice quietNotice(Connection c, Incidents.Step step) throws SQLException {
    Incident i = step.incident();
    try (var ps = c.prepareStatement("select notice from journal where incident_id = ?"
        + " order by seq desc limit 1")) {
      ps.setString(1, i.id());
      try (var rs = ps.executeQuery()) {
        if (rs.next()) {
          Notice last = dev.pave.signals.store.Codec.notice(rs.getString(1));
          Signal s = last.signal().signal();
          String dedup = "tick|" + i.id() + "|" + i.version();
          Signal resolved = new Signal(dev.pave.signals.Ids.signalId(dedup), s.type(),
              dev.pave.signals.Status.RESOLVED, s.severity(), clock.instant(), s.title(),
              "stopped flapping and stayed resolved", s.labels(), s.annotations(), s.subject(),
              s.origin(), dedup, s.group());
          return new Notice(new EnrichedSignal(resolved, last.signal().enrichment()),
              i.summary(), step.change());
        }
      }
    }
    throw new SQLException("no journal entry for incident " + i.id());
  }

  private List<Store.Outgoing> outgoing(Notice n) {
    List<Store.Outgoing> out = new ArrayList<>();
    for (SinkConfig s : router.route(n)) {
      out.add(new Store.Outgoing(s.name(), Router.lane(n.orderingKey(),
          s.delivery().partitions())));
    }
    return out;
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
