package dev.pave.source;

import dev.pave.spec.YamlDocuments;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.ComposerException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;

/**
 * Builds the plain tree of one document (maps, lists, strings, longs, doubles, booleans)
 * straight from SnakeYAML's parser events, with the position of every key and value kept
 * beside it in arrays. It reads what SnakeYAML's composer followed by a walk over its nodes
 * read, with the same limits and errors, without the node graph in between: for a large
 * input that graph (a node, two marks and a tag per scalar) was most of the work after
 * scanning.
 */
final class YamlTree {
  /** The words SnakeYAML's YAML 1.1 resolver reads as booleans and nulls; no other word is. */
  private static final Map<String, Tag> WORDS = words();

  /** The events of the one document being read. */
  private final Parser parser;
  private final LoaderOptions options;
  private final Map<String, Anchor> anchors = new HashMap<>();
  private int depth;
  private int collectionAliases;
  /** Where the node just built starts, and the positions inside it (null for a scalar). */
  private long lastAt;
  private Spots lastSpots;
  /** The text of the scalar just built (also through an alias), null for a collection. */
  private String lastRaw;

  /** A document read: its tree, where its root starts, and the positions inside it. */
  record Root(Object value, long at, Spots spots) {}

  /** A node with an anchor, for the aliases after it; open while it is still being read. */
  private static final class Anchor {
    Object value;
    String raw;
    long at;
    Spots spots;
    boolean open;
  }

  /**
   * Where the entries of one mapping or sequence are: for entry i, its key (mappings only),
   * the start of its value and, when the value is a mapping or a sequence, its own entries.
   * Positions are 0-based line and column within the document, packed into a long.
   */
  static final class Spots {
    final boolean mapping;
    int size;
    /** Keys as written; null where a key is not a scalar (it never matches a path). */
    String[] keys;
    long[] keyAt;
    /** Values of a mapping's entries, duplicates included, in the order written. */
    Object[] values;
    long[] valueAt;
    Spots[] children;

    Spots(boolean mapping) {
      this.mapping = mapping;
      int n = 4;
      if (mapping) {
        keys = new String[n];
        keyAt = new long[n];
        values = new Object[n];
      }
      valueAt = new long[n];
      children = new Spots[n];
    }

    void add(String key, long keyPosition, Object value, long valuePosition, Spots child) {
      if (size == valueAt.length) {
        int n = size * 2;
        if (mapping) {
          keys = Arrays.copyOf(keys, n);
          keyAt = Arrays.copyOf(keyAt, n);
          values = Arrays.copyOf(values, n);
        }
        valueAt = Arrays.copyOf(valueAt, n);
        children = Arrays.copyOf(children, n);
      }
      if (mapping) {
        keys[size] = key;
        keyAt[size] = keyPosition;
        values[size] = value;
      }
      valueAt[size] = valuePosition;
      children[size] = child;
      size++;
    }
  }

  /** A composer's error: the same class, messages and marks as SnakeYAML's own. */
  private static final class Unreadable extends ComposerException {
    Unreadable(String context, String problem, Mark mark) {
      super(context, null, problem, mark);
    }
  }

  private YamlTree(Parser parser, LoaderOptions options) {
    this.parser = parser;
    this.options = options;
  }

  static long at(Mark m) {
    return (long) m.getLine() << 32 | m.getColumn();
  }

  static int line(long at) {
    return (int) (at >>> 32);
  }

  static int column(long at) {
    return (int) at;
  }

  /**
   * Reads the only document of a piece, or null when it holds none. Throws what the composer
   * throws for the same text: YAML errors with their marks, more than one document, undefined
   * aliases, too many aliases of collections, nesting too deep, global tags.
   */
  static Root read(YamlDocuments.Piece piece) {
    Root common = CommonYaml.read(piece.text());
    return common != null ? common : readFully(piece);
  }

