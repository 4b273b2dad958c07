package dev.pave.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the YAML nearly every Kubernetes manifest is written in straight into the tree and
 * positions {@link YamlTree} builds: block mappings and sequences indented with spaces,
 * one-line flow collections, one-line plain and quoted scalars, comments. SnakeYAML's general
 * scanner and parser cost more than everything else a check does; this reader does the
 * common case in one pass over the characters.
 *
 * <p>Anything else gives up and returns null, and the document is then read by SnakeYAML from
 * its start: anchors, aliases, tags, block scalars, scalars or flow collections over several
 * lines, tabs, carriage returns, complex keys, directives, a document that is not a mapping,
 * and every error. So what is read, where each value is, and every message about broken input
 * stay SnakeYAML's; a test compares both readers over generated and mutated documents.
 */
final class CommonYaml {
  /** Thrown to give up; one instance without a stack trace, since giving up is routine. */
  private static final RuntimeException GIVE_UP = new RuntimeException("not common YAML",
      null, false, false) {};

  /** Well inside SnakeYAML's nesting limit, so a document it would refuse is never read here. */
  private static final int MAX_DEPTH = 64;
  /** SnakeYAML refuses a simple key longer than 1024 characters. */
  private static final int MAX_KEY = 1000;
  /** Longer documents go to SnakeYAML, which refuses those beyond its limit. */
  private static final int MAX_LENGTH = 16 * 1024 * 1024;

  /** The document's characters, one byte each: only ASCII text is read here. */
  private final byte[] s;

  private static final boolean[] NOT_PLAIN_START = ascii("?:,[]{}#&*!|>'\"%@`\n ");
  private static final boolean[] FLOW_INDICATOR = ascii(",[]{}");
  private final int end;
  private int pos;
  /** 0-based line of {@link #pos} and the offset that line starts at. */
  private int line;
  private int lineStart;
  private int depth;
  /** After a node: the indentation of the next line with content, -1 at the end. */
  private int next;
  /** Where the node just read starts, and the positions inside it (null for a scalar). */
  private long lastAt;
  private YamlTree.Spots lastSpots;

  /** The text read, to tell a '?' written from one a lone surrogate was encoded as. */
  private final String text;

  private CommonYaml(String text, byte[] ascii) {
    this.text = text;
    s = ascii;
    end = s.length;
  }

  /** The document's tree, or null when it is not in the common subset (or not valid). */
  static YamlTree.Root read(String text) {
    // For ASCII text this is a plain copy of the string's bytes, and the strings cut out of it
    // are copies back, with no conversion to and from UTF-16 either way.
    if (text.length() > MAX_LENGTH) {
      return null;  // SnakeYAML applies its limit on the size of a document
    }
    CommonYaml r = new CommonYaml(text, text.getBytes(StandardCharsets.UTF_8));
    try {
      return r.document();
    } catch (RuntimeException e) {
      if (e == GIVE_UP) {
        return null;
      }
      throw e;
    }
  }

  private YamlTree.Root document() {
    for (int i = 0; i < end; i++) {
      byte c = s[i];
      // Control characters (tab and carriage return included), DEL, and any byte of a
      // character beyond ASCII. A lone surrogate is encoded as '?', one byte for one char,
      // so there the text tells.
      if (c < ' ' ? c != '\n' : c == 0x7F || c == '?' && text.charAt(i) != '?') {
        throw GIVE_UP;
      }
    }
    if (marker(0)) {
      pos = 3;
      endOfLine();
    }
    if (contentLine() < 0) {
      throw GIVE_UP;
    }
    Object value = blockNode(-1);
    if (next >= 0 || !(value instanceof Map<?, ?>)) {
      throw GIVE_UP;
    }
    return new YamlTree.Root(value, lastAt, lastSpots);
  }

  private long here() {
    return (long) line << 32 | (pos - lineStart);
  }

  /** A document marker ("---" or "...") at offset p, which must start a line. */
  private boolean marker(int p) {
    if (p + 3 > end || !(s[p] == '-' && s[p + 1] == '-' && s[p + 2] == '-'
        || s[p] == '.' && s[p + 1] == '.' && s[p + 2] == '.')) {
      return false;
    }
    return p + 3 == end || s[p + 3] == ' ' || s[p + 3] == '\n';
  }

