package dev.pave.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a rule's fix into RFC 6902 operations against the whole object. Adds create missing
 * parents as one nested value, so the patch applies to the object as it is.
 */
final class Fixes {
  private Fixes() {}

  /** A JSON pointer for an index path such as spec.template.spec.containers[0]. */
  static String pointer(String indexPath) {
    if (indexPath.isEmpty()) {
      return "";
    }
    // Parts are separated by "." and "[", and "]" is dropped: spec.containers[0].image is
    // /spec/containers/0/image. Empty parts at the end are dropped, as String.split does.
    StringBuilder sb = new StringBuilder(indexPath.length() + 8);
    int written = 0;
    int start = 0;
    int n = indexPath.length();
    for (int i = 0; i <= n; i++) {
      char c = i < n ? indexPath.charAt(i) : '.';
      if (c == '.' || c == '[') {
        String part = indexPath.substring(start, i).replace("]", "");
        sb.append('/').append(escape(part));
        if (!part.isEmpty()) {
          written = sb.length();
        }
        start = i + 1;
      }
    }
    sb.setLength(written);
    // A path of brackets alone splits into one empty part, as String.split gives it.
    return written == 0 && indexPath.replace("]", "").isEmpty() ? "/" : sb.toString();
  }

  /** A key as a JSON pointer token; most keys need no escape and are returned as they are. */
  static String escape(String key) {
    return key.indexOf('~') < 0 && key.indexOf('/') < 0 ? key
        : key.replace("~", "~0").replace("/", "~1");
  }

  /** A JSON pointer token as the key it names. */
  static String unescape(String token) {
    return token.indexOf('~') < 0 ? token : token.replace("~1", "/").replace("~0", "~");
  }

  static List<Map<String, Object>> patch(Map<String, Object> object, String anchorIndexPath,
      List<Policy.Operation> ops) {
    List<Map<String, Object>> out = new ArrayList<>();
    String anchor = pointer(anchorIndexPath);
    for (Policy.Operation op : ops) {
      List<String> tokens = new ArrayList<>();
      addTokens(anchor, tokens);
      addTokens(op.path(), tokens);
      if (op.op() != Policy.Operation.Op.REMOVE && placeholder(op.value()) != null
          && present(object, tokens)) {
        // A placeholder ("<team>") stands for a value only a person knows; where the object
        // already holds one, that value is left alone rather than replaced by the stand-in.
        continue;
      }
      out.add(operation(object, tokens, op));
    }
    return out;
  }

  private static final java.util.regex.Pattern PLACEHOLDER =
      java.util.regex.Pattern.compile("<[A-Za-z][A-Za-z0-9_.-]*>");

  /** The first placeholder such as {@code <team>} in a fix's value, or null when it has none. */
  static String placeholder(Object value) {
    if (value instanceof String s) {
      java.util.regex.Matcher m = PLACEHOLDER.matcher(s);
      return m.find() ? m.group() : null;
    }
    if (value instanceof Map<?, ?> m) {
      for (Object v : m.values()) {
        String p = placeholder(v);
        if (p != null) {
          return p;
        }
      }
    }
    if (value instanceof List<?> l) {
      for (Object v : l) {
        String p = placeholder(v);
        if (p != null) {
          return p;
        }
      }
    }
    return null;
  }

  /** Whether every token names something that exists, a non-empty value at the end. */
  private static boolean present(Object object, List<String> tokens) {
    Object current = object;
    for (String t : tokens) {
      current = child(current, t);
      if (current == null) {
        return false;
      }
    }
    return !"".equals(current);
  }

  /** The keys a JSON pointer names, unescaped, empty ones left out. */
  private static void addTokens(String pointer, List<String> out) {
    int start = 0;
    int n = pointer.length();
    for (int i = 0; i <= n; i++) {
      if (i == n || pointer.charAt(i) == '/') {
        if (i > start) {
          out.add(unescape(pointer.substring(start, i)));
        }
        start = i + 1;
      }
    }
  }

  private static Map<String, Object> operation(Map<String, Object> object, List<String> tokens,
      Policy.Operation op) {
    Object current = object;
    int existing = 0;
    for (String t : tokens) {
      Object next = child(current, t);
      if (next == null) {
        break;
      }
      current = next;
      existing++;
    }
    Map<String, Object> result = new LinkedHashMap<>();
    if (op.op() == Policy.Operation.Op.REMOVE) {
      result.put("op", "remove");
      result.put("path", join(tokens, tokens.size()));
      return result;
    }
    boolean present = existing == tokens.size();
    if (present && op.op() == Policy.Operation.Op.REPLACE) {
      result.put("op", "replace");
      result.put("path", join(tokens, tokens.size()));
      result.put("value", op.value());
      return result;
    }
    // Build the missing tail as one nested value, so that the patch applies as it is.
    int keep = Math.min(existing + 1, tokens.size());
    Object value = op.value();
    for (int i = tokens.size() - 1; i >= keep; i--) {
      String t = tokens.get(i);
      if (t.equals("-")) {
        value = new ArrayList<>(List.of(value));
      } else {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(t, value);
        value = m;
      }
    }
    result.put("op", present ? "replace" : "add");
    result.put("path", join(tokens, keep));
    result.put("value", value);
    return result;
  }

