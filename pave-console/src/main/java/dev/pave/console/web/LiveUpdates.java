package dev.pave.console.web;

import io.javalin.http.sse.SseClient;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * GET /events: a server-sent event stream that says "services" whenever the index changed.
 * Pages listen with htmx and fetch their own fragment again, which reads the caches; a burst
 * of informer updates (a rollout writes status many times) becomes one event per
 * {@code coalesce} interval, so a busy cluster does not make every browser reload per update.
 */
public final class LiveUpdates implements AutoCloseable {
  public static final String EVENT = "services";

  private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicLong version = new AtomicLong();
  private final long coalesceMillis;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "pave-console-live");
    t.setDaemon(true);
    return t;
  });

  public LiveUpdates(long coalesceMillis, long keepAliveSeconds) {
    this.coalesceMillis = coalesceMillis;
    // A comment now and then: proxies keep the stream open and dead clients are found.
    timer.scheduleWithFixedDelay(() -> each(c -> c.sendComment("keep-alive")),
        keepAliveSeconds, keepAliveSeconds, TimeUnit.SECONDS);
  }

  /** Called by the index after a change; sends one event after the interval. */
  public void changed() {
    if (pending.compareAndSet(false, true) && !timer.isShutdown()) {
      timer.schedule(() -> {
        pending.set(false);
        String v = String.valueOf(version.incrementAndGet());
        each(c -> c.sendEvent(EVENT, v, v));
      }, coalesceMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** The SSE handler: the request stays open until the browser goes. */
  public void subscribe(SseClient client) {
    Http.user(client.ctx());
    client.ctx().header("Cache-Control", "no-store");
    clients.add(client);
    client.onClose(() -> clients.remove(client));
    client.sendComment("connected");
    client.keepAlive();
  }

  /** How many browsers listen (tests, metrics). */
  public int clients() {
    return clients.size();
  }

  private void each(java.util.function.Consumer<SseClient> send) {
    for (SseClient c : clients) {
      if (c.terminated()) {
        clients.remove(c);
        continue;
      }
      try {
        send.accept(c);
      } catch (RuntimeException e) {
        clients.remove(c);
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    clients.forEach(SseClient::close);
    clients.clear();
  }
}