  private boolean blankAt(int p) {
    return p >= end || s[p] == ' ' || s[p] == '\n';
  }

  private void spaces() {
    while (pos < end && s[pos] == ' ') {
      pos++;
    }
  }

  /** Spaces, then a comment after at least one space, then the line break or the end. */
  private void endOfLine() {
    int from = pos;
    spaces();
    if (pos < end && s[pos] == '#' && pos > from) {
      while (pos < end && s[pos] != '\n') {
        pos++;
      }
    }
    if (pos == end) {
      return;
    }
    if (s[pos] != '\n') {
      throw GIVE_UP;
    }
    pos++;
    line++;
    lineStart = pos;
  }

  /** Past the rest of the line (a comment after a blank) and its line break. */
  private void skipLine() {
    while (pos < end && s[pos] != '\n') {
      pos++;
    }
    if (pos < end) {
      pos++;
      line++;
      lineStart = pos;
    }
  }

  /**
   * Moves to the first character of the next line with content, skipping blank lines and
   * comments, and returns its indentation, or -1 at the end of the document.
   */
  private int contentLine() {
    while (pos < end) {
      int p = pos;
      while (p < end && s[p] == ' ') {
        p++;
      }
      if (p == end) {
        pos = p;
        break;
      }
      if (s[p] == '\n' || s[p] == '#') {
        while (p < end && s[p] != '\n') {
          p++;
        }
        pos = p < end ? p + 1 : p;
        if (p < end) {
          line++;
          lineStart = pos;
        }
        continue;
      }
      if (p == lineStart && marker(p)) {
        throw GIVE_UP;
      }
      pos = p;
      return p - lineStart;
    }
    return -1;
  }

  /** The block node at pos, in a collection indented by {@code parent} (-1 for the root). */
  private Object blockNode(int parent) {
    int column = pos - lineStart;
    int c = s[pos];
    if (c == '-' && blankAt(pos + 1)) {
      return blockSequence(column);
    }
    if (startsKey()) {
      return blockMapping(column);
    }
    return inlineValue(parent);
  }

  /**
   * A scalar or flow collection that ends its line; the next line with content must not be
   * indented deeper than the collection it belongs to (it would continue the scalar).
   */
  private Object inlineValue(int parent) {
    Object value = flowOrScalar(false);
    endOfLine();
    next = contentLine();
    if (next > parent) {
      throw GIVE_UP;
    }
    return value;
  }

  /** Whether a key and ": " start at pos (without moving). */
  private boolean startsKey() {
    int save = pos;
    long savedAt = lastAt;
    try {
      int c = s[pos];
      if (c == '"' || c == '\'') {
        quoted(c);
      } else if (plainStart(false)) {
        plainEnd(false);
      } else {
        return false;
      }
      spaces();
      return pos < end && s[pos] == ':' && blankAt(pos + 1);
    } finally {
      pos = save;
      lastAt = savedAt;
    }
  }

  private Map<String, Object> blockMapping(int indent) {
    if (++depth > MAX_DEPTH) {
      throw GIVE_UP;
    }
    YamlTree.Spots spots = new YamlTree.Spots(true);
    Map<String, Object> out = new LinkedHashMap<>();
    long at = here();
    while (true) {
      long keyAt = here();
      String key = key(false);
      if (pos >= end || s[pos] != ':' || !blankAt(pos + 1)) {
        throw GIVE_UP;
      }
      pos++;
      long afterColon = here();
      spaces();
      Object value;
      if (pos == end || s[pos] == '\n' || s[pos] == '#') {
        value = valueBelow(indent, afterColon, true);
      } else {
        if (s[pos] == '-' && blankAt(pos + 1)) {
          throw GIVE_UP;
        }
        value = inlineValue(indent);
      }
      out.put(key, value);
      spots.add(key, keyAt, value, lastAt, lastSpots);
      if (next != indent) {
        break;
      }
      if (s[pos] == '-' && blankAt(pos + 1)) {
        throw GIVE_UP;
      }
    }
    close(indent, at, spots);
    return out;
  }

