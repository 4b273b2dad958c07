package dev.pave.source;

import dev.pave.spec.Position;
import dev.pave.spec.Problem;
import dev.pave.spec.SourceMap;
import dev.pave.spec.YamlDocuments;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads any Kubernetes objects from YAML or JSON text: multi-document streams, {@code List}
 * objects, output of Helm or Kustomize. Every field's position is kept so that a finding can
 * point at a line and column. A broken document is reported and the others are still read.
 */
public final class SourceReader {
  /** Everything read from one text. */
  public record Result(List<SourceObject> objects, List<Problem> problems) {}

  private SourceReader() {}

  public static Result read(String source, String text) {
    List<YamlDocuments.Piece> pieces = YamlDocuments.split(text);
    // Large streams (thousands of documents piped from Helm or kustomize) are read in parallel;
    // the order of the result stays the order of the documents.
    List<Result> parts = (pieces.size() > 64 ? pieces.parallelStream() : pieces.stream())
        .map(piece -> readPiece(source, piece)).toList();
    List<SourceObject> objects = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (Result r : parts) {
      objects.addAll(r.objects());
      problems.addAll(r.problems());
    }
    return new Result(objects, problems);
  }

  /**
   * Reads each document and hands each object to {@code each} straight away, in parallel for
   * large streams, so that only the results are kept, not every object of a large input. The
   * results come back in document order; problems are added to {@code problems}.
   */
  public static <T> List<T> readEach(String source, String text,
      java.util.function.Function<SourceObject, T> each, List<Problem> problems) {
    return readEach(source, YamlDocuments.split(text), each, problems);
  }

  /** As {@link #readEach(String, String, java.util.function.Function, List)}, split already. */
  public static <T> List<T> readEach(String source, List<YamlDocuments.Piece> pieces,
      java.util.function.Function<SourceObject, T> each, List<Problem> problems) {
    record Part<T>(List<T> results, List<Problem> problems) {}
    List<Part<T>> parts = (pieces.size() > 64 ? pieces.parallelStream() : pieces.stream())
        .map(piece -> {
          Result r = readPiece(source, piece);
          return new Part<T>(r.objects().stream().map(each).toList(), r.problems());
        }).toList();
    List<T> out = new ArrayList<>();
    for (Part<T> part : parts) {
      out.addAll(part.results());
      problems.addAll(part.problems());
    }
    return out;
  }

  /**
   * Reads only the documents that can be of the given kinds (their text names the kind), for
   * a first pass that collects the objects rules look up, such as PodDisruptionBudgets.
   */
  public static List<SourceObject> readKinds(String source, String text,
      java.util.Set<String> kinds) {
    return readKinds(source, YamlDocuments.split(text), kinds);
  }

  /** As {@link #readKinds(String, String, java.util.Set)}, split already. */
  public static List<SourceObject> readKinds(String source, List<YamlDocuments.Piece> pieces,
      java.util.Set<String> kinds) {
    // Looking for the kinds' names in every document of a large stream is done on every core;
    // the result keeps document order.
    return (pieces.size() > 64 ? pieces.parallelStream() : pieces.stream())
        .filter(piece -> kinds.stream().anyMatch(k -> piece.text().contains(k)))
        .flatMap(piece -> readPiece(source, piece).objects().stream())
        .filter(o -> kinds.contains(o.kind()))
        .toList();
  }

