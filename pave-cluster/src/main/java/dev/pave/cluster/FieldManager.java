package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Field ownership as the API server's structured merge keeps it: {@code metadata.managedFields}
 * on every write, one entry per manager, operation, apiVersion and subresource; and
 * server-side apply, which merges a manager's configuration into the live object, removes
 * what the manager stopped applying unless someone else owns it, and refuses to change values
 * others own unless forced.
 */
final class FieldManager {
  /** Metadata no manager ever owns: the server sets it. */
  private static final Set<String> SERVER_META = Set.of("name", "namespace",
      "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields",
      "resourceVersion");

  /** Who wrote: the identity a managedFields entry is kept under. */
  record Manager(String name, String operation, String apiVersion, String subresource) {
    /** As conflict messages name it: {@code "kubectl-scale" with subresource "scale" using apps/v1}. */
    String printed() {
      String s = "\"" + name + "\"";
      if (subresource != null && !subresource.isEmpty()) {
        s += " with subresource \"" + subresource + "\"";
      }
      return operation.equals("Update") ? s + " using " + apiVersion : s;
    }
  }

  private static final class Entry {
    final Manager manager;
    String time;
    FieldSet fields;

    Entry(Manager manager, String time, FieldSet fields) {
      this.manager = manager;
      this.time = time;
      this.fields = fields;
    }
  }

  /**
   * The server's order of entries (sortEncodedManagedFields): Apply before Update, then oldest
   * first, then by name. Times are whole seconds, so entries stamped within one second sort by
   * name, and the order after a write depends on whether earlier writes fell in its second.
   */
  private static final Comparator<Entry> ORDER = Comparator
      .comparing((Entry e) -> e.manager.operation())
      .thenComparing(e -> e.time == null ? "" : e.time)
      .thenComparing(e -> e.manager.name())
      .thenComparing(e -> e.manager.apiVersion())
      .thenComparing(e -> e.manager.subresource() == null ? "" : e.manager.subresource());

  // ---- the hook of every write ----

  /**
   * Records the write of {@code updated} over {@code old} (null on create). An apply has been
   * recorded by {@link #apply} already, except an apply that creates, whose configuration is
   * the request body.
   */
  void record(ResourceType t, ListTypes schema, ObjectNode old, ObjectNode updated, Request r,
      String subresource) {
    if (Patches.APPLY.equals(r.contentType())) {
      if (old == null) {
        Walk w = new Walk(schema);
        ObjectNode config;
        try {
          config = (ObjectNode) Json.parseYaml(r.body());
        } catch (IOException | ClassCastException e) {
          config = updated;
        }
        Manager m = new Manager(Writes.manager(r), "Apply", t.apiVersion(), subresource);
        Map<Manager, Entry> managed = new LinkedHashMap<>();
        managed.put(m, new Entry(m, Json.now(), reset(t, w.fieldsOf(config), subresource)));
        encode(updated, managed);
      }
      return;
    }
    update(t, schema, old, updated, Writes.manager(r), subresource);
  }

  /** Records what a non-apply write by {@code manager} changed: it owns those fields now. */
  void update(ResourceType t, ListTypes schema, ObjectNode old, ObjectNode updated,
      String manager, String subresource) {
    Map<Manager, Entry> managed = decode(updated);
    if (managed.isEmpty() || subresource != null) {
      // Clients that do not know managedFields must not wipe them by leaving them out.
      managed = decode(old);
    }
    Walk w = new Walk(schema);
    Diff d = w.compareRoot(old == null ? Json.object() : old, updated);
    FieldSet changed = d.added.union(d.modified);
    for (Entry e : managed.values()) {
      e.fields = e.fields.difference(changed).difference(d.removed);
    }
    Manager m = new Manager(manager, "Update", t.apiVersion(), subresource);
    if (!changed.isEmpty()) {
      Entry prev = managed.get(m);
      FieldSet set = prev == null ? changed : prev.fields.union(changed);
      // The scale subresource rebuilds the entry from the parent's, where a new one has no time.
      String time = "scale".equals(subresource) ? (prev == null ? null : prev.time) : Json.now();
      managed.put(m, new Entry(m, time, set));
    }
    encode(updated, managed);
  }

