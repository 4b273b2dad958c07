package dev.pave.spec;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each field of a read document came from, by field path ({@code spec.jobs[0].schedule}),
 * so that checks made after reading can still point at a line and column.
 */
public final class SourceMap {
  private final String source;
  private final Map<String, Position> values = new HashMap<>();
  private final Map<String, Position> keys = new HashMap<>();
  /** Fills the maps on first use, for readers that keep positions only in case they are asked. */
  private java.util.function.Consumer<SourceMap> loader;

  public SourceMap(String source) {
    this.source = source;
  }

  /**
   * A map whose positions are worked out by the loader the first time one is asked for. Most
   * objects a check reads have no finding, so most never pay for their positions.
   */
  public static SourceMap lazy(String source, java.util.function.Consumer<SourceMap> loader) {
    SourceMap m = new SourceMap(source);
    m.loader = loader;
    return m;
  }

  private synchronized void load() {
    if (loader != null) {
      java.util.function.Consumer<SourceMap> l = loader;
      loader = null;
      l.accept(this);
    }
  }

  public String source() {
    return source;
  }

  public void putValue(String path, Position p) {
    values.putIfAbsent(path, p);
  }

  public void putKey(String path, Position p) {
    keys.putIfAbsent(path, p);
  }

  /** Position of the value at the path, or of the closest enclosing field that was written. */
  public Position valueOf(String path) {
    load();
    for (String p = path; p != null; p = parent(p)) {
      Position found = values.get(p);
      if (found != null) {
        return found;
      }
    }
    return Position.UNKNOWN;
  }

  /** Position of the field's key (the start of its line), falling back like {@link #valueOf}. */
  public Position keyOf(String path) {
    load();
    for (String p = path; p != null; p = parent(p)) {
      Position found = keys.get(p);
      if (found != null) {
        return found;
      }
    }
    return valueOf(path);
  }

  /** Whether the author wrote this field. */
  public boolean has(String path) {
    load();
    return values.containsKey(path);
  }

  public Problem problem(String path, String message) {
    Position p = valueOf(path);
    return new Problem(source, p.line(), p.column(), path, message);
  }

  /** A problem about the field itself (its name), placed at its key. */
  public Problem problemAtKey(String path, String message) {
    Position p = keyOf(path);
    return new Problem(source, p.line(), p.column(), path, message);
  }

  static String parent(String path) {
    if (path.isEmpty()) {
      return null;
    }
    int bracket = path.lastIndexOf('[');
    int dot = path.lastIndexOf('.');
    int cut = Math.max(bracket, dot);
    return cut < 0 ? "" : path.substring(0, cut);
  }
}
