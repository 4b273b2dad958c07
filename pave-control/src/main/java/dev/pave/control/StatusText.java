package dev.pave.control;

import java.util.regex.Pattern;

/**
 * Error text as it may appear in an Application's status or an Event: one line a developer can
 * read. Client exceptions sometimes carry the whole object they failed on (fabric8 prints a
 * GenericKubernetesResource with every field); that is noise in status and can leak values
 * from the spec, so it is cut out and the rest is kept short.
 */
public final class StatusText {
  static final int LIMIT = 300;
  // A model object's toString: Name(field=value, ...) or [Name(...)], to the end of the text.
  private static final Pattern OBJECT_DUMP =
      Pattern.compile("\\[?\\b[A-Z][A-Za-z]*\\((apiVersion|additionalProperties|metadata)=.*",
          Pattern.DOTALL);

  private StatusText() {}

  /** One line of at most {@value #LIMIT} characters, object dumps replaced by "(object)". */
  public static String oneLine(String text) {
    return oneLine(text, LIMIT);
  }

  /** As above, with room for {@code limit} characters (an Event's message takes 1024). */
  public static String oneLine(String text, int limit) {
    if (text == null) {
      return null;
    }
    String s = OBJECT_DUMP.matcher(text).replaceAll("(object)");
    s = s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    return s.length() <= limit ? s : s.substring(0, limit - 3) + "...";
  }
}
