package dev.pave.console.service;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.pave.render.Manifests;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The difference between two sets of rendered objects, object by object: which were added,
 * removed or changed, and for a changed one its unified diff as typed lines, so a page can
 * colour them without parsing text. Pure; Secret data must be redacted before it gets here.
 */
public final class ObjectDiffs {
  private ObjectDiffs() {}

  public enum Change { ADDED, REMOVED, CHANGED, UNCHANGED }

  public enum LineType { ADDED, REMOVED, CONTEXT, HUNK }

  public record Line(LineType type, String text) {
    /** The CSS class a page gives the line. */
    public String css() {
      return type.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public record ObjectDiff(String kind, String namespace, String name, Change change,
      List<Line> lines) {
    public String title() {
      return kind + " " + (namespace == null ? "" : namespace + "/") + name;
    }

    public String changeText() {
      return change.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Every object of either side, changed ones first, in the order the newer side has them. */
  public static List<ObjectDiff> of(List<Map<String, Object>> from, List<Map<String, Object>> to) {
    Map<String, Map<String, Object>> left = byKey(from);
    Map<String, Map<String, Object>> right = byKey(to);
    List<ObjectDiff> changed = new ArrayList<>();
    List<ObjectDiff> same = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> r : right.entrySet()) {
      Map<String, Object> l = left.get(r.getKey());
      ObjectDiff d = diff(l, r.getValue());
      (d.change() == Change.UNCHANGED ? same : changed).add(d);
    }
    for (Map.Entry<String, Map<String, Object>> l : left.entrySet()) {
      if (!right.containsKey(l.getKey())) {
        changed.add(diff(l.getValue(), null));
      }
    }
    changed.addAll(same);
    return changed;
  }

  private static ObjectDiff diff(Map<String, Object> before, Map<String, Object> after) {
    Map<String, Object> any = after != null ? after : before;
    List<String> a = lines(before);
    List<String> b = lines(after);
    Change change = before == null ? Change.ADDED : after == null ? Change.REMOVED
        : a.equals(b) ? Change.UNCHANGED : Change.CHANGED;
    List<Line> out = new ArrayList<>();
    if (change != Change.UNCHANGED) {
      // Unified diff with three lines of context; its two header lines say nothing here.
      List<String> unified = UnifiedDiffUtils.generateUnifiedDiff("a", "b", a,
          DiffUtils.diff(a, b), 3);
      for (String u : unified.subList(Math.min(2, unified.size()), unified.size())) {
        out.add(u.startsWith("@@") ? new Line(LineType.HUNK, u)
            : u.startsWith("+") ? new Line(LineType.ADDED, u)
            : u.startsWith("-") ? new Line(LineType.REMOVED, u)
            : new Line(LineType.CONTEXT, u));
      }
    }
    Map<?, ?> meta = any.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
    return new ObjectDiff(String.valueOf(any.get("kind")),
        meta.get("namespace") == null ? null : String.valueOf(meta.get("namespace")),
        String.valueOf(meta.get("name")), change, out);
  }

  private static List<String> lines(Map<String, Object> o) {
    if (o == null) {
      return List.of();
    }
    String yaml = Manifests.yamlOf(o);
    if (yaml.endsWith("\n")) {
      yaml = yaml.substring(0, yaml.length() - 1);
    }
    return Arrays.asList(yaml.split("\n", -1));
  }

  private static Map<String, Map<String, Object>> byKey(List<Map<String, Object>> objects) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Map<String, Object> o : objects) {
      Map<?, ?> meta = o.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
      out.put(o.get("apiVersion") + "/" + o.get("kind") + "/" + meta.get("namespace") + "/"
          + meta.get("name"), o);
    }
    return out;
  }
}
