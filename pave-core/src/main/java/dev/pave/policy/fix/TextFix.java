package dev.pave.policy.fix;

import dev.pave.policy.Finding;
import dev.pave.source.SourceObject;
import dev.pave.source.SourceReader;
import dev.pave.spec.YamlDocuments;
import java.util.List;

/**
 * A fix as a text replacement in its file: which whole lines to delete and what to insert, the
 * form SARIF's fixes take. Worked out with the same line edits as {@code pave fix}.
 */
public record TextFix(int startLine, int endLine, String inserted) {

  /** The replacement for one violation, or null when it cannot be expressed as line edits. */
  public static TextFix of(String fileText, Finding.Violation v) {
    return of(YamlDocuments.split(fileText), v);
  }

  /**
   * As {@link #of(String, Finding.Violation)}, with the file split into documents once: a
   * report of thousands of findings in one large file must not split it again for each.
   */
  public static TextFix of(List<YamlDocuments.Piece> pieces, Finding.Violation v) {
    if (v.patch().isEmpty() || v.position().line() <= 0) {
      return null;
    }
    // The last document that starts before the violation's line; pieces are in file order.
    int lo = 0;
    int hi = pieces.size() - 1;
    YamlDocuments.Piece piece = null;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (pieces.get(mid).firstLine() < v.position().line()) {
        piece = pieces.get(mid);
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (piece == null) {
      return null;
    }
    List<SourceObject> objects = SourceReader.read("fix", piece.text()).objects();
    if (objects.size() != 1) {
      return null;
    }
    String after = InPlaceFixer.edit(piece.text(), v.patch(), objects.get(0).object());
    if (after == null) {
      return null;
    }
    String[] a = piece.text().split("\n", -1);
    String[] b = after.split("\n", -1);
    int head = 0;
    while (head < a.length && head < b.length && a[head].equals(b[head])) {
      head++;
    }
    int tail = 0;
    while (tail < a.length - head && tail < b.length - head
        && a[a.length - 1 - tail].equals(b[b.length - 1 - tail])) {
      tail++;
    }
    StringBuilder inserted = new StringBuilder();
    for (int i = head; i < b.length - tail; i++) {
      inserted.append(b[i]).append('\n');
    }
    // Lines are 1-based; the deleted range is [startLine, endLine), whole lines.
    int start = piece.firstLine() + head + 1;
    int end = piece.firstLine() + (a.length - tail) + 1;
    return new TextFix(start, end, inserted.toString());
  }
}
