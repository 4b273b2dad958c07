package dev.pave.console.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code pave init} command that would describe an unmanaged workload as a pave.yaml, with
 * the flags pave-cli's init takes (--name, --team, --image, --port, --no-input). Pure.
 */
public final class InitSuggestion {
  private InitSuggestion() {}

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._/:@+=-]+");

  /**
   * The command, and what it could not fill in: a missing team or image becomes a
   * placeholder the reader replaces, named in {@code gaps}.
   */
  public record Suggestion(String command, List<String> gaps) {}

  public static Suggestion of(Workload w) {
    List<String> gaps = new ArrayList<>();
    StringBuilder b = new StringBuilder("pave init --no-input --name ").append(quote(w.name()));
    if (w.team() == null) {
      gaps.add("the workload has no pave.dev/team label and its namespace no service: put"
          + " the owning team in place of TEAM");
      b.append(" --team TEAM");
    } else {
      b.append(" --team ").append(quote(w.team()));
    }
    if (w.image() == null) {
      gaps.add("no container image found: put it in place of IMAGE");
      b.append(" --image IMAGE");
    } else {
      if (!hasTag(w.image())) {
        gaps.add("the image " + w.image() + " has no tag; pave init wants one (the version"
            + " that runs now)");
      }
      b.append(" --image ").append(quote(w.image()));
    }
    if (w.port() != null) {
      b.append(" --port ").append(w.port());
    }
    return new Suggestion(b.toString(), List.copyOf(gaps));
  }

  static boolean hasTag(String image) {
    return image.contains("@") || image.lastIndexOf(':') > image.lastIndexOf('/');
  }

  /** Single quotes for a POSIX shell, where the value needs any. */
  static String quote(String s) {
    return SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