  /**
   * Ends a block collection that starts at {@code at}: the line after it may not be indented
   * deeper than the collection, which would continue something it cannot hold.
   */
  private void close(int indent, long at, YamlTree.Spots spots) {
    if (next > indent) {
      throw GIVE_UP;
    }
    depth--;
    lastAt = at;
    lastSpots = spots;
  }

  /**
   * The value of a key or a dash that ends its line: the node on the lines below when they are
   * indented deeper than the collection (for a key, also a sequence at the key's own
   * indentation), else an empty value where SnakeYAML puts it, just after the colon or dash.
   */
  private Object valueBelow(int indent, long afterMarker, boolean key) {
    skipLine();
    int below = contentLine();
    if (below > indent) {
      return blockNode(indent);
    }
    if (key && below == indent && s[pos] == '-' && blankAt(pos + 1)) {
      return blockSequence(indent);
    }
    lastAt = afterMarker;
    lastSpots = null;
    next = below;
    return null;
  }

  private List<Object> blockSequence(int indent) {
    if (++depth > MAX_DEPTH) {
      throw GIVE_UP;
    }
    YamlTree.Spots spots = new YamlTree.Spots(false);
    List<Object> out = new ArrayList<>();
    long at = here();
    while (true) {
      pos++;  // the dash
      long afterDash = here();
      spaces();
      Object value = pos == end || s[pos] == '\n' || s[pos] == '#'
          ? valueBelow(indent, afterDash, false) : blockNode(indent);
      out.add(value);
      spots.add(null, 0, null, lastAt, lastSpots);
      if (next != indent || s[pos] != '-' || !blankAt(pos + 1)) {
        break;
      }
    }
    // A line at this indentation that is not an entry ends a sequence that is a mapping's
    // value at the mapping's own indentation; anywhere else the collection around it refuses it.
    close(indent, at, spots);
    return out;
  }

  /**
   * A key's text at pos, plain or quoted, the one shared instance of it, leaving pos at what
   * follows it (spaces skipped).
   */
  private String key(boolean flow) {
    int from = pos;
    int c = s[pos];
    String key;
    if (c == '"' || c == '\'') {
      key = Keys.shared(quoted(c));
    } else if (plainStart(flow)) {
      int start = pos;
      int stop = plainEnd(flow);
      key = Keys.shared(s, start, stop);
    } else {
      throw GIVE_UP;
    }
    spaces();
    // Up to the colon, as SnakeYAML counts a simple key's length.
    if (pos - from > MAX_KEY) {
      throw GIVE_UP;
    }
    return key;
  }

  /** A scalar or a flow collection at pos; sets {@link #lastAt} and {@link #lastSpots}. */
  private Object flowOrScalar(boolean flow) {
    int c = s[pos];
    if (c == '{' || c == '[') {
      return flowCollection();
    }
    long at = here();
    Object value;
    if (c == '"' || c == '\'') {
      value = quoted(c);
    } else if (plainStart(flow)) {
      int start = pos;
      int stop = plainEnd(flow);
      value = YamlTree.plainValue(text(start, stop));
      // A plain value that stops at ": " would be a key where none can be.
      if (pos < end && s[pos] == ':') {
        throw GIVE_UP;
      }
    } else {
      throw GIVE_UP;
    }
    lastAt = at;
    lastSpots = null;
    return value;
  }

  private Object flowCollection() {
    if (++depth > MAX_DEPTH) {
      throw GIVE_UP;
    }
    boolean mapping = s[pos] == '{';
    char close = mapping ? '}' : ']';
    long at = here();
    YamlTree.Spots spots = new YamlTree.Spots(mapping);
    Map<String, Object> map = mapping ? new LinkedHashMap<>() : null;
    List<Object> list = mapping ? null : new ArrayList<>();
    pos++;
    while (true) {
      spaces();
      if (pos == end || s[pos] == '\n') {
        throw GIVE_UP;
      }
      if (s[pos] == close) {
        pos++;
        break;
      }
      if (mapping) {
        long keyAt = here();
        String key = key(true);
        if (pos >= end || s[pos] != ':' || pos + 1 >= end || s[pos + 1] != ' ') {
          throw GIVE_UP;
        }
        pos += 2;
        spaces();
        Object value = flowValue();
        map.put(key, value);
        spots.add(key, keyAt, value, lastAt, lastSpots);
      } else {
        Object value = flowValue();
        list.add(value);
        spots.add(null, 0, null, lastAt, lastSpots);
      }
      spaces();
      if (pos < end && s[pos] == ',') {
        pos++;
      } else if (pos >= end || s[pos] != close) {
        throw GIVE_UP;
      }
    }
    depth--;
    lastAt = at;
    lastSpots = spots;
    return mapping ? map : list;
  }

