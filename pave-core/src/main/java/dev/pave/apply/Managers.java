package dev.pave.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who changed a field, read from an object's managedFields: the manager whose fieldsV1 owns
 * the path and who wrote last, leaving out Pave's own managers. The API server records this on
 * every write; the in-process test API records nothing, so there the answer is always unknown.
 */
public final class Managers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Managers() {}

  /** The changes with the manager filled in where managedFields name one. */
  public static List<Drift.Change> attribute(List<Drift.Change> changes,
      Map<String, Object> live, Set<String> ours) {
    if (changes.isEmpty() || !(meta(live).get("managedFields") instanceof List<?> entries)) {
      return changes;
    }
    List<Drift.Change> out = new ArrayList<>();
    for (Drift.Change c : changes) {
      out.add(new Drift.Change(c.path(), c.applied(), c.live(), owner(entries, c.path(), ours)));
    }
    return out;
  }

  /** The latest manager, not one of {@code ours}, whose fields include {@code path}. */
  static String owner(List<?> entries, String path, Set<String> ours) {
    String best = null;
    String bestTime = "";
    for (Object e : entries) {
      if (!(e instanceof Map<?, ?> m) || !(m.get("manager") instanceof String manager)
          || ours.stream().anyMatch(manager::startsWith)) {
        continue;
      }
      String time = m.get("time") instanceof String t ? t : "";
      if (owns(m.get("fieldsV1"), tokens(path), 0) && (best == null
          || time.compareTo(bestTime) > 0)) {
        best = manager;
        bestTime = time;
      }
    }
    return best;
  }

  /** Path segments: dotted names and [key=value] selectors, each on its own. */
  static List<String> tokens(String path) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < path.length(); i++) {
      char ch = path.charAt(i);
      if (ch == '.' && cur.length() > 0) {
        out.add(cur.toString());
        cur.setLength(0);
      } else if (ch == '[') {
        if (cur.length() > 0) {
          out.add(cur.toString());
        }
        int end = path.indexOf(']', i);
        out.add(path.substring(i, end + 1));
        cur.setLength(0);
        i = end;
      } else if (ch != '.') {
        cur.append(ch);
      }
    }
    if (cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }

  private static boolean owns(Object node, List<String> tokens, int i) {
    if (!(node instanceof Map<?, ?> fields)) {
      return false;
    }
    if (i == tokens.size()) {
      return true;
    }
    if (tokens.get(i).startsWith("[")) {
      String sel = tokens.get(i).substring(1, tokens.get(i).length() - 1);
      String key = sel.substring(0, sel.indexOf('='));
      String value = sel.substring(sel.indexOf('=') + 1);
      for (Map.Entry<?, ?> e : fields.entrySet()) {
        if (e.getKey() instanceof String k && k.startsWith("k:") && keyMatches(k.substring(2),
            key, value) && owns(e.getValue(), tokens, i + 1)) {
          return true;
        }
      }
      return false;
    }
    // A name may itself contain dots (annotation keys): try the longest first.
    for (int j = tokens.size(); j > i; j--) {
      List<String> part = tokens.subList(i, j);
      if (part.stream().anyMatch(t -> t.startsWith("["))) {
        continue;
      }
      Object child = fields.get("f:" + String.join(".", part));
      if (child != null) {
        // An empty map owns the whole value (a scalar or an atomic list or map).
        if (child instanceof Map<?, ?> c && c.isEmpty()) {
          return true;
        }
        if (owns(child, tokens, j)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean keyMatches(String json, String key, String value) {
    try {
      Object v = JSON.readValue(json, Map.class).get(key);
      return v != null && String.valueOf(v).equals(value);
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> meta(Map<String, Object> o) {
    return o.get("metadata") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
