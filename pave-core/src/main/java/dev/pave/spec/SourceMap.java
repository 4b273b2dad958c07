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
  /** Finds positions on demand instead of keeping a map, for large inputs. */
  private Resolver resolver;

  /** Looks a path up in the source directly. */
  public interface Resolver {
    /**
     * The position of the value (or of its key) at the path, or of the closest enclosing field
     * that exists, with whether the path itself exists.
     */
    Found find(String path, boolean key);
  }

  /** A resolver's answer. */
  public record Found(Position position, boolean exact) {}

  /** A map that asks the resolver for each position, keeping nothing. */
  public static SourceMap resolving(String source, Resolver resolver) {
    SourceMap m = new SourceMap(source);
    m.resolver = resolver;
    return m;
  }

  public SourceMap(String source) {
    this.source = source;
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
    if (resolver != null) {
      return resolver.find(path, false).position();
    }
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
    if (resolver != null) {
      return resolver.find(path, true).position();
    }
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
    if (resolver != null) {
      return resolver.find(path, false).exact();
    }
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
