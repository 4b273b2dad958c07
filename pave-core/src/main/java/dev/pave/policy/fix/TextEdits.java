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