  /**
   * The object after {@code manager} applies {@code config} to {@code live} (null: absent),
   * with its managedFields; a 409 where it would change values others own, unless forced.
   */
  ObjectNode apply(ResourceType t, ListTypes schema, ObjectNode live, ObjectNode config,
      String manager, boolean force, String subresource) {
    if (!manager.equals(KUBECTL)) {
      try {
        return apply(t, schema, live, config, manager, force, subresource, false);
      } catch (Conflicts c) {
        throw conflict(c.conflicts);
      }
    }
    // kubectl's server-side apply takes over from its client-side apply: the managers of the
    // last-applied annotation go, and conflicts on fields the annotation shows applied with
    // the live value are forced (the real lastAppliedManager).
    ObjectNode merged;
    try {
      merged = apply(t, schema, live, config, manager, force, subresource, false);
      dropLastAppliedManagers(merged);
    } catch (Conflicts c) {
      FieldSet allowed = allowedByLastApplied(t, schema, live);
      Map<Manager, FieldSet> left = new TreeMap<>(c.conflicts.comparator());
      c.conflicts.forEach((m, set) -> {
        FieldSet rest = allowed == null ? set : set.difference(allowed);
        if (!rest.isEmpty()) {
          left.put(m, rest);
        }
      });
      if (!left.isEmpty()) {
        throw conflict(allowed == null ? c.conflicts : left);
      }
      merged = apply(t, schema, live, config, manager, true, subresource, true);
    }
    // ...and keeps the annotation up to date with what it applied (lastAppliedUpdater).
    if (live != null && !live.path("metadata").path("annotations").path(LAST_APPLIED)
        .asText("").isEmpty()) {
      ObjectNode applied = config.deepCopy();
      JsonNode annotations = applied.path("metadata").path("annotations");
      if (annotations instanceof ObjectNode a) {
        a.remove(LAST_APPLIED);
        if (a.isEmpty()) {
          Json.meta(applied).remove("annotations");
        }
      }
      Json.meta(merged).with("annotations").put(LAST_APPLIED, sortedJson(applied) + "\n");
    }
    return merged;
  }

  private static final String KUBECTL = "kubectl";
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  private static final List<String> LAST_APPLIED_PATH = List.of("f:metadata", "f:annotations",
      "f:" + LAST_APPLIED);

  /** A conflict found, before it is told: kubectl's apply may still force it. */
  private static final class Conflicts extends RuntimeException {
    final TreeMap<Manager, FieldSet> conflicts;

    Conflicts(TreeMap<Manager, FieldSet> conflicts) {
      super(null, null, false, false);
      this.conflicts = conflicts;
    }
  }

  /** Managers other than kubectl that own the last-applied annotation are forgotten. */
  private static void dropLastAppliedManagers(ObjectNode o) {
    Map<Manager, Entry> managed = decode(o);
    if (managed.values().removeIf(e -> !e.manager.name().equals(KUBECTL)
        && e.fields.has(LAST_APPLIED_PATH))) {
      encode(o, managed);
    }
  }

  /**
   * The fields the live object's last-applied annotation names with the value they still
   * have; null when there is no usable annotation.
   */
  private static FieldSet allowedByLastApplied(ResourceType t, ListTypes schema,
      ObjectNode live) {
    String text = live == null ? ""
        : live.path("metadata").path("annotations").path(LAST_APPLIED).asText("");
    if (text.isEmpty()) {
      return null;
    }
    ObjectNode lastApplied;
    try {
      lastApplied = (ObjectNode) Json.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException | ClassCastException e) {
      return null;
    }
    if (!lastApplied.path("apiVersion").asText().equals(t.apiVersion())) {
      return null;
    }
    Walk w = new Walk(schema);
    ObjectNode current = live.deepCopy();
    Json.meta(current).remove("managedFields");
    Diff d = w.compareRoot(lastApplied, current);
    return w.fieldsOf(lastApplied).difference(d.modified).difference(d.added)
        .difference(d.removed);
  }