  /** The same, always through SnakeYAML's scanner and parser. */
  static Root readFully(YamlDocuments.Piece piece) {
    LoaderOptions options = YamlDocuments.options();
    YamlTree t = new YamlTree(YamlDocuments.parser(piece, options), options);
    return t.single();
  }

  private Root single() {
    parser.getEvent();  // stream start
    Root root = null;
    if (!parser.checkEvent(Event.ID.StreamEnd)) {
      parser.getEvent();  // document start
      Object value = node();
      root = new Root(value, lastAt, lastSpots);
      parser.getEvent();  // document end
      anchors.clear();
    }
    if (!parser.checkEvent(Event.ID.StreamEnd)) {
      Event event = parser.getEvent();
      throw new Unreadable("expected a single document in the stream",
          "but found another document", event.getStartMark());
    }
    parser.getEvent();  // stream end
    return root;
  }

  private Object node() {
    Event event = parser.getEvent();
    if (event instanceof AliasEvent alias) {
      return alias(alias);
    }
    if (depth > options.getNestingDepthLimit()) {
      throw new YAMLException("Nesting Depth exceeded max " + options.getNestingDepthLimit());
    }
    depth++;
    Object value;
    if (event instanceof ScalarEvent s) {
      value = scalar(s);
      lastAt = at(s.getStartMark());
      lastSpots = null;
      lastRaw = s.getValue();
      if (s.getAnchor() != null) {
        Anchor a = new Anchor();
        a.value = value;
        a.raw = lastRaw;
        a.at = lastAt;
        anchors.put(s.getAnchor(), a);
      }
    } else {
      value = collection((CollectionStartEvent) event);
    }
    depth--;
    return value;
  }

  private Object alias(AliasEvent event) {
    Anchor a = anchors.get(event.getAnchor());
    if (a == null) {
      throw new Unreadable(null, "found undefined alias " + event.getAnchor(),
          event.getStartMark());
    }
    if (a.spots != null && ++collectionAliases > options.getMaxAliasesForCollections()) {
      throw new YAMLException("Number of aliases for non-scalar nodes exceeds the specified"
          + " max=" + options.getMaxAliasesForCollections());
    }
    if (a.open) {
      // A collection that contains itself has no plain tree.
      throw new Unreadable(null, "found a recursive alias " + event.getAnchor(),
          event.getStartMark());
    }
    lastAt = a.at;
    lastSpots = a.spots;
    lastRaw = a.raw;
    // Each use is its own copy, as when the composed nodes were walked.
    return Trees.copy(a.value);
  }

  private Object collection(CollectionStartEvent start) {
    checkTag(start.getTag(), start);
    boolean mapping = start instanceof MappingStartEvent;
    Spots spots = new Spots(mapping);
    long at = at(start.getStartMark());
    Anchor anchor = null;
    if (start.getAnchor() != null) {
      anchor = new Anchor();
      anchor.at = at;
      anchor.spots = spots;
      anchor.open = true;
      anchors.put(start.getAnchor(), anchor);
    }
    Object value;
    if (mapping) {
      Map<String, Object> out = new LinkedHashMap<>();
      while (!parser.checkEvent(Event.ID.MappingEnd)) {
        Object key = node();
        long keyAt = lastAt;
        // A scalar key is its text as written; only those are found by path.
        String name = lastRaw == null ? null : Keys.shared(lastRaw);
        Object item = node();
        out.put(name != null ? name : String.valueOf(key), item);
        spots.add(name, keyAt, item, lastAt, lastSpots);
      }
      value = out;
    } else {
      List<Object> out = new ArrayList<>();
      while (!parser.checkEvent(Event.ID.SequenceEnd)) {
        Object item = node();
        out.add(item);
        spots.add(null, 0, null, lastAt, lastSpots);
      }
      value = out;
    }
    parser.getEvent();  // collection end
    if (anchor != null) {
      anchor.value = value;
      anchor.open = false;
    }
    lastAt = at;
    lastSpots = spots;
    lastRaw = null;
    return value;
  }

