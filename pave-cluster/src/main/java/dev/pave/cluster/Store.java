package dev.pave.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The one store behind the API: every object under a key that sorts as etcd's does (resource,
 * namespace, name), one resourceVersion counter for all writes, and a log of recent changes
 * from which watches resume and older lists are rebuilt, as the watch cache does.
 *
 * <p>Objects go in and come out as copies, so nothing outside can change a stored object.
 */
public final class Store {
  /** One change: the object after it (for DELETED, as it was when removed). */
  public record Event(long rv, String type, String key, ObjectNode object, ObjectNode previous) {}

  /** How many changes the log keeps; older resourceVersions answer 410 Gone to a watch. */
  private static final int LOG_SIZE = 50_000;

  private final NavigableMap<String, ObjectNode> objects = new TreeMap<>();
  private final ArrayDeque<Event> log = new ArrayDeque<>();
  private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
  private long rv = 1000;
  private long oldestKept = 1000;

  /** The key of an object: resource, then namespace ("" for cluster-scoped), then name. */
  public static String key(ResourceType t, String namespace, String name) {
    return prefix(t, namespace) + name;
  }

  /** The prefix of a resource's keys in a namespace, or in all when namespace is null. */
  public static String prefix(ResourceType t, String namespace) {
    return t.storageKey() + "/" + (namespace == null ? "" : namespace + "/");
  }

  public synchronized long resourceVersion() {
    return rv;
  }

  public synchronized ObjectNode get(String key) {
    ObjectNode o = objects.get(key);
    return o == null ? null : o.deepCopy();
  }

  /** Objects under a prefix, in key order, with the resourceVersion they were read at. */
  public synchronized Snapshot list(String prefix) {
    List<ObjectNode> items = new ArrayList<>();
    for (Map.Entry<String, ObjectNode> e : objects.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      items.add(e.getValue().deepCopy());
    }
    return new Snapshot(rv, items);
  }

  /**
   * The objects under a prefix as they were at {@code at}, rebuilt by undoing the logged
   * changes after it; null when the log no longer reaches back that far.
   */
  public synchronized Snapshot listAt(String prefix, long at) {
    if (at >= rv) {
      return list(prefix);
    }
    if (at < oldestKept) {
      return null;
    }
    NavigableMap<String, ObjectNode> view = new TreeMap<>();
    for (Map.Entry<String, ObjectNode> e : objects.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      view.put(e.getKey(), e.getValue());
    }
    for (Iterator<Event> it = log.descendingIterator(); it.hasNext(); ) {
      Event e = it.next();
      if (e.rv() <= at) {
        break;
      }
      if (!e.key().startsWith(prefix)) {
        continue;
      }
      if (e.previous() == null) {
        view.remove(e.key());
      } else {
        view.put(e.key(), e.previous());
      }
    }
    List<ObjectNode> items = new ArrayList<>();
    view.values().forEach(o -> items.add(o.deepCopy()));
    return new Snapshot(at, items);
  }

  /** A list's items and the resourceVersion it reflects. */
  public record Snapshot(long rv, List<ObjectNode> items) {}

  /**
   * Stores an object under its key with the next resourceVersion, which it writes into the
   * object's metadata; returns the stored copy.
   */
  public synchronized ObjectNode put(String key, ObjectNode object) {
    ObjectNode stored = object.deepCopy();
    rv++;
    ((ObjectNode) stored.with("metadata")).put("resourceVersion", Long.toString(rv));
    ObjectNode before = objects.put(key, stored);
    record(new Event(rv, before == null ? "ADDED" : "MODIFIED", key, stored, before));
    return stored.deepCopy();
  }

  /** A write that found the object changed (or, for a create, present) since it was read. */
  public static final class Stale extends RuntimeException {
    Stale() {
      super(null, null, false, false);
    }
  }

  /**
   * Stores an object only if the stored one is still the one read: absent when
   * {@code expectedVersion} is null (a create), else at that resourceVersion; otherwise
   * throws {@link Stale} and changes nothing, as etcd's compare-and-swap does.
   */
  public synchronized ObjectNode putIf(String key, ObjectNode object, String expectedVersion) {
    ObjectNode current = objects.get(key);
    String at = current == null ? null
        : current.path("metadata").path("resourceVersion").asText();
    if (expectedVersion == null ? current != null : !expectedVersion.equals(at)) {
      throw new Stale();
    }
    return put(key, object);
  }

  /** Removes an object; the DELETED event carries it with a new resourceVersion. */
  public synchronized ObjectNode remove(String key) {
    ObjectNode before = objects.remove(key);
    if (before == null) {
      return null;
    }
    rv++;
    ObjectNode gone = before.deepCopy();
    ((ObjectNode) gone.with("metadata")).put("resourceVersion", Long.toString(rv));
    record(new Event(rv, "DELETED", key, gone, before));
    return gone.deepCopy();
  }

  private void record(Event e) {
    log.addLast(e);
    while (log.size() > LOG_SIZE) {
      oldestKept = log.removeFirst().rv();
    }
    for (Consumer<Event> l : listeners) {
      l.accept(e);
    }
  }

  /**
   * Registers a listener that first gets every logged change after {@code from} and then
   * every new change, in order, with nothing missed or doubled in between; false when the log
   * no longer reaches back to {@code from}. Listeners run inside the store's lock and must
   * only hand the event on.
   */
  public synchronized boolean follow(long from, Consumer<Event> listener) {
    if (from < oldestKept) {
      return false;
    }
    for (Event e : log) {
      if (e.rv() > from) {
        listener.accept(e);
      }
    }
    listeners.add(listener);
    return true;
  }

  public void unfollow(Consumer<Event> listener) {
    listeners.remove(listener);
  }

  /**
   * Forgets the change log, as etcd's compaction does: watches and lists from older
   * resourceVersions answer 410 Gone afterwards.
   */
  public synchronized void compact() {
    log.clear();
    oldestKept = rv;
  }

  /** Every stored object, for saving; in key order. */
  public synchronized List<ObjectNode> all() {
    List<ObjectNode> all = new ArrayList<>(objects.size());
    objects.values().forEach(o -> all.add(o.deepCopy()));
    return all;
  }

  /**
   * Puts saved objects back as they were (resourceVersions included), before anything reads
   * the store; later writes get versions above all of them.
   */
  public synchronized void restore(String key, ObjectNode object) {
    objects.put(key, object.deepCopy());
    String v = object.path("metadata").path("resourceVersion").asText("");
    if (v.matches("\\d{1,18}")) {
      rv = Math.max(rv, Long.parseLong(v));
    }
    oldestKept = rv;
  }

  public synchronized int size() {
    return objects.size();
  }
}
