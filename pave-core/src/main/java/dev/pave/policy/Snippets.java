package dev.pave.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the small YAML snippets of fixed elements ("fixed app would read") for reports. A check
 * of a large input writes tens of thousands of them, and Jackson's YAML writer (through
 * SnakeYAML's emitter, which analyses every scalar for the style it needs) cost more than
 * evaluating the rules. Most snippets hold only maps, lists, integers, booleans and strings
 * that need no quotes; those are written here directly. Anything else (a string that needs
 * quoting or could read as another type, a double, a list in a list) goes to
 * {@link dev.pave.render.Manifests#yamlOf}, and the output is the same either way: a test
 * compares the two over generated values.
 */
final class Snippets {
  /** Plain scalars YAML 1.1 reads as booleans or null; Jackson quotes them. */
  private static final Set<String> RESERVED = Set.of("y", "n", "yes", "no", "true", "false",
      "on", "off", "null");

  private Snippets() {}

  static String yaml(Object tree) {
    String direct = direct(tree);
    return direct != null ? direct : dev.pave.render.Manifests.yamlOf(tree);
  }

  /** The snippet written directly, or null when it needs the general writer. */
  static String direct(Object tree) {
    if (tree instanceof Map<?, ?> m && !m.isEmpty()) {
      StringBuilder out = new StringBuilder(256);
      if (map(m, 0, false, out)) {
        return out.toString();
      }
    }
    return null;
  }

  /**
   * A non-empty map's entries at the indent, the first on the current line when it follows a
   * list's "- ". False when something in it needs the general writer.
   */
  private static boolean map(Map<?, ?> m, int indent, boolean inline, StringBuilder out) {
    boolean first = true;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      Object v = e.getValue();
      if (v == null) {
        continue;  // the general writer leaves out null values too
      }
      // Jackson quotes keys that start with a digit, so those go to it.
      if (!(e.getKey() instanceof String k) || !plain(k) || Character.isDigit(k.charAt(0))) {
        return false;
      }
      if (!(first && inline)) {
        indent(out, indent);
      }
      first = false;
      out.append(k).append(':');
      if (v instanceof Map<?, ?> child) {
        if (child.isEmpty()) {
          out.append(" {}\n");
        } else {
          out.append('\n');
          if (!map(child, indent + 2, false, out)) {
            return false;
          }
        }
      } else if (v instanceof List<?> list) {
        if (list.isEmpty()) {
          out.append(" []\n");
        } else {
          out.append('\n');
          if (!list(list, indent + 2, out)) {
            return false;
          }
        }
      } else {
        out.append(' ');
        if (!scalar(v, out)) {
          return false;
        }
        out.append('\n');
      }
    }
    // A map of null values only is written as {} by the general writer.
    return !first;
  }

  private static boolean list(List<?> list, int indent, StringBuilder out) {
    for (Object item : list) {
      indent(out, indent);
      out.append("- ");
      if (item instanceof Map<?, ?> m) {
        if (m.isEmpty()) {
          out.append("{}\n");
        } else if (!map(m, indent + 2, true, out)) {
          return false;
        }
      } else if (item == null || item instanceof List<?>) {
        return false;
      } else {
        if (!scalar(item, out)) {
          return false;
        }
        out.append('\n');
      }
    }
    return true;
  }

  private static boolean scalar(Object v, StringBuilder out) {
    if (v instanceof String s) {
      if (!plain(s)) {
        return false;
      }
      out.append(s);
      return true;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Boolean) {
      out.append(v);
      return true;
    }
    return false;
  }

  /**
   * Whether a string is written without quotes and reads back as the same string: letters,
   * digits and {@code . _ / -} and inner colons, starting with a letter or a slash, and not a
   * word YAML reads as a boolean or null; or digits followed by letters only.
   */
  static boolean plain(String s) {
    int n = s.length();
    if (n == 0 || n > 120) {
      return false;
    }
    char c0 = s.charAt(0);
    if (c0 >= '0' && c0 <= '9') {
      return quantity(s);
    }
    // A leading slash is no YAML indicator: paths such as /healthz stay plain.
    if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || c0 == '/')) {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '/' || c == '-' || (c == ':' && i < n - 1);
      if (!ok) {
        return false;
      }
    }
    return n > 5 || !RESERVED.contains(s.toLowerCase(java.util.Locale.ROOT));
  }

  /** Digits then letters, as quantities are written (100m, 128Mi, 30s): never a number. */
  private static boolean quantity(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    if (i == s.length()) {
      return false;
    }
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
        return false;
      }
    }
    return true;
  }

  private static void indent(StringBuilder out, int n) {
    for (int i = 0; i < n; i++) {
      out.append(' ');
    }
  }
}
