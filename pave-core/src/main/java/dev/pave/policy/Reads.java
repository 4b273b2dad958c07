package dev.pave.policy;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a compiled expression reads of its variables: the field paths it follows from each
 * variable ({@code container.securityContext.privileged}, through {@code .}, {@code .?},
 * {@code has()} and indexing by a constant string), and the variables it uses whole. A CEL
 * expression has no side effects and our functions are deterministic, so its result is a
 * function of exactly these values; {@link #key} turns them into a value that two evaluations
 * share only when everything the expression can see is the same, in the same order and of the
 * same types.
 */
final class Reads {
  /**
   * One path from a variable. With {@code presence}, only whether the last key is there is
   * read ({@code has(a.b)}), not its value.
   */
  record Path(String root, List<String> keys, boolean presence) {}

  private final List<Path> paths;

  /** The paths again as arrays, which {@link #key} walks for every evaluation. */
  private final String[] roots;
  private final String[][] keys;
  private final boolean[] presence;

  private Reads(List<Path> paths) {
    this.paths = List.copyOf(paths);
    int n = paths.size();
    roots = new String[n];
    keys = new String[n][];
    presence = new boolean[n];
    for (int i = 0; i < n; i++) {
      roots[i] = paths.get(i).root();
      keys[i] = paths.get(i).keys().toArray(new String[0]);
      presence[i] = paths.get(i).presence();
    }
  }

  List<Path> paths() {
    return paths;
  }

  /** The reads of an expression over the given variables. */
  static Reads of(CelExpr expr, Set<String> variables) {
    Set<Path> out = new LinkedHashSet<>();
    visit(expr, variables, Set.of(), out);
    return new Reads(new ArrayList<>(out));
  }

  /** Whether some path is a whole variable, such as the object itself. */
  boolean readsWhole(String variable) {
    return paths.stream().anyMatch(p -> p.root().equals(variable) && p.keys().isEmpty()
        && !p.presence());
  }

  private static void visit(CelExpr e, Set<String> variables, Set<String> scope,
      Set<Path> out) {
    Path p = path(e, variables, scope);
    if (p != null) {
      out.add(p);
      return;
    }
    switch (e.getKind()) {
      case SELECT -> visit(e.select().operand(), variables, scope, out);
      case CALL -> {
        e.call().target().ifPresent(t -> visit(t, variables, scope, out));
        e.call().args().forEach(a -> visit(a, variables, scope, out));
      }
      case LIST -> e.list().elements().forEach(x -> visit(x, variables, scope, out));
      case MAP -> e.map().entries().forEach(x -> {
        visit(x.key(), variables, scope, out);
        visit(x.value(), variables, scope, out);
      });
      case STRUCT -> e.struct().entries().forEach(x -> visit(x.value(), variables, scope, out));
      case COMPREHENSION -> {
        CelExpr.CelComprehension c = e.comprehension();
        // The range and the initial value are evaluated outside the loop's own variables.
        visit(c.iterRange(), variables, scope, out);
        visit(c.accuInit(), variables, scope, out);
        Set<String> inner = new java.util.HashSet<>(scope);
        inner.add(c.iterVar());
        if (!c.iterVar2().isEmpty()) {
          inner.add(c.iterVar2());
        }
        inner.add(c.accuVar());
        visit(c.loopCondition(), variables, inner, out);
        visit(c.loopStep(), variables, inner, out);
        visit(c.result(), variables, inner, out);
      }
      default -> {
        // Constants, and identifiers that are not variables (type names, loop variables).
      }
    }
  }

  /** The path an expression is, when it is a variable followed by constant keys. */
  private static Path path(CelExpr e, Set<String> variables, Set<String> scope) {
    switch (e.getKind()) {
      case IDENT -> {
        String name = e.ident().name();
        return variables.contains(name) && !scope.contains(name)
            ? new Path(dev.pave.source.Keys.shared(name), List.of(), false) : null;
      }
      case SELECT -> {
        Path base = path(e.select().operand(), variables, scope);
        if (base == null || base.presence()) {
          return null;
        }
        return new Path(base.root(), append(base.keys(), e.select().field()),
            e.select().testOnly());
      }
      case CALL -> {
        String f = e.call().function();
        if (f.equals("orValue") && e.call().target().isPresent() && e.call().args().size() == 1
            && literal(e.call().args().get(0))) {
          // x.?a.?b.orValue(c) with a literal c: the value at the path, or c when the path is
          // missing; a function of what the path reads, so the same path.
          Path base = path(e.call().target().get(), variables, scope);
          return base == null || base.presence() ? null : base;
        }
        if (f.equals("@in") && e.call().target().isEmpty() && e.call().args().size() == 2
            && constantString(e.call().args().get(0)) != null) {
          // 'k' in m: for a map, whether it has the key k, as has(m.k) reads it; for any other
          // value the presence read keeps that whole value.
          Path base = path(e.call().args().get(1), variables, scope);
          return base == null || base.presence() ? null : new Path(base.root(),
              append(base.keys(), constantString(e.call().args().get(0))), true);
        }
        if (e.call().target().isPresent() || e.call().args().size() != 2
            || !(f.equals("_?._") || f.equals("_[_]") || f.equals("_[?_]"))) {
          return null;
        }
        CelExpr key = e.call().args().get(1);
        if (key.getKind() != CelExpr.ExprKind.Kind.CONSTANT
            || key.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
          return null;
        }
        Path base = path(e.call().args().get(0), variables, scope);
        if (base == null || base.presence()) {
          return null;
        }
        return new Path(base.root(), append(base.keys(), key.constant().stringValue()), false);
      }
      default -> {
        return null;
      }
    }
  }

  private static String constantString(CelExpr e) {
    return e.getKind() == CelExpr.ExprKind.Kind.CONSTANT
        && e.constant().getKind() == CelConstant.Kind.STRING_VALUE
        ? e.constant().stringValue() : null;
  }

  /** A constant, or an empty list or map written in the expression. */
  private static boolean literal(CelExpr e) {
    return switch (e.getKind()) {
      case CONSTANT -> true;
      case LIST -> e.list().elements().isEmpty();
      case MAP -> e.map().entries().isEmpty();
      default -> false;
    };
  }

  private static List<String> append(List<String> keys, String key) {
    List<String> out = new ArrayList<>(keys.size() + 1);
    out.addAll(keys);
    // The instance the reader gives the objects' keys, so that looking it up is an identity
    // check.
    out.add(dev.pave.source.Keys.shared(key));
    return List.copyOf(out);
  }

  /**
   * Everything the expression reads from these variables, as an immutable value: equal keys
   * mean the expression cannot tell the two sets of variables apart. Each path gives the value
   * it reaches (copied, so later changes to the object cannot reach the key), how deep it got
   * before a key was missing, or the value that is not a map where it had to stop.
   */
  List<Object> key(Map<String, Object> vars) {
    return key(vars, new java.util.IdentityHashMap<>());
  }

  /**
   * As {@link #key(Map)}, with the copies of maps and lists already made for the same values
   * kept in {@code frozen} (by identity), for the other expressions evaluated on the same
   * object; the values must not change while it is used.
   */
  List<Object> key(Map<String, Object> vars, Map<Object, Object> frozen) {
    Object[] parts = new Object[roots.length];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = read(vars, roots[i], keys[i], presence[i], frozen);
    }
    return new Key(parts);
  }

  private static Object read(Map<String, Object> vars, String root, String[] keys,
      boolean presence, Map<Object, Object> frozen) {
    Object current = vars.get(root);
    if (current == null && !vars.containsKey(root)) {
      return new Missing(-1);
    }
    int walk = presence ? keys.length - 1 : keys.length;
    for (int i = 0; i < walk; i++) {
      if (!(current instanceof Map<?, ?> m)) {
        return new Stopped(i, freeze(current, frozen));
      }
      Object next = m.get(keys[i]);
      if (next == null && !m.containsKey(keys[i])) {
        return new Missing(i);
      }
      current = next;
    }
    if (presence) {
      return current instanceof Map<?, ?> m ? (Object) new Present(m.containsKey(keys[walk]))
          : new Stopped(walk, freeze(current, frozen));
    }
    return freeze(current, frozen);
  }

  /**
   * A key as a list of its parts, hashed once: it is hashed for every lookup and again when
   * it is kept.
   */
  private static final class Key extends java.util.AbstractList<Object>
      implements java.util.RandomAccess {
    private final Object[] parts;
    private final int hash;

    Key(Object[] parts) {
      this.parts = parts;
      this.hash = java.util.Arrays.hashCode(parts);
    }

    @Override
    public Object get(int index) {
      return parts[index];
    }

    @Override
    public int size() {
      return parts.length;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (o instanceof Key k) {
        return k.hash == hash && java.util.Arrays.equals(k.parts, parts);
      }
      return super.equals(o);
    }
  }

  // Keys are hashed and compared on every lookup: these records spell out equals and hashCode
  // because the generated ones go through method handles, slow before the full compiler.

  /** The path's key at this depth is not in its map. */
  private record Missing(int depth) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Missing m && m.depth == depth;
    }

    @Override
    public int hashCode() {
      return depth;
    }
  }

  /** The path met a value that is not a map at this depth. */
  private record Stopped(int depth, Object value) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Stopped s && s.depth == depth && s.value.equals(value);
    }

    @Override
    public int hashCode() {
      return 31 * depth + value.hashCode();
    }
  }

  /** What has() saw. */
  private record Present(boolean present) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Present p && p.present == present;
    }

    @Override
    public int hashCode() {
      return present ? 1 : 2;
    }
  }

  /**
   * A map's entries in order (CEL iterates maps in the order they were read). Hashed once:
   * one copy serves every key of the object that reads it.
   */
  private static final class FrozenMap {
    private final List<Object> keysAndValues;
    private final int hash;

    FrozenMap(List<Object> keysAndValues) {
      this.keysAndValues = keysAndValues;
      this.hash = keysAndValues.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o == this || o instanceof FrozenMap m && m.hash == hash
          && m.keysAndValues.equals(keysAndValues);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** A list (distinct from a map written as alternating keys and values), hashed once. */
  private static final class FrozenList {
    private final List<Object> items;
    private final int hash;

    FrozenList(List<Object> items) {
      this.items = items;
      this.hash = items.hashCode() + 1;
    }

    @Override
    public boolean equals(Object o) {
      return o == this || o instanceof FrozenList l && l.hash == hash && l.items.equals(items);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** A value of any other type: the same only when it is the very same object. */
  private static final class Opaque {
    private final Object value;

    Opaque(Object value) {
      this.value = value;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Opaque other && other.value == value;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(value);
    }
  }

  private enum Null { NULL }

  /**
   * An immutable copy whose equality is as strict as CEL can observe: ordered, and with types
   * kept apart (Java's equals never makes a Long equal to a Double or a String).
   */
  static Object freeze(Object v) {
    return freeze(v, new java.util.IdentityHashMap<>());
  }

  private static Object freeze(Object v, Map<Object, Object> frozen) {
    if (v == null) {
      return Null.NULL;
    }
    if (v instanceof String || v instanceof Long || v instanceof Boolean || v instanceof Double
        || v instanceof Integer) {
      return v;
    }
    if (!(v instanceof Map<?, ?>) && !(v instanceof List<?>)) {
      return new Opaque(v);
    }
    Object done = frozen.get(v);
    if (done != null) {
      return done;
    }
    if (v instanceof Map<?, ?> m) {
      Object[] kv = new Object[m.size() * 2];
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        kv[i++] = freeze(e.getKey(), frozen);
        kv[i++] = freeze(e.getValue(), frozen);
      }
      done = new FrozenMap(List.of(kv));
    } else {
      List<?> l = (List<?>) v;
      Object[] items = new Object[l.size()];
      for (int i = 0; i < items.length; i++) {
        items[i] = freeze(l.get(i), frozen);
      }
      done = new FrozenList(List.of(items));
    }
    frozen.put(v, done);
    return done;
  }
}