  private Object flowValue() {
    if (pos == end || s[pos] == ',' || s[pos] == '}' || s[pos] == ']' || s[pos] == '\n') {
      throw GIVE_UP;
    }
    return flowOrScalar(true);
  }

  /**
   * Whether a plain scalar can start at pos: not with an indicator, except "-" before a
   * character that is not blank (a negative number, a word).
   */
  private boolean plainStart(boolean flow) {
    int c = s[pos];
    if (c == '-') {
      return !blankAt(pos + 1) && (!flow || !FLOW_INDICATOR[s[pos + 1]]);
    }
    return !NOT_PLAIN_START[c];
  }

  /**
   * Moves pos past a one-line plain scalar and returns where its text ends, trailing spaces
   * dropped. It stops at the end of the line, at ": " or a colon ending the line, at " #", and
   * in a flow collection at , [ ] { }. A colon, "?" or "#" anywhere else inside a flow scalar
   * gives up, as does the next line continuing the scalar (checked by the caller).
   */
  private int plainEnd(boolean flow) {
    int stop = pos;
    while (pos < end) {
      int c = s[pos];
      if (c == '\n') {
        break;
      }
      if (c == ':') {
        if (blankAt(pos + 1)) {
          break;
        }
        if (flow) {
          throw GIVE_UP;
        }
      } else if (c == ' ') {
        if (pos + 1 < end && s[pos + 1] == '#') {
          break;
        }
        pos++;
        continue;
      } else if (flow && (c == ',' || c == '[' || c == ']' || c == '{' || c == '}')) {
        break;
      } else if (flow && (c == '#' || c == '?')) {
        throw GIVE_UP;
      }
      pos++;
      stop = pos;
    }
    return stop;
  }

  /** A quoted scalar on one line; pos ends just after the closing quote. */
  private String quoted(int quote) {
    pos++;
    StringBuilder b = null;
    int start = pos;
    while (true) {
      if (pos == end || s[pos] == '\n') {
        throw GIVE_UP;
      }
      int c = s[pos];
      if (c == quote) {
        if (quote == '\'' && pos + 1 < end && s[pos + 1] == '\'') {
          b = append(b, start, pos + 1);
          pos += 2;
          start = pos;
          continue;
        }
        String text = b == null ? text(start, pos)
            : append(b, start, pos).toString();
        pos++;
        return text;
      }
      if (c == '\\' && quote == '"') {
        b = append(b, start, pos);
        pos++;
        if (pos == end) {
          throw GIVE_UP;
        }
        char e = (char) s[pos];
        switch (e) {
          case '"', '\\' -> b.append(e);
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case '0' -> b.append('\0');
          case 'u' -> {
            if (pos + 4 >= end) {
              throw GIVE_UP;
            }
            int code = 0;
            for (int i = 1; i <= 4; i++) {
              int d = Character.digit(s[pos + i], 16);
              if (d < 0) {
                throw GIVE_UP;
              }
              code = code * 16 + d;
            }
            if (code >= 0xD800 && code < 0xE000) {
              throw GIVE_UP;
            }
            b.append((char) code);
            pos += 4;
          }
          default -> throw GIVE_UP;
        }
        pos++;
        start = pos;
        continue;
      }
      pos++;
    }
  }

  private static boolean[] ascii(String chars) {
    boolean[] out = new boolean[128];
    chars.chars().forEach(c -> out[c] = true);
    return out;
  }

  private StringBuilder append(StringBuilder b, int from, int to) {
    StringBuilder out = b == null ? new StringBuilder() : b;
    return out.append(text(from, to));
  }

  private String text(int from, int to) {
    return new String(s, from, to - from, StandardCharsets.ISO_8859_1);
  }
}