  /** The child as {@link #child} finds it, first replaced by a copy of its own if needed. */
  @SuppressWarnings("unchecked")
  private static Object ownChild(Object node, String token, java.util.Set<Object> copied) {
    Object c = child(node, token);
    if (!(c instanceof Map<?, ?>) && !(c instanceof List<?>) || copied.contains(c)) {
      return c;
    }
    Object own = c instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m)
        : new ArrayList<>((List<Object>) c);
    if (node instanceof Map<?, ?> m) {
      ((Map<String, Object>) m).put(token, own);
    } else {
      ((List<Object>) node).set(Integer.parseInt(token), own);
    }
    copied.add(own);
    return own;
  }

  /** Whether a pointer token is a list index (what "\\d+" matches, without a pattern). */
  private static boolean isIndex(String token) {
    if (token.isEmpty()) {
      return false;
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static Object child(Object node, String token) {
    if (node instanceof Map<?, ?> m) {
      return m.get(token);
    }
    if (node instanceof List<?> l && isIndex(token)) {
      int i = Integer.parseInt(token);
      return i < l.size() ? l.get(i) : null;
    }
    return null;
  }

  private static String join(List<String> tokens, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append('/').append(escape(tokens.get(i)));
    }
    return sb.toString();
  }

  /**
   * Applies operations made by {@link #patch} to a copy of the object (the object itself is
   * left as it was); null when one does
   * not fit the object's shape (a list where the rule expects a map, as in labels written as a
   * list), so there is no fixed form to show rather than a wrong one.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> apply(Map<String, Object> object, List<Map<String, Object>> ops) {
    // Only the maps and lists on the operations' paths are copied; the rest of the result is
    // the object's own, unchanged subtrees (a container's fixed form copied whole for every
    // violation was a tenth of all allocation in a large check).
    java.util.Set<Object> copied = java.util.Collections.newSetFromMap(
        new java.util.IdentityHashMap<>());
    Map<String, Object> copy = new LinkedHashMap<>(object);
    copied.add(copy);
    for (Map<String, Object> op : ops) {
      List<String> tokens = new ArrayList<>();
      addTokens((String) op.get("path"), tokens);
      Object parent = copy;
      for (int i = 0; i < tokens.size() - 1; i++) {
        parent = ownChild(parent, tokens.get(i), copied);
      }
      String last = tokens.get(tokens.size() - 1);
      Object value = dev.pave.source.Trees.copy(op.get("value"));
      if (parent instanceof Map<?, ?> m) {
        if (op.get("op").equals("remove")) {
          ((Map<String, Object>) m).remove(last);
        } else {
          ((Map<String, Object>) m).put(last, value);
        }
      } else if (parent instanceof List<?> l) {
        List<Object> list = (List<Object>) l;
        if (!last.equals("-") && !(isIndex(last)
            && Integer.parseInt(last) <= list.size())) {
          return null;
        }
        if (last.equals("-")) {
          list.add(value);
        } else if (op.get("op").equals("remove")) {
          list.remove(Integer.parseInt(last));
        } else if (op.get("op").equals("add")) {
          list.add(Integer.parseInt(last), value);
        } else {
          list.set(Integer.parseInt(last), value);
        }
      } else {
        return null;
      }
    }
    return copy;
  }

  /** The value at a JSON pointer, or null. */
  static Object pointerGet(Object root, String pointer) {
    List<String> tokens = new ArrayList<>();
    addTokens(pointer, tokens);
    Object current = root;
    for (String t : tokens) {
      current = child(current, t);
    }
    return current;
  }

  /** The changed fields only, nested as in the object: {securityContext: {runAsNonRoot: true}}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> changedFields(Map<String, Object> after, String anchorPointer,
      List<Policy.Operation> ops) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Policy.Operation op : ops) {
      if (op.op() == Policy.Operation.Op.REMOVE) {
        continue;
      }
      String path = op.path().endsWith("/-") ? op.path().substring(0, op.path().length() - 2)
          : op.path();
      String[] tokens = path.split("/");
      Object value = pointerGet(after, anchorPointer + "/" + path);
      Map<String, Object> node = out;
      for (int i = 0; i < tokens.length - 1; i++) {
        String key = unescape(tokens[i]);
        node = (Map<String, Object>) node.computeIfAbsent(key, k -> new LinkedHashMap<>());
      }
      node.put(unescape(tokens[tokens.length - 1]), value);
    }
    return out;
  }
}
