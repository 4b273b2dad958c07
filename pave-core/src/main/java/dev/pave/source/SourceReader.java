package dev.pave.source;

import dev.pave.spec.Position;
import dev.pave.spec.Problem;
import dev.pave.spec.SourceMap;
import dev.pave.spec.YamlDocuments;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.YAMLException;

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
    YamlTree.Root root;
    try {
      root = YamlTree.read(piece);
    } catch (YAMLException e) {
      problems.add(YamlDocuments.problem(source, piece, e));
      return new Result(objects, problems);
    }
    if (root == null) {
      return new Result(objects, problems);
    }
    if (!(root.value() instanceof Map<?, ?>)) {
      Position p = position(root.at(), piece.firstLine());
      problems.add(new Problem(source, p.line(), p.column(), "", "expected a Kubernetes object"
          + " (a mapping with apiVersion and kind)"));
      return new Result(objects, problems);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> object = (Map<String, Object>) root.value();
    if ("List".equals(object.get("kind")) || String.valueOf(object.get("kind"))
        .endsWith("List") && object.get("items") instanceof List<?>) {
      YamlTree.Spots spots = root.spots();
      for (int e = 0; e < spots.size; e++) {
        // The first "items" that is a sequence, as written.
        if ("items".equals(spots.keys[e]) && spots.values[e] instanceof List<?> items
            && spots.children[e] != null) {
          YamlTree.Spots itemSpots = spots.children[e];
          for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof Map<?, ?>) {
              @SuppressWarnings("unchecked")
              Map<String, Object> m = (Map<String, Object>) items.get(i);
              objects.add(new SourceObject(m, positions(source, piece,
                  itemSpots.valueAt[i], itemSpots.children[i])));
            }
          }
          break;
        }
      }
      return new Result(objects, problems);
    }
    objects.add(new SourceObject(object, positions(source, piece, root.at(), root.spots())));
    return new Result(objects, problems);
  }

  /**
   * Positions are looked up in the position arrays kept beside the tree only when a finding
   * asks for one, by walking the path; no map of every field is built. They live as long as
   * the object, which a streaming check drops as soon as it has been evaluated.
   */
  private static SourceMap positions(String source, YamlDocuments.Piece piece, long at,
      YamlTree.Spots spots) {
    return SourceMap.resolving(source, (path, key) -> find(at, spots, path, key,
        piece.firstLine()));
  }

  private static Position position(long at, int lineOffset) {
    return new Position(YamlTree.line(at) + 1 + lineOffset, YamlTree.column(at) + 1);
  }

  /**
   * The parts of a path: spec.containers[0].image gives spec, containers, [0, image. One pass
   * over the path: positions are looked up for every finding of a large check.
   */
  static List<String> tokens(String path) {
    List<String> tokens = new ArrayList<>();
    int n = path.length();
    int start = 0;
    boolean index = false;
    // Characters between a "]" and the next "." or "[" are not part of any token.
    boolean closed = false;
    for (int i = 0; i <= n; i++) {
      char c = i < n ? path.charAt(i) : '.';
      if (index) {
        if (c == ']') {
          tokens.add("[" + path.substring(start, i));
          index = false;
          closed = true;
        }
      } else if (c == '.' || c == '[') {
        if (i > start && !closed) {
          tokens.add(path.substring(start, i));
        }
        index = c == '[';
        closed = false;
        start = i + 1;
      }
    }
    return tokens;
  }

  /** Follows a path such as spec.containers[0].image down the tree, as far as it goes. */
  static SourceMap.Found find(long rootAt, YamlTree.Spots root, String path, boolean wantKey,
      int lineOffset) {
    List<String> tokens = tokens(path);
    long nodeAt = rootAt;
    YamlTree.Spots node = root;
    long keyAt = -1;
    int i = 0;
    while (i < tokens.size()) {
      String t = tokens.get(i);
      int found = -1;
      int used = 1;
      if (t.startsWith("[") && node != null && !node.mapping) {
        int index = Integer.parseInt(t.substring(1));
        found = index < node.size ? index : -1;
      } else if (node != null && node.mapping) {
        // Keys may contain dots (app.kubernetes.io/name): when a token is not a key, try it
        // joined with the tokens after it. Of keys written twice, the last is the one read.
        for (int n = 1; n <= tokens.size() - i && found < 0; n++) {
          String candidate = n == 1 ? t : String.join(".", tokens.subList(i, i + n));
          for (int e = 0; e < node.size; e++) {
            if (candidate.equals(node.keys[e])) {
              found = e;
              used = n;
            }
          }
        }
      }
      if (found < 0) {
        return new SourceMap.Found(position(nodeAt, lineOffset), false);
      }
      keyAt = node.mapping ? node.keyAt[found] : -1;
      nodeAt = node.valueAt[found];
      node = node.children[found];
      i += used;
    }
    long shown = wantKey && keyAt >= 0 ? keyAt : nodeAt;
    return new SourceMap.Found(position(shown, lineOffset), true);
  }
}