  /** JSON with object keys in order, as Go encodes a map. */
  private static String sortedJson(JsonNode n) {
    try {
      return Json.MAPPER.writer().with(com.fasterxml.jackson.databind.SerializationFeature
          .ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(Json.MAPPER.convertValue(n,
          java.util.TreeMap.class));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private ObjectNode apply(ResourceType t, ListTypes schema, ObjectNode live, ObjectNode config,
      String manager, boolean force, String subresource, boolean dropLastAppliedManagers) {
    Walk w = new Walk(schema);
    Map<Manager, Entry> managed = decode(live);
    if (dropLastAppliedManagers) {
      managed.values().removeIf(e -> !e.manager.name().equals(KUBECTL)
          && e.fields.has(LAST_APPLIED_PATH));
    }
    ObjectNode before = live == null ? Json.object() : live.deepCopy();
    Json.meta(before).remove("managedFields");
    ObjectNode merged = (ObjectNode) w.merge(before, config, "");
    Manager m = new Manager(manager, "Apply", t.apiVersion(), subresource);
    Entry last = managed.get(m);
    Entry mine = new Entry(m, last == null ? null : last.time,
        reset(t, w.fieldsOf(config), subresource));
    managed.put(m, mine);
    if (last != null && !last.fields.isEmpty()) {
      FieldSet owned = new FieldSet();
      for (Entry e : managed.values()) {
        owned = owned.union(e.fields);
      }
      w.prune(merged, last.fields, owned, !t.custom());
    }
    Diff d = w.compareRoot(before, merged);
    FieldSet changed = d.added.union(d.modified);
    TreeMap<Manager, FieldSet> conflicts = new TreeMap<>(Comparator.comparing(Manager::name)
        .thenComparing(Manager::operation).thenComparing(Manager::apiVersion)
        .thenComparing(x -> x.subresource() == null ? "" : x.subresource()));
    for (Entry e : managed.values()) {
      if (e != mine) {
        FieldSet c = e.fields.intersection(changed);
        if (!c.isEmpty()) {
          conflicts.put(e.manager, c);
        }
      }
    }
    if (!conflicts.isEmpty() && !force) {
      throw new Conflicts(conflicts);
    }
    for (Entry e : managed.values()) {
      if (e != mine) {
        FieldSet c = conflicts.get(e.manager);
        e.fields = (c == null ? e.fields : e.fields.difference(c)).difference(d.removed);
      }
    }
    ObjectNode a = before.deepCopy();
    ObjectNode b = merged.deepCopy();
    Json.meta(b).remove("managedFields");
    if (!a.equals(b)) {
      mine.time = Json.now();
    }
    encode(merged, managed);
    return merged;
  }

  /** The fields a write may own at its endpoint: the main resource's writes never own status. */
  private static FieldSet reset(ResourceType t, FieldSet set, String subresource) {
    FieldSet status = new FieldSet();
    status.insert(List.of("f:status"));
    if ("status".equals(subresource)) {
      FieldSet kept = new FieldSet();
      set.members(p -> {
        if (!p.isEmpty() && p.get(0).equals("f:status")) {
          kept.insert(p);
        }
      });
      return kept;
    }
    if (t.status() && subresource == null) {
      FieldSet kept = new FieldSet();
      set.members(p -> {
        if (p.isEmpty() || !p.get(0).equals("f:status")) {
          kept.insert(p);
        }
      });
      return kept;
    }
    return set;
  }

  private static ApiException conflict(Map<Manager, FieldSet> conflicts) {
    List<ApiException.Cause> causes = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    conflicts.forEach((m, set) -> {
      lines.add("conflicts with " + m.printed() + ":");
      for (List<String> p : set.memberList()) {
        String path = FieldSet.print(p);
        causes.add(new ApiException.Cause("FieldManagerConflict", "conflict with " + m.printed(),
            path));
        lines.add("- " + path);
      }
    });
    String message = causes.size() == 1
        ? "Apply failed with 1 conflict: " + causes.get(0).message() + ": "
            + causes.get(0).field()
        : "Apply failed with " + causes.size() + " conflicts: " + String.join("\n", lines);
    return ApiException.of(409, "Conflict", message, null, null, null, causes);
  }

  // ---- managedFields in and out ----

  private static Map<Manager, Entry> decode(ObjectNode o) {
    Map<Manager, Entry> managed = new LinkedHashMap<>();
    if (o == null) {
      return managed;
    }
    for (JsonNode e : o.path("metadata").path("managedFields")) {
      if (!e.isObject() || !e.hasNonNull("manager") && !e.hasNonNull("fieldsV1")) {
        continue;
      }
      Manager m = new Manager(e.path("manager").asText(""), e.path("operation").asText("Update"),
          e.path("apiVersion").asText(""), e.hasNonNull("subresource")
              && !e.get("subresource").asText().isEmpty() ? e.get("subresource").asText() : null);
      FieldSet s = FieldSet.parse(e.get("fieldsV1"));
      Entry prev = managed.get(m);
      managed.put(m, new Entry(m, e.hasNonNull("time") ? e.get("time").asText() : null,
          prev == null ? s : prev.fields.union(s)));
    }
    return managed;
  }

  private static void encode(ObjectNode o, Map<Manager, Entry> managed) {
    List<Entry> entries = new ArrayList<>();
    for (Entry e : managed.values()) {
      if (!e.fields.isEmpty()) {
        entries.add(e);
      }
    }
    entries.sort(ORDER);
    ObjectNode meta = Json.meta(o);
    if (entries.isEmpty()) {
      meta.remove("managedFields");
      return;
    }
    ArrayNode list = meta.putArray("managedFields");
    for (Entry e : entries) {
      ObjectNode j = list.addObject();
      j.put("manager", e.manager.name());
      j.put("operation", e.manager.operation());
      j.put("apiVersion", e.manager.apiVersion());
      if (e.time != null) {
        j.put("time", e.time);
      }
      j.put("fieldsType", "FieldsV1");
      j.set("fieldsV1", e.fields.toJson());
      if (e.manager.subresource() != null) {
        j.put("subresource", e.manager.subresource());
      }
    }
  }

  // ---- walking objects along their schema ----

  /** What changed between two objects, as field sets. */
  static final class Diff {
    final FieldSet added = new FieldSet();
    final FieldSet modified = new FieldSet();
    final FieldSet removed = new FieldSet();
  }

  /** Walks values with a kind's schema: comparing, merging, pruning and listing fields. */
  static final class Walk {
    private final ListTypes schema;

    Walk(ListTypes schema) {
      this.schema = schema;
    }

    private static boolean present(JsonNode n) {
      return n != null && !n.isMissingNode();
    }

    private static List<String> plus(List<String> p, String e) {
      List<String> c = new ArrayList<>(p.size() + 1);
      c.addAll(p);
      c.add(e);
      return c;
    }

    /** The path element of a list item: its keys for a map list, its value for a set. */
    String element(ListTypes.ListType lt, JsonNode item) {
      if (lt.kind() == ListTypes.Kind.SET) {
        return "v:" + item.toString();
      }
      ObjectNode key = Json.object();
      List<String> names = new ArrayList<>(lt.keys());
      names.sort(Comparator.naturalOrder());
      for (String k : names) {
        JsonNode v = item.get(k);
        if (v == null || v.isNull()) {
          v = lt.defaults().get(k);
        }
        if (v != null) {
          key.set(k, v);
        }
      }
      return "k:" + key;
    }

    private boolean leaf(JsonNode l, JsonNode r, String sp) {
      JsonNode v = present(r) && !r.isNull() ? r : present(l) && !l.isNull() ? l : null;
      if (v == null) {
        return true;
      }
      if (v == null || v.isNull()) {
        return true; // an explicit null on one side, nothing on the other: a leaf either way
      }
      if (present(l) && present(r) && !l.isNull() && !r.isNull()
          && l.getNodeType() != r.getNodeType()) {
        return true;
      }
      if (v.isObject()) {
        return schema.atomicMap(sp);
      }
      if (v.isArray()) {
        return schema.list(sp).kind() == ListTypes.Kind.ATOMIC;
      }
      return true;
    }

    Diff compareRoot(ObjectNode before, ObjectNode after) {
      Diff d = new Diff();
      Set<String> keys = new LinkedHashSet<>();
      before.fieldNames().forEachRemaining(keys::add);
      after.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        if (k.equals("apiVersion") || k.equals("kind")) {
          continue;
        }
        if (k.equals("metadata")) {
          JsonNode bm = before.path("metadata");
          JsonNode am = after.path("metadata");
          Set<String> mk = new LinkedHashSet<>();
          bm.fieldNames().forEachRemaining(mk::add);
          am.fieldNames().forEachRemaining(mk::add);
          for (String f : mk) {
            if (!SERVER_META.contains(f)) {
              compare(bm.get(f), am.get(f), "metadata." + f, List.of("f:metadata", "f:" + f), d);
            }
          }
          continue;
        }
        compare(before.get(k), after.get(k), k, List.of("f:" + k), d);
      }
      return d;
    }

    private void compare(JsonNode l, JsonNode r, String sp, List<String> p, Diff d) {
      boolean lp = present(l);
      boolean rp = present(r);
      if (!lp && !rp) {
        return;
      }
      if (leaf(l, r, sp)) {
        if (!lp) {
          d.added.insert(p);
        } else if (!rp) {
          d.removed.insert(p);
        } else if (!l.equals(r)) {
          d.modified.insert(p);
        }
        return;
      }
      JsonNode lc = lp && !l.isNull() ? l : null;
      JsonNode rc = rp && !r.isNull() ? r : null;
      JsonNode shape = rc != null ? rc : lc;
      if (shape != null && shape.isObject()) {
        Set<String> keys = new LinkedHashSet<>();
        if (lc != null) {
          lc.fieldNames().forEachRemaining(keys::add);
        }
        if (rc != null) {
          rc.fieldNames().forEachRemaining(keys::add);
        }
        for (String k : keys) {
          compare(lc == null ? null : lc.get(k), rc == null ? null : rc.get(k),
              ListTypes.child(sp, k), plus(p, "f:" + k), d);
        }
      } else if (shape != null) {
        ListTypes.ListType lt = schema.list(sp);
        Map<String, JsonNode> li = index(lt, lc);
        Map<String, JsonNode> ri = index(lt, rc);
        Set<String> keys = new LinkedHashSet<>(li.keySet());
        keys.addAll(ri.keySet());
        for (String k : keys) {
          JsonNode a = li.get(k);
          JsonNode b = ri.get(k);
          if (lt.kind() == ListTypes.Kind.SET) {
            if (a == null) {
              d.added.insert(plus(p, k));
            } else if (b == null) {
              d.removed.insert(plus(p, k));
            }
          } else {
            compare(a, b, ListTypes.item(sp), plus(p, k), d);
          }
        }
      }
      if (!schema.implicit(sp)) {
        if (!lp) {
          d.added.insert(p);
        } else if (!rp) {
          d.removed.insert(p);
        }
      }
    }

    private Map<String, JsonNode> index(ListTypes.ListType lt, JsonNode list) {
      Map<String, JsonNode> m = new LinkedHashMap<>();
      if (list != null && list.isArray()) {
        for (JsonNode item : list) {
          m.putIfAbsent(element(lt, item), item);
        }
      }
      return m;
    }

    /** The fields an applier's configuration sets: leaves, list items and empty maps. */
    FieldSet fieldsOf(ObjectNode config) {
      FieldSet s = new FieldSet();
      for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String k = e.getKey();
        if (k.equals("apiVersion") || k.equals("kind")) {
          continue;
        }
        if (k.equals("metadata") && e.getValue().isObject()) {
          e.getValue().fields().forEachRemaining(f -> {
            if (!SERVER_META.contains(f.getKey())) {
              fields(f.getValue(), "metadata." + f.getKey(), List.of("f:metadata",
                  "f:" + f.getKey()), s);
            }
          });
          continue;
        }
        fields(e.getValue(), k, List.of("f:" + k), s);
      }
      return s;
    }

    private void fields(JsonNode v, String sp, List<String> p, FieldSet out) {
      if (v.isObject()) {
        if (schema.atomicMap(sp) || v.isEmpty()) {
          out.insert(p);
          return;
        }
        v.fields().forEachRemaining(f -> fields(f.getValue(), ListTypes.child(sp, f.getKey()),
            plus(p, "f:" + f.getKey()), out));
        return;
      }
      if (v.isArray()) {
        ListTypes.ListType lt = schema.list(sp);
        if (lt.kind() == ListTypes.Kind.ATOMIC) {
          out.insert(p);
          return;
        }
        for (JsonNode item : v) {
          List<String> ip = plus(p, element(lt, item));
          if (lt.kind() == ListTypes.Kind.MAP && item.isObject()) {
            item.fields().forEachRemaining(f -> fields(f.getValue(),
                ListTypes.child(ListTypes.item(sp), f.getKey()), plus(ip, "f:" + f.getKey()),
                out));
          }
          out.insert(ip);
        }
        return;
      }
      out.insert(p);
    }

    /** {@code config} merged into {@code live}: maps by key, keyed lists and sets by item. */
    JsonNode merge(JsonNode l, JsonNode r, String sp) {
      if (!present(r)) {
        return l;
      }
      if (!present(l) || l.isNull() || r.isNull() || r.isValueNode()) {
        return r.deepCopy();
      }
      if (r.isObject() && l.isObject() && !schema.atomicMap(sp)) {
        ObjectNode out = ((ObjectNode) l).deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          String child = sp.isEmpty() ? e.getKey() : ListTypes.child(sp, e.getKey());
          JsonNode m = e.getKey().equals("metadata") && sp.isEmpty()
              ? merge(l.get("metadata"), e.getValue(), "metadata")
              : merge(l.get(e.getKey()), e.getValue(), child);
          out.set(e.getKey(), m);
        }
        return out;
      }
      if (r.isArray() && l.isArray()) {
        ListTypes.ListType lt = schema.list(sp);
        if (lt.kind() != ListTypes.Kind.ATOMIC) {
          return mergeList((ArrayNode) l, (ArrayNode) r, sp, lt);
        }
      }
      return r.deepCopy();
    }

    /** Lists merge keeping the live order, items new to it placed where the config puts them. */
    private ArrayNode mergeList(ArrayNode l, ArrayNode r, String sp, ListTypes.ListType lt) {
      List<String> lpe = new ArrayList<>();
      List<String> rpe = new ArrayList<>();
      l.forEach(i -> lpe.add(element(lt, i)));
      r.forEach(i -> rpe.add(element(lt, i)));
      Map<String, JsonNode> lmap = index(lt, l);
      Map<String, JsonNode> rmap = index(lt, r);
      Deque<String> shared = new ArrayDeque<>();
      for (String pe : rpe) {
        if (lmap.containsKey(pe)) {
          shared.add(pe);
        }
      }
      String nextShared = shared.poll();
      Set<String> mergedR = new HashSet<>();
      ArrayNode out = Json.array();
      int li = 0;
      int ri = 0;
      while (li < lpe.size() || ri < rpe.size()) {
        if (li < lpe.size() && ri < rpe.size()) {
          String pe = lpe.get(li);
          if (pe.equals(rpe.get(ri))) {
            mergedR.add(pe);
            out.add(item(lmap.get(pe), rmap.get(pe), sp, lt));
            li++;
            ri++;
            nextShared = shared.poll();
            continue;
          }
          if (rmap.containsKey(pe) && nextShared != null && !nextShared.equals(pe)) {
            li++;
            continue;
          }
        }
        if (li < lpe.size()) {
          String pe = lpe.get(li);
          if (!rmap.containsKey(pe)) {
            out.add(l.get(li).deepCopy());
            li++;
            continue;
          } else if (mergedR.contains(pe)) {
            li++;
            continue;
          }
        }
        if (ri < rpe.size()) {
          String pe = rpe.get(ri);
          if (mergedR.add(pe)) {
            out.add(item(lmap.get(pe), rmap.get(pe), sp, lt));
          }
          ri++;
          if (pe.equals(nextShared)) {
            nextShared = shared.poll();
          }
        }
      }
      return out;
    }

    private JsonNode item(JsonNode l, JsonNode r, String sp, ListTypes.ListType lt) {
      return lt.kind() == ListTypes.Kind.SET ? r.deepCopy() : merge(l, r, ListTypes.item(sp));
    }

    /**
     * Removes what the applier owned last time, no longer applies and nobody else owns.
     * Built-in kinds also lose maps and lists left empty, as Go leaves them out.
     */
    void prune(ObjectNode merged, FieldSet last, FieldSet owned, boolean dropEmpty) {
      List<String> gone = null;
      for (List<String> p : last.memberList()) {
        boolean below = gone != null && p.size() > gone.size()
            && p.subList(0, gone.size()).equals(gone);
        if (!p.isEmpty() && !below && !owned.hasAtOrBelow(p)) {
          // parents come first, so a removed item goes whole, found by its keys
          remove(merged, p, dropEmpty);
          gone = p;
        }
      }
    }

    private void remove(ObjectNode root, List<String> p, boolean dropEmpty) {
      List<JsonNode> chain = new ArrayList<>();
      List<Object> at = new ArrayList<>();
      JsonNode n = root;
      String sp = "";
      for (String e : p) {
        chain.add(n);
        if (e.startsWith("f:")) {
          String f = e.substring(2);
          sp = sp.isEmpty() ? f : ListTypes.child(sp, f);
          at.add(f);
          n = n.isObject() ? n.get(f) : null;
        } else {
          ListTypes.ListType lt = schema.list(sp);
          sp = ListTypes.item(sp);
          int found = -1;
          if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
              if (element(lt, n.get(i)).equals(e)) {
                found = i;
                break;
              }
            }
          }
          at.add(found);
          n = found < 0 ? null : n.get(found);
        }
        if (n == null) {
          return;
        }
      }
      int last = chain.size() - 1;
      removeAt(chain.get(last), at.get(last));
      for (int i = last; dropEmpty && i >= 1; i--) {
        JsonNode emptied = chain.get(i);
        boolean metadata = i == 1 && "metadata".equals(at.get(0));
        if (!emptied.isEmpty() || metadata) {
          return;
        }
        removeAt(chain.get(i - 1), at.get(i - 1));
      }
    }

    private static void removeAt(JsonNode parent, Object where) {
      if (parent instanceof ObjectNode o) {
        o.remove((String) where);
      } else if (parent instanceof ArrayNode a) {
        a.remove((Integer) where);
      }
    }
  }
}