  private static Result readPiece(String source, YamlDocuments.Piece piece) {
    List<SourceObject> objects = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    Node root = YamlDocuments.compose(source, piece, problems);
    if (root == null) {
      return new Result(objects, problems);
    }
    Object tree = Walker.walk(root);
    if (!(tree instanceof Map<?, ?>)) {
      Position p = Walker.at(root, piece.firstLine());
      problems.add(new Problem(source, p.line(), p.column(), "", "expected a Kubernetes object"
          + " (a mapping with apiVersion and kind)"));
      return new Result(objects, problems);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> object = (Map<String, Object>) tree;
    if ("List".equals(object.get("kind")) || String.valueOf(object.get("kind"))
        .endsWith("List") && object.get("items") instanceof List<?>) {
      SequenceNode items = itemsNode((MappingNode) root);
      if (items != null) {
        for (int i = 0; i < items.getValue().size(); i++) {
          Object itemTree = Walker.walk(items.getValue().get(i));
          if (itemTree instanceof Map<?, ?>) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) itemTree;
            objects.add(new SourceObject(m, positions(source, piece, items.getValue().get(i))));
          }
        }
      }
      return new Result(objects, problems);
    }
    objects.add(new SourceObject(object, positions(source, piece, root)));
    return new Result(objects, problems);
  }

  /**
   * Positions are looked up in the node tree only when a finding asks for one, by walking the
   * path; no map of every field is built. The tree lives as long as the object, which a
   * streaming check drops as soon as it has been evaluated.
   */
  private static SourceMap positions(String source, YamlDocuments.Piece piece, Node node) {
    return SourceMap.resolving(source, (path, key) -> find(node, path, key, piece.firstLine()));
  }

  /** Follows a path such as spec.containers[0].image down the tree, as far as it goes. */
  static SourceMap.Found find(Node root, String path, boolean wantKey, int lineOffset) {
    List<String> tokens = new ArrayList<>();
    for (String part : path.isEmpty() ? new String[0] : path.split("\\.")) {
      int bracket = part.indexOf('[');
      tokens.add(bracket < 0 ? part : part.substring(0, bracket));
      while (bracket >= 0) {
        int close = part.indexOf(']', bracket);
        tokens.add("[" + part.substring(bracket + 1, close));
        bracket = part.indexOf('[', close);
      }
    }
    tokens.removeIf(String::isEmpty);
    Node node = root;
    Node keyNode = null;
    int i = 0;
    while (i < tokens.size()) {
      String t = tokens.get(i);
      Node next = null;
      Node nextKey = null;
      int used = 1;
      if (t.startsWith("[") && node instanceof SequenceNode s) {
        int index = Integer.parseInt(t.substring(1));
        next = index < s.getValue().size() ? s.getValue().get(index) : null;
      } else if (node instanceof MappingNode m) {
        // Keys may contain dots (app.kubernetes.io/name): when a token is not a key, try it
        // joined with the tokens after it.
        for (int n = 1; n <= tokens.size() - i && next == null; n++) {
          String candidate = n == 1 ? t : String.join(".", tokens.subList(i, i + n));
          for (NodeTuple tuple : m.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(candidate)) {
              next = tuple.getValueNode();
              nextKey = k;
              used = n;
            }
          }
        }
      }
      if (next == null) {
        return new SourceMap.Found(Walker.at(node, lineOffset), false);
      }
      node = next;
      keyNode = nextKey;
      i += used;
    }
    Node shown = wantKey && keyNode != null ? keyNode : node;
    return new SourceMap.Found(Walker.at(shown, lineOffset), true);
  }

  private static SequenceNode itemsNode(MappingNode root) {
    for (NodeTuple t : root.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("items")
          && t.getValueNode() instanceof SequenceNode s) {
        return s;
      }
    }
    return null;
  }

  /** Converts nodes to plain Java values. */
  private static final class Walker {
    private Walker() {}

    static Position at(Node n, int lineOffset) {
      return new Position(n.getStartMark().getLine() + 1 + lineOffset,
          n.getStartMark().getColumn() + 1);
    }

    static Object walk(Node node) {
      if (node instanceof MappingNode m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
          String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue()
              : String.valueOf(walk(t.getKeyNode()));
          out.put(key, walk(t.getValueNode()));
        }
        return out;
      }
      if (node instanceof SequenceNode s) {
        List<Object> out = new ArrayList<>(s.getValue().size());
        for (Node item : s.getValue()) {
          out.add(walk(item));
        }
        return out;
      }
      return scalar((ScalarNode) node);
    }

    /** YAML 1.1 resolution as Kubernetes' own YAML reader does it, with ints as Long for CEL. */
    private static Object scalar(ScalarNode s) {
      String v = s.getValue();
      if (s.getScalarStyle() != ScalarStyle.PLAIN) {
        return v;
      }
      Tag tag = s.getTag();
      if (tag.equals(Tag.NULL)) {
        return null;
      }
      if (tag.equals(Tag.BOOL)) {
        String l = v.toLowerCase(java.util.Locale.ROOT);
        return l.equals("true") || l.equals("yes") || l.equals("on") || l.equals("y");
      }
      if (tag.equals(Tag.INT)) {
        try {
          return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
          return v;
        }
      }
      if (tag.equals(Tag.FLOAT)) {
        try {
          return Double.parseDouble(v.replace("_", ""));
        } catch (NumberFormatException e) {
          return v;
        }
      }
      return v;
    }
  }
}
