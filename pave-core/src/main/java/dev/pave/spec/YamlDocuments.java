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

  /** Read-only once built, so one is shared by every reader and thread. */
  private static final org.yaml.snakeyaml.resolver.Resolver RESOLVER =
      new org.yaml.snakeyaml.resolver.Resolver();

  private YamlDocuments() {}

  /**
   * Parses one document into a node tree, or adds a problem with the line and column of the
   * syntax error (counted from the start of the file) and returns null. Aliases and nesting
   * are bounded so a hostile document cannot exhaust memory.
   */
  public static org.yaml.snakeyaml.nodes.Node compose(String source, Piece piece,
      java.util.List<Problem> problems) {
    org.yaml.snakeyaml.LoaderOptions options = options();
    try {
      // The composer alone: a Yaml instance would also build a constructor and a representer
      // for every document.
      return new org.yaml.snakeyaml.composer.Composer(parser(piece, options), RESOLVER, options)
          .getSingleNode();
    } catch (org.yaml.snakeyaml.error.YAMLException e) {
      problems.add(problem(source, piece, e));
      return null;
    }
  }

  /** The limits every document is read with. */
  public static org.yaml.snakeyaml.LoaderOptions options() {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    options.setMaxAliasesForCollections(50);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(100);
    options.setCodePointLimit(64 * 1024 * 1024);
    return options;
  }

  /** The parser's events for one document, for readers that build their own tree. */
  public static org.yaml.snakeyaml.parser.Parser parser(Piece piece,
      org.yaml.snakeyaml.LoaderOptions options) {
    return new org.yaml.snakeyaml.parser.ParserImpl(
        new org.yaml.snakeyaml.reader.StreamReader(new java.io.StringReader(piece.text())),
        options);
  }

  /** The tag resolution of {@link #compose}, shared (it is read-only). */
  public static org.yaml.snakeyaml.resolver.Resolver resolver() {
    return RESOLVER;
  }

  /** A reading error as a problem at its line and column, counted from the start of the file. */
  public static Problem problem(String source, Piece piece,
      org.yaml.snakeyaml.error.YAMLException error) {
    if (error instanceof org.yaml.snakeyaml.error.MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? piece.firstLine() + 1
          : e.getProblemMark().getLine() + 1 + piece.firstLine();
      int column = e.getProblemMark() == null ? 1 : e.getProblemMark().getColumn() + 1;
      return new Problem(source, line, column, "", "not valid YAML: " + e.getProblem()
          + (e.getContext() == null ? "" : " (" + e.getContext() + ")"));
    }
    return new Problem(source, piece.firstLine() + 1, 1, "", "not valid YAML: "
        + error.getMessage());
  }

  public static List<Piece> split(String text) {
    // Pieces are cut out of the text by offset: a large stream is not copied line by line.
    List<Piece> pieces = new ArrayList<>();
    int start = 0;
    int startOffset = 0;
    int line = 0;
    int pos = 0;
    while (pos < text.length()) {
      int end = text.indexOf('\n', pos);
      int next = end < 0 ? text.length() : end + 1;
      if (isMarker(text, pos, next)) {
        addIfContent(pieces, text.substring(startOffset, pos), start);
        start = line;
        // Keep the marker line so content after "--- " stays on its own line and column.
        startOffset = pos;
      } else if (isEnd(text, pos, next)) {
        addIfContent(pieces, text.substring(startOffset, pos), start);
        start = line + 1;
        startOffset = next;
      }
      line++;
      pos = next;
    }
    addIfContent(pieces, text.substring(startOffset), start);
    return pieces;
  }

  private static boolean isMarker(String text, int from, int to) {
    return text.startsWith("---", from)
        && (to - from == 3 || Character.isWhitespace(text.charAt(from + 3)));
  }

  private static boolean isEnd(String text, int from, int to) {
    return text.startsWith("...", from) && text.substring(from, to).strip().equals("...");
  }

  private static void addIfContent(List<Piece> pieces, String text, int start) {
    int pos = 0;
    while (pos <= text.length()) {
      int end = text.indexOf('\n', pos);
      String s = (end < 0 ? text.substring(pos) : text.substring(pos, end)).strip();
      if (!s.isEmpty() && !s.startsWith("#") && !s.equals("---") && !s.startsWith("%")) {
        pieces.add(new Piece(text, start));
        return;
      }
      if (end < 0) {
        return;
      }
      pos = end + 1;
    }
  }
}
