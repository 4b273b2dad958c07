package dev.pave.policy.fix;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.render.Manifests;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Applies one JSON patch operation to YAML text by editing only the lines it concerns, so that
 * comments and the formatting of every other line stay as they were. Returns null when the
 * operation cannot be expressed as such an edit.
 */
final class TextEdits {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private TextEdits() {}

  static String apply(String doc, Map<String, Object> op) {
    // The composer alone, as Yaml.compose runs it: a Yaml instance would also build a
    // constructor and a representer for every edit of every fix.
    LoaderOptions options = new LoaderOptions();
    Node root = new org.yaml.snakeyaml.composer.Composer(
        new org.yaml.snakeyaml.parser.ParserImpl(
            new org.yaml.snakeyaml.reader.StreamReader(new StringReader(doc)), options),
        dev.pave.spec.YamlDocuments.resolver(), options).getSingleNode();
    List<String> tokens = tokens((String) op.get("path"));
    String kind = (String) op.get("op");
    if (!kind.equals("remove")) {
      // A field written without a value reads as absent, so the patch adds what lies under it:
      // the empty value is where that goes.
      NullSlot slot = nullOnPath(root, tokens);
      if (slot != null) {
        Object value = nest(tokens.subList(slot.depth(), tokens.size()), op.get("value"));
        return value == null ? null : fillNull(doc, slot, value);
      }
    }
    Node parent = find(root, tokens.subList(0, tokens.size() - 1));
    String last = tokens.get(tokens.size() - 1);
    if (parent == null) {
      return null;
    }
    if (kind.equals("replace")) {
      Node target = find(parent, List.of(last));
      return target == null ? null : replaceNode(doc, target, op.get("value"));
    }
    if (kind.equals("remove")) {
      return parent instanceof MappingNode m ? removeKey(doc, m, last) : null;
    }
    if (parent instanceof MappingNode m) {
      Node existing = find(m, List.of(last));
      if (existing != null) {
        return replaceNode(doc, existing, op.get("value"));
      }
      return m.getFlowStyle() == FlowStyle.FLOW ? null : addKey(doc, m, last, op.get("value"));
    }
    if (parent instanceof SequenceNode s && last.equals("-")) {
      return s.getFlowStyle() == FlowStyle.FLOW || s.getValue().isEmpty() ? null
          : appendItem(doc, s, op.get("value"));
    }
    return null;
  }

  static List<String> tokens(String pointer) {
    return java.util.Arrays.stream(pointer.split("/")).filter(t -> !t.isEmpty())
        .map(t -> t.replace("~1", "/").replace("~0", "~")).toList();
  }

