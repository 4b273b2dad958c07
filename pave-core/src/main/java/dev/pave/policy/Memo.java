package dev.pave.policy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Results of one expression kept by what the expression read ({@link Reads#key}), so that
 * objects alike in those fields (the same securityContext in thousands of containers) are
 * evaluated once; or, likewise, what is worked out from one element, kept by its content. Only
 * the expression's value is shared; every finding is still built from its own object's fields
 * and lines. Errors are never kept. Bounded in size, and it switches itself off for an
 * expression whose values rarely repeat (an image name), where the key would cost without
 * saving anything. Safe to share between threads.
 */
final class Memo {
  /** Entries kept per expression; beyond it, results are still given but not stored. */
  private static final int MAX_ENTRIES = 4096;
  /** Entries kept per memo of {@link #ofValues()}. */
  private static final int MAX_VALUES = 256;
  /** Lookups after which an expression that is rarely found again stops being kept. */
  private static final int TRIAL = 512;

  private final Reads reads;
  private final int maxEntries;
  private final Map<List<Object>, Object> results = new ConcurrentHashMap<>();
  private final AtomicInteger lookups = new AtomicInteger();
  private final AtomicInteger hits = new AtomicInteger();
  private volatile boolean off;

  private Memo(Reads reads, int maxEntries) {
    this.reads = reads;
    this.maxEntries = maxEntries;
  }

  /**
   * A memo for an expression, or null when keeping its results cannot pay: it reads the whole
   * object, whose name alone makes every key different.
   */
  static Memo of(Reads reads) {
    return reads.readsWhole("object") ? null : new Memo(reads, MAX_ENTRIES);
  }

  /**
   * A memo of what is computed from one value (an element), kept by that value's content.
   * Its keys are whole elements, so it keeps fewer of them.
   */
  static Memo ofValues() {
    return new Memo(null, MAX_VALUES);
  }

  /** The key of a value for {@link #ofValues()}, or null when results are no longer kept. */
  List<Object> keyOf(Object value) {
    return off ? null : List.of(Reads.freeze(value));
  }

  /**
   * The key of these variables, or null when this expression is no longer kept; {@code
   * frozen} holds the copies already made for this object (see {@link Reads#key}).
   */
  List<Object> key(Map<String, Object> vars, Map<Object, Object> frozen) {
    return off ? null : reads.key(vars, frozen);
  }

  /** The result kept for a key, or null. */
  Object get(List<Object> key) {
    Object r = results.get(key);
    int n = lookups.incrementAndGet();
    if (r != null) {
      hits.incrementAndGet();
    } else if (n == TRIAL && hits.get() * 4 < n) {
      off = true;
      results.clear();
    }
    return r;
  }

  /** How many results were given from the memo, for tests. */
  int hits() {
    return hits.get();
  }

  void put(List<Object> key, Object result) {
    if (!off && result != null && results.size() < maxEntries) {
      results.putIfAbsent(key, result);
    }
  }
}
