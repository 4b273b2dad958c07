package dev.pave.policy.fix;

import dev.pave.policy.Finding;
import dev.pave.policy.PolicyEngine;
import dev.pave.policy.PolicyException;
import dev.pave.source.SourceObject;
import dev.pave.source.SourceReader;
import dev.pave.spec.YamlDocuments;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies the fixes of findings to YAML text, one finding at a time, re-checking after each.
 * Every edit touches only the lines it changes, and is kept only if the edited document still
 * reads as the object with the patch applied; otherwise the finding is left for a person.
 */
public final class InPlaceFixer {
  /** The fixed text, what was fixed and what had to be left. */
  public record Result(String text, List<String> fixed, List<String> left) {}

  private static final int MAX_ROUNDS = 200;

  private InPlaceFixer() {}

  public static Result fix(String source, String text, PolicyEngine engine,
      List<PolicyException> exceptions, Instant now) {
    List<String> fixed = new ArrayList<>();
    List<String> left = new ArrayList<>();
    Set<String> attempted = new HashSet<>();
    String current = text;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      String next = null;
      List<YamlDocuments.Piece> pieces = YamlDocuments.split(current);
      outer:
      for (int d = 0; d < pieces.size(); d++) {
        YamlDocuments.Piece piece = pieces.get(d);
        SourceReader.Result read = SourceReader.read(source, piece.text());
        if (read.objects().size() != 1) {
          continue;
        }
        SourceObject object = read.objects().get(0);
        for (Finding f : engine.evaluate(object, exceptions, now)) {
          if (!f.blocking()) {
            continue;
          }
          for (Finding.Violation v : f.violations()) {
            String key = d + " " + f.ruleId() + " " + v.path();
            if (!attempted.add(key)) {
              continue;
            }
            String label = f.resource() + " " + f.ruleId() + " at " + v.path();
            if (v.patch().isEmpty()) {
              left.add(label + ": no automatic fix");
              continue;
            }
            String placeholder = dev.pave.policy.Patches.placeholder(v.patch());
            if (placeholder != null) {
              left.add(label + ": no automatic fix: the fix's value \"" + placeholder
                  + "\" is for a person to choose; set the field by hand");
              continue;
            }
            String edited = applyAll(piece.text(), v.patch(), object.object());
            if (edited == null) {
              left.add(label + ": cannot be edited in place; apply the patch by hand");
              continue;
            }
            fixed.add(label);
            next = join(pieces, d, edited, current);
            break outer;
          }
        }
      }
      if (next == null) {
        break;
      }
      current = next;
    }
    return new Result(current, fixed, left);
  }

  /**
   * One document's text with a patch applied by line edits, or null when the patch cannot be
   * applied that way or the result would not read as the patched object.
   */
  public static String edit(String doc, List<Map<String, Object>> patch,
      Map<String, Object> before) {
    return applyAll(doc, patch, before);
  }

  private static String applyAll(String doc, List<Map<String, Object>> patch,
      Map<String, Object> before) {
    if (dev.pave.policy.Patches.placeholder(patch) != null) {
      // A stand-in such as "<team>" written into a file is never a fix: Kubernetes rejects it
      // as a label value, and a check would then take it for a real one.
      return null;
    }
    String edited = doc;
    for (Map<String, Object> op : patch) {
      try {
        edited = TextEdits.apply(edited, op);
      } catch (org.yaml.snakeyaml.error.YAMLException e) {
        // An earlier operation's edit left text that no longer reads (a line added next to a
        // flow-style sibling, say): the patch cannot be applied by line edits.
        return null;
      }
      if (edited == null) {
        return null;
      }
    }
    SourceReader.Result after = SourceReader.read("fix", edited);
    if (after.objects().size() != 1 || !after.problems().isEmpty()) {
      return null;
    }
    Map<String, Object> expected = dev.pave.policy.Patches.apply(before, patch);
    if (expected == null) {
      return null;
    }
    return after.objects().get(0).object().equals(normalise(expected)) ? edited : null;
  }

  @SuppressWarnings("unchecked")
  private static Object normaliseValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      return normalise((Map<String, Object>) m);
    }
    if (v instanceof List<?> l) {
      return l.stream().map(InPlaceFixer::normaliseValue).toList();
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    return v;
  }

  private static Map<String, Object> normalise(Map<String, Object> m) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, normaliseValue(v)));
    return out;
  }

  private static String join(List<YamlDocuments.Piece> pieces, int index, String replacement,
      String whole) {
    StringBuilder sb = new StringBuilder();
    String[] lines = whole.split("\n", -1);
    YamlDocuments.Piece target = pieces.get(index);
    int start = target.firstLine();
    int newlines = (int) target.text().chars().filter(c -> c == '\n').count();
    int length = target.text().endsWith("\n") ? newlines : newlines + 1;
    if (!replacement.endsWith("\n") && start + length < lines.length) {
      replacement = replacement + "\n";
    }
    for (int i = 0; i < start && i < lines.length; i++) {
      sb.append(lines[i]).append('\n');
    }
    sb.append(replacement);
    for (int i = start + length; i < lines.length; i++) {
      sb.append(lines[i]);
      if (i < lines.length - 1) {
        sb.append('\n');
      }
    }
    return sb.toString();
  }
}