  private static Node find(Node node, List<String> tokens) {
    Node current = node;
    for (String t : tokens) {
      if (current instanceof MappingNode m) {
        Node next = null;
        for (NodeTuple tuple : m.getValue()) {
          if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(t)) {
            next = tuple.getValueNode();
          }
        }
        current = next;
      } else if (current instanceof SequenceNode s && t.matches("\\d+")
          && Integer.parseInt(t) < s.getValue().size()) {
        current = s.getValue().get(Integer.parseInt(t));
      } else {
        return null;
      }
      if (current == null) {
        return null;
      }
    }
    return current;
  }

  /** A value written without one ({@code key:}, {@code key: ~}), the key and its mapping. */
  private record NullSlot(MappingNode parent, NodeTuple tuple, int depth) {}

  /** The first value on the path that is written as null, or null when there is none. */
  private static NullSlot nullOnPath(Node root, List<String> tokens) {
    Node current = root;
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      if (current instanceof MappingNode m) {
        NodeTuple hit = null;
        for (NodeTuple tuple : m.getValue()) {
          if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(t)) {
            hit = tuple;
          }
        }
        if (hit == null) {
          return null;
        }
        if (hit.getValueNode() instanceof ScalarNode v && v.getTag().equals(Tag.NULL)) {
          return new NullSlot(m, hit, i + 1);
        }
        current = hit.getValueNode();
      } else if (current instanceof SequenceNode s && t.matches("\\d+")
          && Integer.parseInt(t) < s.getValue().size()) {
        current = s.getValue().get(Integer.parseInt(t));
      } else {
        return null;
      }
    }
    return null;
  }

  /**
   * The value the null becomes so that the rest of the path holds the patch's value; null when
   * the path goes on through a list index, which an absent list does not have.
   */
  private static Object nest(List<String> rest, Object value) {
    Object v = value;
    for (int i = rest.size() - 1; i >= 0; i--) {
      String t = rest.get(i);
      if (t.equals("-")) {
        v = List.of(v);
      } else if (t.matches("\\d+")) {
        return null;
      } else {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put(t, v);
        v = m;
      }
    }
    return v;
  }

  /**
   * The null replaced: a map or list in block style on the lines after the key, indented under
   * it (a comment after the key stays where it was); anything else in place, after the colon.
   */
  private static String fillNull(String doc, NullSlot slot, Object value) {
    Node target = slot.tuple().getValueNode();
    int start = target.getStartMark().getIndex();
    int end = target.getEndMark().getIndex();
    boolean collection = value instanceof Map<?, ?> m && !m.isEmpty()
        || value instanceof List<?> l && !l.isEmpty();
    if (!collection || slot.parent().getFlowStyle() == FlowStyle.FLOW) {
      return doc.substring(0, start) + (start == end ? " " : "") + flow(value)
          + doc.substring(end);
    }
    // "key: ~" loses its "~" (and the spaces before it); "key:" has nothing to lose.
    int cut = start;
    while (start < end && cut > 0 && doc.charAt(cut - 1) == ' ') {
      cut--;
    }
    String without = doc.substring(0, cut) + doc.substring(end);
    int insertAt = lineEnd(without, cut + 1);
    String lead = insertAt == without.length() && !without.endsWith("\n") ? "\n" : "";
    int indent = slot.tuple().getKeyNode().getStartMark().getColumn() + 2;
    return without.substring(0, insertAt) + lead + block(value, indent)
        + without.substring(insertAt);
  }

  /** A scalar replaced in place; a collection replaced by its value in flow style. */
  private static String replaceNode(String doc, Node target, Object value) {
    int start = target.getStartMark().getIndex();
    int end = target.getEndMark().getIndex();
    return doc.substring(0, start) + flow(value) + doc.substring(end);
  }

  private static String addKey(String doc, MappingNode m, String key, Object value) {
    List<NodeTuple> entries = m.getValue();
    if (entries.isEmpty()) {
      return null;
    }
    int indent = entries.get(0).getKeyNode().getStartMark().getColumn();
    int insertAt = lineEnd(doc, entries.get(entries.size() - 1).getValueNode().getEndMark()
        .getIndex());
    String block = block(Map.of(key, value), indent);
    return doc.substring(0, insertAt) + block + doc.substring(insertAt);
  }

  private static String appendItem(String doc, SequenceNode s, Object value) {
    Node first = s.getValue().get(0);
    int dash = dashColumn(doc, first);
    if (dash < 0) {
      return null;
    }
    int insertAt = lineEnd(doc, s.getValue().get(s.getValue().size() - 1).getEndMark()
        .getIndex());
    String item = block(List.of(value), dash);
    return doc.substring(0, insertAt) + item + doc.substring(insertAt);
  }

  private static String removeKey(String doc, MappingNode m, String key) {
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        if (m.getFlowStyle() == FlowStyle.FLOW) {
          return null;
        }
        int start = lineStart(doc, t.getKeyNode().getStartMark().getIndex());
        int end = lineEnd(doc, t.getValueNode().getEndMark().getIndex());
        return doc.substring(0, start) + doc.substring(end);
      }
    }
    return doc;
  }

  /** Column of the "- " that introduces a block sequence item. */
  private static int dashColumn(String doc, Node item) {
    int i = item.getStartMark().getIndex() - 1;
    while (i >= 0 && doc.charAt(i) == ' ') {
      i--;
    }
    if (i < 0 || doc.charAt(i) != '-') {
      return -1;
    }
    return i - lineStart(doc, i);
  }

  /** Index just past the newline that ends the line holding index (or the text's end). */
  private static int lineEnd(String doc, int index) {
    int from = Math.max(0, Math.min(index, doc.length()) - 1);
    int nl = doc.indexOf('\n', from);
    return nl < 0 ? doc.length() : nl + 1;
  }

  private static int lineStart(String doc, int index) {
    int nl = doc.lastIndexOf('\n', Math.max(0, index - 1));
    return nl + 1;
  }

  private static String flow(Object value) {
    try {
      return value instanceof String s && s.matches("[A-Za-z_][-A-Za-z0-9_./]*")
          && !List.of("true", "false", "null", "yes", "no", "on", "off").contains(s)
          ? s : JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Block YAML of the value, every line indented by the given number of spaces. */
  private static String block(Object value, int indent) {
    String yaml = Manifests.yamlOf(value);
    StringBuilder sb = new StringBuilder();
    String pad = " ".repeat(indent);
    for (String line : yaml.split("\n")) {
      if (!line.isEmpty()) {
        sb.append(pad).append(line).append('\n');
      }
    }
    return sb.toString();
  }
}
