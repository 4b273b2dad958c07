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

  /**
   * Parses one document into a node tree, or adds a problem with the line and column of the
   * syntax error (counted from the start of the file) and returns null. Aliases and nesting
   * are bounded so a hostile document cannot exhaust memory.
   */
  public static org.yaml.snakeyaml.nodes.Node compose(String source, Piece piece,
      java.util.List<Problem> problems) {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    options.setMaxAliasesForCollections(50);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(100);
    options.setCodePointLimit(64 * 1024 * 1024);
    try {
      return new org.yaml.snakeyaml.Yaml(options).compose(new java.io.StringReader(piece.text()));
    } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? piece.firstLine() + 1
          : e.getProblemMark().getLine() + 1 + piece.firstLine();
      int column = e.getProblemMark() == null ? 1 : e.getProblemMark().getColumn() + 1;
      problems.add(new Problem(source, line, column, "", "not valid YAML: " + e.getProblem()
          + (e.getContext() == null ? "" : " (" + e.getContext() + ")")));
      return null;
    } catch (org.yaml.snakeyaml.error.YAMLException e) {
      problems.add(new Problem(source, piece.firstLine() + 1, 1, "", "not valid YAML: "
          + e.getMessage()));
      return null;
    }
  }

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
