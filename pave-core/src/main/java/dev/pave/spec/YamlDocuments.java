package dev.pave.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a multi-document YAML stream at its {@code ---} markers so that a syntax error in one
 * document does not hide the others. Each piece remembers the line it starts on.
 */
public final class YamlDocuments {
  /** One document's text and the 0-based line of the file it starts at. */
  public record Piece(String text, int firstLine) {}

  private YamlDocuments() {}

  public static List<Piece> split(String text) {
    List<Piece> pieces = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int start = 0;
    int line = 0;
    int pos = 0;
    while (pos < text.length()) {
      int end = text.indexOf('\n', pos);
      String l = end < 0 ? text.substring(pos) : text.substring(pos, end + 1);
      if (isMarker(l)) {
        addIfContent(pieces, current.toString(), start);
        current.setLength(0);
        start = line;
        // Keep the marker line so content after "--- " stays on its own line and column.
        current.append(l);
      } else if (isEnd(l)) {
        addIfContent(pieces, current.toString(), start);
        current.setLength(0);
        start = line + 1;
      } else {
        current.append(l);
      }
      line++;
      pos = end < 0 ? text.length() : end + 1;
    }
    addIfContent(pieces, current.toString(), start);
    return pieces;
  }

  private static boolean isMarker(String line) {
    return line.startsWith("---")
        && (line.length() == 3 || Character.isWhitespace(line.charAt(3)));
  }

  private static boolean isEnd(String line) {
    return line.startsWith("...") && line.strip().equals("...");
  }

  private static void addIfContent(List<Piece> pieces, String text, int start) {
    for (String l : text.split("\n", -1)) {
      String s = l.strip();
      if (!s.isEmpty() && !s.startsWith("#") && !s.equals("---") && !s.startsWith("%")) {
        pieces.add(new Piece(text, start));
        return;
      }
    }
  }
}
