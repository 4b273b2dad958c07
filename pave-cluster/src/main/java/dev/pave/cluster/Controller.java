package dev.pave.cluster;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A control loop inside the embedded API, standing in for one of the controller manager's:
 * it sees every change of the store in order, and acts through the same API handlers a
 * client's request goes through, so its writes are validated, versioned and watched like any
 * other.
 */
abstract class Controller {
  private final String name;
  private final BlockingQueue<Store.Event> queue = new LinkedBlockingQueue<>();
  private final Consumer<Store.Event> listener = queue::add;
  private volatile boolean running;
  private Thread thread;
  protected Cluster cluster;

  Controller(String name) {
    this.name = name;
  }

  /** Whether the controller cares about a change; called inside the store's lock. */
  abstract boolean wants(Store.Event e);

  abstract void handle(Store.Event e);

  /** Called about every {@link #tickMillis()} for work driven by time (deadlines, grace). */
  void tick() {}

  long tickMillis() {
    return 500;
  }

  /**
   * Whether {@link #tick()} has anything waiting on time; a controller with nothing waiting
   * sleeps until the next change instead of waking every tick.
   */
  boolean hasTimedWork() {
    return true;
  }

  void start(Cluster c) {
    cluster = c;
    running = true;
    c.store().follow(c.store().resourceVersion(), e -> {
      if (wants(e)) {
        listener.accept(e);
      }
    });
    initial();
    thread = new Thread(this::loop, "pave-cluster-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Work on what is already stored when the controller starts (after a restore). */
  void initial() {}

  private void loop() {
    long nextTick = System.currentTimeMillis() + tickMillis();
    while (running) {
      try {
        Store.Event e;
        if (hasTimedWork()) {
          e = queue.poll(Math.max(1, nextTick - System.currentTimeMillis()),
              TimeUnit.MILLISECONDS);
        } else {
          e = queue.take();
          nextTick = System.currentTimeMillis() + tickMillis();
        }
        if (e != null) {
          handle(e);
        }
        if (System.currentTimeMillis() >= nextTick) {
          tick();
          nextTick = System.currentTimeMillis() + tickMillis();
        }
      } catch (InterruptedException ie) {
        return;
      } catch (RuntimeException ex) {
        // A controller's failure on one object must not stop it for all others; the next
        // change or tick retries, as a work queue would.
        System.getLogger(name).log(System.Logger.Level.DEBUG, "controller step failed", ex);
      }
    }
  }

  void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
