package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A set of field paths as {@code managedFields[].fieldsV1} writes it: a tree whose keys are
 * path elements ({@code f:name} a field, {@code k:{"name":"x"}} a list item by its keys,
 * {@code v:"a"} a set entry, {@code i:0} an item by index) and where {@code "."} marks that
 * a path with children is itself a member.
 */
final class FieldSet {
  /** Fields first, then keyed items, set values and indexes, as the server orders them. */
  static final Comparator<String> ORDER = Comparator.comparingInt(FieldSet::rank)
      .thenComparing(Comparator.naturalOrder());

  private boolean member;
  private final TreeMap<String, FieldSet> children = new TreeMap<>(ORDER);

  private static int rank(String element) {
    return switch (element.charAt(0)) {
      case 'f' -> 0;
      case 'k' -> 1;
      case 'v' -> 2;
      default -> 3;
    };
  }

  static FieldSet parse(JsonNode fieldsV1) {
    FieldSet s = new FieldSet();
    if (fieldsV1 != null && fieldsV1.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = fieldsV1.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals(".")) {
          s.member = true;
          continue;
        }
        FieldSet child = parse(e.getValue());
        if (e.getValue().isEmpty()) {
          child.member = true;
        }
        s.children.put(e.getKey(), child);
      }
    }
    return s;
  }

  ObjectNode toJson() {
    ObjectNode o = Json.object();
    if (member && !children.isEmpty()) {
      o.putObject(".");
    }
    children.forEach((k, v) -> o.set(k, v.toJson()));
    return o;
  }

  boolean isEmpty() {
    return !member && children.isEmpty();
  }

  void insert(List<String> path) {
    FieldSet s = this;
    for (String e : path) {
      s = s.children.computeIfAbsent(e, k -> new FieldSet());
    }
    s.member = true;
  }

  boolean has(List<String> path) {
    FieldSet s = node(path);
    return s != null && s.member;
  }

  /** Whether the path or anything below it is in the set. */
  boolean hasAtOrBelow(List<String> path) {
    FieldSet s = node(path);
    return s != null && !s.isEmpty();
  }

  private FieldSet node(List<String> path) {
    FieldSet s = this;
    for (String e : path) {
      s = s.children.get(e);
      if (s == null) {
        return null;
      }
    }
    return s;
  }

  FieldSet copy() {
    FieldSet c = new FieldSet();
    c.member = member;
    children.forEach((k, v) -> c.children.put(k, v.copy()));
    return c;
  }

  FieldSet union(FieldSet o) {
    FieldSet c = copy();
    o.members(c::insert);
    return c;
  }

  FieldSet intersection(FieldSet o) {
    FieldSet c = new FieldSet();
    members(p -> {
      if (o.has(p)) {
        c.insert(p);
      }
    });
    return c;
  }

  FieldSet difference(FieldSet o) {
    FieldSet c = new FieldSet();
    members(p -> {
      if (!o.has(p)) {
        c.insert(p);
      }
    });
    return c;
  }

  /** Every member path, parents before children, in the server's order. */
  void members(Consumer<List<String>> each) {
    walk(new ArrayList<>(), each);
  }

  private void walk(List<String> at, Consumer<List<String>> each) {
    if (member) {
      each.accept(List.copyOf(at));
    }
    for (Map.Entry<String, FieldSet> e : children.entrySet()) {
      at.add(e.getKey());
      e.getValue().walk(at, each);
      at.remove(at.size() - 1);
    }
  }

  List<List<String>> memberList() {
    List<List<String>> all = new ArrayList<>();
    members(all::add);
    return all;
  }

  /** A path as conflict messages print it: {@code .spec.containers[name="web"].image}. */
  static String print(List<String> path) {
    StringBuilder b = new StringBuilder();
    for (String e : path) {
      String body = e.substring(2);
      switch (e.charAt(0)) {
        case 'f' -> b.append('.').append(body);
        case 'k' -> {
          b.append('[');
          try {
            JsonNode key = Json.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = key.fields(); it.hasNext(); ) {
              Map.Entry<String, JsonNode> f = it.next();
              b.append(first ? "" : ",").append(f.getKey()).append('=')
                  .append(f.getValue().toString());
              first = false;
            }
          } catch (java.io.IOException ex) {
            b.append(body);
          }
          b.append(']');
        }
        case 'v' -> b.append("[=").append(body).append(']');
        default -> b.append('[').append(body).append(']');
      }
    }
    return b.toString();
  }
}
