package dev.pave.signals.deliver;

import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.incident.Change;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Drains one sink's outbox. Each lane is a thread that takes the lane's oldest notices in order
 * and delivers them; a notice that fails blocks the later notices of the same ordering key
 * (the incident) until it is delivered or dead-lettered, while other incidents go on. Failures
 * back off exponentially with jitter; the circuit breaker stops calls to a sink that keeps
 * failing; notices past their attempts or age, or refused for good, become dead letters.
 *
 * <p>Replicas on one database share a sink's lanes through leases ({@link Store#leaseLane}): a
 * lane is drained only by the replica holding its lease, which renews it while it runs, so the
 * notices of one incident go out in order from one replica at a time. A replica that dies
 * stops renewing, and after {@link #LEASE} another takes its lanes; what the dead one had sent
 * but not yet marked delivered goes out again, with the same ids.
 */
public final class Deliverer implements AutoCloseable {
  private static final int PAGE = 256;
  /** How long a lane stays with a replica that stopped renewing (kill -9, lost node). */
  public static final Duration LEASE = Duration.ofSeconds(15);
  /** How often a held lease is renewed, and how often a lane held elsewhere is asked for. */
  private static final long RENEW_NANOS = LEASE.toNanos() / 3;

  private final Sink sink;
  private final SinkConfig cfg;
  private final Store store;
  private final Clock clock;
  private final Backoff backoff;
  private final CircuitBreaker breaker;
  private final List<Thread> lanes = new ArrayList<>();
  private final Object wake = new Object();
  private final Random random = new Random();
  private final Consumer<String> log;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dead = new AtomicLong();
  private final DeliveryObserver observer;
  private volatile boolean running = true;
  /** This deliverer's name in the lane leases: the host (pod) and pid, and a random part. */
  private final String owner = ownerName();
  /** Per lane, System.nanoTime() of the last renewal that held, or null when not held. */
  private final Map<Integer, Long> renewed = new ConcurrentHashMap<>();
  /** Per lane held elsewhere, System.nanoTime() of the last ask. */
  private final Map<Integer, Long> lastAsked = new ConcurrentHashMap<>();
  /** Live replicas of this sink as last counted, and System.nanoTime() of the count. */
  private final long[] members = new long[2];

  public Deliverer(Sink sink, SinkConfig cfg, Store store, Clock clock, Consumer<String> log) {
    this(sink, cfg, store, clock, log, DeliveryObserver.NONE);
  }

  public Deliverer(Sink sink, SinkConfig cfg, Store store, Clock clock, Consumer<String> log,
      DeliveryObserver observer) {
    this.observer = observer;
    this.sink = sink;
    this.cfg = cfg;
    this.store = store;
    this.clock = clock;
    this.log = log;
    var d = cfg.delivery();
    this.backoff = new Backoff(d.initialBackoff(), d.maxBackoff());
    this.breaker = new CircuitBreaker(d.breakerFailures(), d.breakerOpenFor());
  }

  public void start() {
    for (int lane = 0; lane < cfg.delivery().partitions(); lane++) {
      int l = lane;
      Thread t = new Thread(() -> run(l), "pave-signals-" + cfg.name() + "-" + lane);
      t.setDaemon(true);
      lanes.add(t);
      t.start();
    }
  }

  /** Tells the lanes new notices are waiting. */
  public void wake() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  public long delivered() {
    return delivered.get();
  }

  /** The sink's name from the configuration. */
  public String sinkName() {
    return cfg.name();
  }

  /** Where this sink's outbox and dead letters are (for the backlog gauges). */
  public Store store() {
    return store;
  }

  public long failed() {
    return failed.get();
  }

  public long dead() {
    return dead.get();
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  /** The configuration this deliverer was started with. */
  public SinkConfig config() {
    return cfg;
  }

  private static String ownerName() {
    String host = System.getenv("HOSTNAME");
    return (host == null || host.isBlank() ? "local" : host) + "/" + ProcessHandle.current().pid()
        + "/" + Long.toHexString(new Random().nextLong() & 0xffffffffL);
  }

  /** The name this deliverer holds lane leases under. */
  public String owner() {
    return owner;
  }

  /**
   * Whether this deliverer holds the lane now, renewing the lease when a third of it has
   * passed (so a lane held elsewhere is asked for every few seconds, not on every wake-up).
   * It takes a free lane only while it holds less than its share, and gives back its highest
   * lane while it holds more, so the replicas of a sink end up with about as many lanes each.
   * Only the lane's own thread calls this, between rounds, so a lane is never given back in
   * the middle of a send.
   */
  boolean holds(int lane) throws Exception {
    Long last = renewed.get(lane);
    long now = System.nanoTime();
    if (last != null && now - last < RENEW_NANOS) {
      return true;
    }
    if (last == null && lastAsked.containsKey(lane) && now - lastAsked.get(lane) < RENEW_NANOS) {
      return false;
    }
    lastAsked.put(lane, now);
    int share = share(now);
    if (last != null && renewed.size() > share
        && lane == renewed.keySet().stream().max(Integer::compare).orElse(lane)) {
      renewed.remove(lane);
      store.releaseLane(cfg.name(), lane, owner);
      log.accept(cfg.name() + ": lane " + lane + " given back (share " + share + ")");
      return false;
    }
    if (last == null && renewed.size() >= share) {
      return false;
    }
    if (store.leaseLane(cfg.name(), lane, owner, LEASE)) {
      if (last == null) {
        log.accept(cfg.name() + ": lane " + lane + " taken by " + owner);
      }
      renewed.put(lane, now);
      return true;
    }
    if (last != null) {
      log.accept(cfg.name() + ": lane " + lane + " lost its lease; another replica drains it");
    }
    renewed.remove(lane);
    return false;
  }

  /** This deliverer's share of the lanes: all of them divided by the live replicas. */
  private int share(long now) throws Exception {
    synchronized (members) {
      if (now - members[1] >= RENEW_NANOS || members[0] == 0) {
        members[0] = store.members(cfg.name(), owner, LEASE);
        members[1] = now;
      }
      int lanes = cfg.delivery().partitions();
      return (int) ((lanes + members[0] - 1) / members[0]);
    }
  }

  private void run(int lane) {
    while (running) {
      boolean busy;
      try {
        busy = holds(lane) && round(lane);
      } catch (Exception e) {
        log.accept(cfg.name() + ": outbox not readable: " + e.getMessage());
        busy = false;
      }
      if (!busy && running) {
        synchronized (wake) {
          try {
            wake.wait(200);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }
  }

  /**
   * One pass over the lane's oldest notices; true when something was delivered. When a whole
   * page belongs to held-back incidents, the next page is read, so one stuck incident does not
   * starve the others of its lane.
   */
  boolean round(int lane) throws Exception {
    if (breaker.state(clock.instant()) == CircuitBreaker.State.OPEN) {
      return false;
    }
    Set<String> blocked = new HashSet<>();
    long after = 0;
    // A page holds at least one full batch.
    int fetch = Math.max(PAGE, sink.batchSize());
    for (int page = 0; page < 64 && running; page++) {
      List<Store.Pending> pending = store.pending(cfg.name(), lane, after, fetch);
      if (pending.isEmpty()) {
        return false;
      }
      int delivered = page(pending, blocked);
      if (delivered > 0 || pending.size() < fetch || !breaker.allow(clock.instant())) {
        return delivered > 0;
      }
      breaker.release();
      after = pending.get(pending.size() - 1).seq();
      if (!holds(lane)) {
        return false;
      }
    }
    return false;
  }

  private int page(List<Store.Pending> pending, Set<String> blocked) throws Exception {
    List<Long> done = new ArrayList<>();
    java.util.Map<String, Integer> last = new java.util.HashMap<>();
    for (int i = 0; i < pending.size(); i++) {
      last.put(pending.get(i).orderingKey(), i);
    }
    // Read the notices only of rows that can go now: the first due row of each free key and
    // what follows it (a failure stops its key), not of rows held back.
    Set<String> seenBlocked = new HashSet<>(blocked);
    List<Long> wanted = new ArrayList<>();
    Instant first = clock.instant();
    for (Store.Pending p : pending) {
      if (seenBlocked.contains(p.orderingKey())) {
        continue;
      }
      if (p.nextAttemptAt().isAfter(first)) {
        seenBlocked.add(p.orderingKey());
        continue;
      }
      wanted.add(p.seq());
    }
    java.util.Map<Long, Notice> notices = store.notices(wanted);
    // Notices go out in runs of up to the sink's batch size, in order. A held-back incident
    // stays out of every run, so none of its notices overtakes the one it waits for.
    List<Store.Pending> run = new ArrayList<>();
    List<Notice> runNotices = new ArrayList<>();
    int batch = Math.max(1, sink.batchSize());
    try {
      for (int index = 0; index < pending.size(); index++) {
        Store.Pending p = pending.get(index);
        if (!running) {
          break;
        }
        if (blocked.contains(p.orderingKey())) {
          continue;
        }
        Instant now = clock.instant();
        if (p.nextAttemptAt().isAfter(now) || !notices.containsKey(p.seq())) {
          blocked.add(p.orderingKey());
          continue;
        }
        Notice notice = notices.get(p.seq());
        if (cfg.incidentsOnly() && notice.change() == Change.UPDATED
            && last.get(p.orderingKey()) > index) {
          // A ticket shows the incident's state: a plain update followed by a newer notice of
          // the same incident adds nothing the newer one does not carry.
          done.add(p.seq());
          delivered.incrementAndGet();
          continue;
        }
        if (run.isEmpty() && !breaker.allow(now)) {
          break;
        }
        run.add(p);
        runNotices.add(notice);
        if (run.size() >= batch) {
          send(run, runNotices, done, blocked);
          run.clear();
          runNotices.clear();
        }
      }
      if (!run.isEmpty() && running) {
        send(run, runNotices, done, blocked);
      }
    } finally {
      store.delivered(done);
    }
    return done.size();
  }

  /** Delivers one run; on failure each of its notices is retried or dead-lettered. */
  private void send(List<Store.Pending> run, List<Notice> notices, List<Long> done,
      Set<String> blocked) throws Exception {
    long started = System.nanoTime();
    try {
      sink.deliverAll(notices);
      breaker.success();
      Instant at = clock.instant();
      Duration call = Duration.ofNanos(System.nanoTime() - started);
      for (Store.Pending p : run) {
        done.add(p.seq());
        delivered.incrementAndGet();
        observer.delivered(Duration.between(p.createdAt(), at), call);
        call = null;
      }
    } catch (DeliveryException e) {
      if (e.notBefore() != null) {
        // Told when to come back (Retry-After, or a ticket search that has to settle): not a
        // failure of the destination, and a half-open trial is given back.
        breaker.release();
        for (int i = 0; i < run.size(); i++) {
          failed(run.get(i), notices.get(i), e, done, blocked);
        }
        return;
      }
      observer.failed(Duration.ofNanos(System.nanoTime() - started));
      if (e.permanent()) {
        // The destination answered, so it is up: a half-open trial ends here too.
        breaker.success();
      } else {
        // One failed call, however many notices it carried.
        breaker.failure(clock.instant());
      }
      if (run.size() > 1 && e.permanent()) {
        // The destination refused the request for good: find the notice it refuses by
        // sending them one at a time, so the others are not dead-lettered with it.
        for (int i = 0; i < run.size(); i++) {
          if (!blocked.contains(run.get(i).orderingKey())) {
            send(List.of(run.get(i)), List.of(notices.get(i)), done, blocked);
          }
        }
        return;
      }
      for (int i = 0; i < run.size(); i++) {
        failed(run.get(i), notices.get(i), e, done, blocked);
      }
    }
  }

  private void failed(Store.Pending p, Notice notice, DeliveryException e, List<Long> done,
      Set<String> blocked) throws Exception {
    if (e.notBefore() != null) {
      store.retryLater(p.seq(), p.attempts(), e.notBefore(), e.getMessage());
      blocked.add(p.orderingKey());
      return;
    }
    failed.incrementAndGet();
    int attempts = p.attempts() + 1;
    Instant at = clock.instant();
    boolean tooOld = Duration.between(p.createdAt(), at).compareTo(cfg.delivery().maxAge()) > 0;
    if (e.permanent() || attempts >= cfg.delivery().maxAttempts() || tooOld) {
      // Flush what went out before, so the dead letter stays behind them in order.
      store.delivered(done);
      done.clear();
      store.deadLetter(p.seq(), attempts, e.getMessage(), at);
      dead.incrementAndGet();
      observer.deadLettered();
      log.accept(cfg.name() + ": notice " + notice.signal().signal().id()
          + " moved to dead letters after " + attempts + " attempt(s): " + e.getMessage());
    } else {
      store.retryLater(p.seq(), attempts, at.plus(backoff.delay(attempts, random::nextDouble)),
          e.getMessage());
      blocked.add(p.orderingKey());
    }
  }

  @Override
  public void close() {
    running = false;
    wake();
    List<Integer> released = new java.util.ArrayList<>();
    for (int lane = 0; lane < lanes.size(); lane++) {
      Thread t = lanes.get(lane);
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // Handed over now rather than after the lease: a lane still sending keeps it instead,
      // so no other replica sends its notices at the same time.
      if (!t.isAlive() && renewed.remove(lane) != null) {
        released.add(lane);
      }
    }
    // Best effort, bounded: at process exit the database may be stopping beside this (the
    // embedded one has its own shutdown hook), and a stop must not wait for the pool's
    // connection timeout; what is not released here runs out with the lease.
    Thread handOver = new Thread(() -> {
      for (int lane : released) {
        try {
          store.releaseLane(cfg.name(), lane, owner);
        } catch (Exception e) {
          log.accept(cfg.name() + ": lane " + lane + " not released, taken over after "
              + LEASE.toSeconds() + " s");
        }
      }
      try {
        store.members(cfg.name(), owner, null);
      } catch (Exception e) {
        // its membership runs out with the lease
      }
    }, "pave-signals-" + cfg.name() + "-handover");
    handOver.setDaemon(true);
    handOver.start();
    try {
      handOver.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sink.close();
  }
}
