package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Watches as the real server streams them: newline-delimited events from a resourceVersion
 * (410 as an ERROR event when it is too old), synthetic ADDED events for a watch without one,
 * objects leaving and entering a selector as DELETED and ADDED, bookmarks when asked for, and
 * the end of the stream at {@code timeoutSeconds}.
 */
final class Watches {
  /** Where a watch's lines go; {@code start} is called once before the first line. */
  interface Sink {
    void start() throws IOException;

    void line(byte[] line) throws IOException;
  }

  private static final long BOOKMARK_EVERY_MS = 60_000;
  /** How long before a watch's end its last bookmark goes, as the watch cache times it. */
  private static final long FINAL_BOOKMARK_MS = 2_000;
  private final Store store;
  private volatile boolean closed;

  Watches(Store store) {
    this.store = store;
  }

  void close() {
    closed = true;
  }

  void watch(Target t, Request r, Sink sink) throws IOException {
    String rvParam = r.param("resourceVersion");
    Reads.checkResourceVersion(rvParam);
    Predicate<JsonNode> selected = Selector.labels(r.param("labelSelector"))
        .and(Selector.fields(r.param("fieldSelector"), t.type()));
    String named = r.param("fieldSelector") == null && t.name() != null ? t.name() : null;
    Predicate<JsonNode> matches = named == null ? selected
        : selected.and(o -> named.equals(o.path("metadata").path("name").asText()));
    String prefix = Store.prefix(t.type(), t.type().namespaced() ? t.namespace() : null);
    boolean bookmarks = r.flag("allowWatchBookmarks");
    boolean initial = r.flag("sendInitialEvents");
    if (initial && !"NotOlderThan".equals(r.param("resourceVersionMatch"))) {
      throw ApiException.invalid("meta.k8s.io", "ListOptions", "", java.util.List.of(
          new ApiException.Cause("FieldValueForbidden", "Forbidden: sendInitialEvents "
              + "requires setting resourceVersionMatch to NotOlderThan",
              "resourceVersionMatch")));
    }
    long timeoutMs = r.param("timeoutSeconds") == null ? 30 * 60_000L
        : Math.max(1, Long.parseLong(r.param("timeoutSeconds"))) * 1000L;
    BlockingQueue<Store.Event> queue = new LinkedBlockingQueue<>();
    Consumer<Store.Event> listener = e -> {
      if (e.key().startsWith(prefix)) {
        queue.add(e);
      }
    };
    sink.start();
    long from;
    boolean synthetic = rvParam == null || rvParam.isEmpty() || rvParam.equals("0") || initial;
    if (synthetic) {
      Store.Snapshot snap;
      synchronized (store) {
        snap = store.list(prefix);
        store.follow(snap.rv(), listener);
      }
      for (ObjectNode o : snap.items()) {
        if (matches.test(o)) {
          sink.line(event("ADDED", o));
        }
      }
      from = snap.rv();
      if (initial && bookmarks) {
        sink.line(bookmark(t, from, true));
      }
    } else {
      from = Long.parseLong(rvParam);
      if (!store.follow(from, listener)) {
        ApiException gone = ApiException.gone("too old resource version: " + from + " ("
            + store.resourceVersion() + ")");
        ObjectNode error = Json.object();
        error.put("type", "ERROR");
        error.set("object", gone.status());
        sink.line(line(error));
        return;
      }
    }
    long deadline = System.currentTimeMillis() + timeoutMs;
    long nextBookmark = System.currentTimeMillis() + BOOKMARK_EVERY_MS;
    long last = from;
    boolean finalBookmark = false;
    try {
      while (!closed) {
        long now = System.currentTimeMillis();
        if (now >= deadline) {
          return;
        }
        if (bookmarks && !finalBookmark && timeoutMs > FINAL_BOOKMARK_MS
            && deadline - now <= FINAL_BOOKMARK_MS) {
          // The real server sends one last bookmark shortly before it ends a watch.
          sink.line(bookmark(t, last, false));
          finalBookmark = true;
        }
        if (bookmarks && now >= nextBookmark) {
          sink.line(bookmark(t, last, false));
          nextBookmark = now + BOOKMARK_EVERY_MS;
        }
        Store.Event e = queue.poll(Math.min(100, Math.max(1, deadline - now)),
            TimeUnit.MILLISECONDS);
        if (e == null) {
          continue;
        }
        last = e.rv();
        boolean now_ = !e.type().equals("DELETED") && matches.test(e.object());
        boolean before = e.previous() != null && matches.test(e.previous());
        if (e.type().equals("DELETED")) {
          if (before) {
            sink.line(event("DELETED", e.object()));
          }
        } else if (now_ && before) {
          sink.line(event("MODIFIED", e.object()));
        } else if (now_) {
          sink.line(event("ADDED", e.object()));
        } else if (before) {
          // Leaving the selector shows the last matching content at the change's version.
          ObjectNode left = e.previous().deepCopy();
          Json.meta(left).put("resourceVersion", Long.toString(e.rv()));
          sink.line(event("DELETED", left));
        }
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    } finally {
      store.unfollow(listener);
    }
  }

  private static byte[] event(String type, JsonNode object) {
    ObjectNode e = Json.object();
    e.put("type", type);
    e.set("object", object);
    return line(e);
  }

  private static byte[] bookmark(Target t, long rv, boolean initialEnd) {
    ObjectNode o = Json.object();
    o.put("kind", t.type().kind());
    o.put("apiVersion", t.type().apiVersion());
    ObjectNode m = o.putObject("metadata");
    m.put("resourceVersion", Long.toString(rv));
    m.put("creationTimestamp", (String) null);
    if (initialEnd) {
      m.putObject("annotations").put("k8s.io/initial-events-end", "true");
    }
    ObjectNode e = Json.object();
    e.put("type", "BOOKMARK");
    e.set("object", o);
    return line(e);
  }

  private static byte[] line(ObjectNode e) {
    byte[] json = Json.bytes(e);
    byte[] out = new byte[json.length + 1];
    System.arraycopy(json, 0, out, 0, json.length);
    out[json.length] = '\n';
    return out;
  }
}