  private void checkTag(String tag, Event event) {
    if (tag != null && !tag.equals("!")) {
      Tag t = new Tag(tag);
      if (t.isCustomGlobal() && !options.getTagInspector().isGlobalTagAllowed(t)) {
        throw new Unreadable(null, "Global tag is not allowed: " + tag,
            event.getStartMark());
      }
    }
  }

  /** YAML 1.1 resolution as Kubernetes' own YAML reader does it, with ints as Long for CEL. */
  private Object scalar(ScalarEvent s) {
    String v = s.getValue();
    String tag = s.getTag();
    boolean implicit = tag == null || tag.equals("!");
    if (!implicit) {
      checkTag(tag, s);
    }
    if (s.getScalarStyle() != ScalarStyle.PLAIN) {
      return v;
    }
    Tag resolved;
    if (!implicit) {
      resolved = new Tag(tag);
    } else if (s.getImplicit().canOmitTagInPlainScalar()) {
      resolved = plain(v);
    } else {
      resolved = Tag.STR;
    }
    return typed(resolved, v);
  }

  /** An untagged plain scalar as the resolver reads it: a string, null, boolean or number. */
  static Object plainValue(String v) {
    return typed(plain(v), v);
  }

  private static Object typed(Tag resolved, String v) {
    if (resolved == Tag.STR) {
      return v;
    }
    if (resolved.equals(Tag.NULL)) {
      return null;
    }
    if (resolved.equals(Tag.BOOL)) {
      String l = v.toLowerCase(java.util.Locale.ROOT);
      return l.equals("true") || l.equals("yes") || l.equals("on") || l.equals("y");
    }
    if (resolved.equals(Tag.INT)) {
      try {
        return Long.parseLong(v.replace("_", ""));
      } catch (NumberFormatException e) {
        return v;
      }
    }
    if (resolved.equals(Tag.FLOAT)) {
      try {
        return Double.parseDouble(v.replace("_", ""));
      } catch (NumberFormatException e) {
        return v;
      }
    }
    return v;
  }

  private static Map<String, Tag> words() {
    Map<String, Tag> out = new HashMap<>();
    for (String w : List.of("yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE",
        "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF")) {
      out.put(w, Tag.BOOL);
    }
    for (String w : List.of("null", "Null", "NULL")) {
      out.put(w, Tag.NULL);
    }
    return Map.copyOf(out);
  }

  /**
   * The tag the resolver gives a plain scalar, without its regular expressions for the common
   * cases: a word is a boolean, a null or a string; "~" is null; digits without a leading
   * zero are an int. Numbers in other forms go to the resolver. Any other first character has
   * no pattern of its own that reads as anything but a string here (merge keys, timestamps and
   * the rest stay strings).
   */
  private static Tag plain(String v) {
    if (v.isEmpty()) {
      return Tag.NULL;
    }
    char c = v.charAt(0);
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
      return v.length() <= 5 && "yYnNtTfFoO".indexOf(c) >= 0
          ? WORDS.getOrDefault(v, Tag.STR) : Tag.STR;
    }
    if (c == '~') {
      return v.length() == 1 ? Tag.NULL : Tag.STR;
    }
    if (c >= '1' && c <= '9' && digits(v)) {
      return Tag.INT;
    }
    if ((c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.') && numberLike(v)) {
      return YamlDocuments.resolver().resolve(NodeId.scalar, v, true);
    }
    return Tag.STR;
  }

  /**
   * Whether every character can occur in the resolver's ints, floats or timestamps (0x1F,
   * 1_000, 1:20, 1e3, .inf, .NaN, 2001-12-14T21:59:43Z); "100m" or "128Mi" cannot be any.
   */
  private static boolean numberLike(String v) {
    for (int i = 0; i < v.length(); i++) {
      if (NUMBER_CHARS.indexOf(v.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  private static final String NUMBER_CHARS = "0123456789-+_.:abcdefABCDEFxinINTtZ \t";

  private static boolean digits(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
