package dev.pave.signals.store;

/**
 * Text as the journal can hold it. PostgreSQL's text (and jsonb) cannot hold U+0000, and a lone
 * UTF-16 surrogate has no UTF-8 form; both arrive in real alerts (a label copied from a binary
 * field, JSON's {@code \ud800} escape). Each is written as the six characters of its JSON
 * escape, {@code \u0000}, {@code \uD800}. So that this stays reversible, a run of backslashes
 * directly before {@code u} and four hex digits, or before such an escape, is doubled: an odd
 * run before {@code uXXXX} then always marks an escape and {@link #unescape} returns the original
 * text. Text without these characters and without {@code \}{@code uXXXX} is left as it is.
 */
public final class StorableText {
  private StorableText() {}

  /** The text with what PostgreSQL cannot store escaped; the same instance when nothing is. */
  public static String escape(String s) {
    if (s == null || !needsEscape(s)) {
      return s;
    }
    int n = s.length();
    StringBuilder b = new StringBuilder(n + 16);
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\\') {
        int j = i;
        while (j < n && s.charAt(j) == '\\') {
          j++;
        }
        int run = j - i;
        boolean beforeEscape = j < n && (hexEscapeAt(s, j) || unstorable(s, j));
        b.append("\\".repeat(beforeEscape ? 2 * run : run));
        i = j;
      } else if (unstorable(s, i)) {
        b.append(String.format("\\u%04X", (int) c));
        i++;
      } else {
        b.append(c);
        i++;
      }
    }
    return b.toString();
  }

  /** The original of an {@link #escape}d text. */
  public static String unescape(String s) {
    if (s == null || s.indexOf('\\') < 0) {
      return s;
    }
    int n = s.length();
    StringBuilder b = new StringBuilder(n);
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c != '\\') {
        b.append(c);
        i++;
        continue;
      }
      int j = i;
      while (j < n && s.charAt(j) == '\\') {
        j++;
      }
      int run = j - i;
      if (j < n && hexEscapeAt(s, j)) {
        b.append("\\".repeat(run / 2));
        if (run % 2 == 1) {
          b.append((char) Integer.parseInt(s.substring(j + 1, j + 5), 16));
          j += 5;
        }
      } else {
        b.append("\\".repeat(run));
      }
      i = j;
    }
    return b.toString();
  }

  private static boolean needsEscape(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0 || Character.isSurrogate(c) && unstorable(s, i)
          || c == '\\' && i + 1 < s.length() && hexEscapeAt(s, i + 1)) {
        return true;
      }
    }
    return false;
  }

  private static boolean unstorable(String s, int i) {
    char c = s.charAt(i);
    if (c == 0) {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }

  /** {@code u} and four hex digits at {@code i}. */
  private static boolean hexEscapeAt(String s, int i) {
    if (i + 5 > s.length() || s.charAt(i) != 'u') {
      return false;
    }
    for (int k = i + 1; k < i + 5; k++) {
      char h = s.charAt(k);
      if (!(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F')) {
        return false;
      }
    }
    return true;
  }
}
