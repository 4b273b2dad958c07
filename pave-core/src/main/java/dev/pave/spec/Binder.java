package dev.pave.spec;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;

/**
 * Turns a YAML node tree into spec records, collecting every problem instead of stopping at the
 * first, and recording where each field came from. Unknown fields are errors with a suggestion.
 */
final class Binder {
  /** Metadata fields the API server writes; accepted and ignored so exported objects read. */
  private static final Set<String> SERVER_METADATA = Set.of("uid", "resourceVersion",
      "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
      "managedFields", "ownerReferences", "finalizers", "generateName", "selfLink");

  private static final Map<String, Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

  private final SourceMap positions;
  private final List<Problem> problems;

  private final int lineOffset;

  Binder(SourceMap positions, List<Problem> problems, int lineOffset) {
    this.positions = positions;
    this.problems = problems;
    this.lineOffset = lineOffset;
  }

  Position at(Node node) {
    return new Position(node.getStartMark().getLine() + 1 + lineOffset,
        node.getStartMark().getColumn() + 1);
  }

  void problem(Node node, String path, String message) {
    Position p = at(node);
    problems.add(new Problem(positions.source(), p.line(), p.column(), path, message));
  }

  <T> T bindRecord(Class<T> type, Node node, String path) {
    positions.putValue(path, at(node));
    Shape shape = Shape.of(type);
    if (node instanceof ScalarNode scalar && shape.hasShorthand()) {
      if (isNull(scalar)) {
        return null;
      }
      try {
        return type.cast(shape.parseShorthand(scalar.getValue()));
      } catch (IllegalArgumentException e) {
        problem(node, path, e.getMessage());
        return null;
      }
    }
    if (!(node instanceof MappingNode mapping)) {
      String also = shape.hasShorthand() ? " or " + shape.shorthand().value() : "";
      problem(node, path, "expected a mapping of " + String.join(", ", shape.fieldNames()) + also
          + ", got " + describe(node));
      return null;
    }
    Object[] values = new Object[shape.fields().size()];
    Set<String> seen = new java.util.HashSet<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode keyScalar)) {
        problem(keyNode, path, "field names must be plain text, got " + describe(keyNode));
        continue;
      }
      String key = keyScalar.getValue();
      String fieldPath = join(path, key);
      if (!seen.add(key)) {
        problem(keyNode, fieldPath, "field is set twice; remove one of them");
        continue;
      }
      Shape.Field field = shape.fields().get(key);
      if (field == null) {
        if (type == Metadata.class && SERVER_METADATA.contains(key)) {
          continue;
        }
        problem(keyNode, fieldPath, "unknown field \"" + key + "\""
            + Suggest.didYouMean(key, shape.fieldNames()) + " Valid fields here: "
            + String.join(", ", shape.fieldNames()) + ".");
        continue;
      }
      positions.putKey(fieldPath, at(keyNode));
      values[field.index()] = bindValue(field.type(), field.doc(), tuple.getValueNode(), fieldPath);
    }
    for (Shape.Field field : shape.fields().values()) {
      if (values[field.index()] == null && field.doc() != null && field.doc().required()
          && seen.contains(field.name()) && problems.stream().noneMatch(pr -> pr.path().equals(
              join(path, field.name())))) {
        problem(node, join(path, field.name()), "\"" + field.name() + "\" has no value: "
            + field.doc().value());
      }
      if (values[field.index()] == null && field.doc() != null && field.doc().required()
          && !seen.contains(field.name())) {
        String example = field.doc().example().isEmpty() ? ""
            : " (for example " + field.name() + ": " + field.doc().example() + ")";
        problem(node, join(path, field.name()),
            "missing required field \"" + field.name() + "\": " + field.doc().value() + example);
      }
    }
    try {
      return type.cast(shape.construct(values));
    } catch (IllegalStateException e) {
      problem(node, path, "cannot be read: " + e.getMessage());
      return null;
    }
  }

  private Object bindValue(Type type, Doc doc, Node node, String path) {
    positions.putValue(path, at(node));
    if (node instanceof ScalarNode s && isNull(s)) {
      return null;
    }
    if (type instanceof ParameterizedType pt) {
      Class<?> raw = (Class<?>) pt.getRawType();
      Type element = pt.getActualTypeArguments()[raw == Map.class ? 1 : 0];
      if (raw == List.class) {
        return bindList(element, node, path);
      }
      if (raw == Map.class) {
        return bindMap(element, node, path);
      }
    }
    Class<?> cls = (Class<?>) type;
    if (cls == Object.class) {
      return plain(node);
    }
    if (cls == String.class) {
      return bindString(doc, node, path);
    }
    if (cls == Integer.class || cls == int.class) {
      return bindInteger(doc, node, path);
    }
    if (cls == Boolean.class || cls == boolean.class) {
      return bindBoolean(node, path);
    }
    if (cls.isEnum()) {
      return bindEnum(cls, node, path);
    }
    if (cls.isRecord()) {
      return bindRecord(cls, node, path);
    }
    throw new IllegalStateException("unsupported spec type " + type);
  }

  private List<Object> bindList(Type element, Node node, String path) {
    if (!(node instanceof SequenceNode seq)) {
      problem(node, path, "expected a list, got " + describe(node)
          + (node instanceof ScalarNode ? "; write it as [" + ((ScalarNode) node).getValue()
          + "] or as lines starting with \"- \"" : ""));
      return null;
    }
    List<Object> out = new ArrayList<>(seq.getValue().size());
    int i = 0;
    for (Node item : seq.getValue()) {
      Object v = bindValue(element, null, item, path + "[" + i++ + "]");
      if (v != null) {
        out.add(v);
      }
    }
    return List.copyOf(out);
  }

  private Map<String, Object> bindMap(Type element, Node node, String path) {
    if (!(node instanceof MappingNode mapping)) {
      problem(node, path, "expected a mapping of names to values, got " + describe(node));
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
        problem(tuple.getKeyNode(), path, "keys must be plain text, got "
            + describe(tuple.getKeyNode()));
        continue;
      }
      String entryPath = join(path, key.getValue());
      if (out.containsKey(key.getValue())) {
        problem(key, entryPath, "key is set twice; remove one of them");
        continue;
      }
      positions.putKey(entryPath, at(key));
      Object v = bindValue(element, null, tuple.getValueNode(), entryPath);
      out.put(key.getValue(), v);
    }
    out.values().removeIf(java.util.Objects::isNull);
    return java.util.Collections.unmodifiableMap(out);
  }

  private String bindString(Doc doc, Node node, String path) {
    if (!(node instanceof ScalarNode scalar)) {
      problem(node, path, "expected text, got " + describe(node));
      return null;
    }
    String value = scalar.getValue();
    if (doc != null && doc.pattern().equals(Names.DNS_LABEL)) {
      String problem = Names.dnsLabelProblem(value);
      if (problem != null) {
        problem(node, path, problem);
        return null;
      }
      return value;
    }
    if (doc != null && !doc.pattern().isEmpty()
        && !PATTERNS.computeIfAbsent(doc.pattern(), Pattern::compile).matcher(value).matches()) {
      String example = doc.example().isEmpty() ? "" : " (for example \"" + doc.example() + "\")";
      problem(node, path, "\"" + value + "\" is not valid: " + lowerFirst(doc.value()) + example);
      return null;
    }
    return value;
  }

  private Integer bindInteger(Doc doc, Node node, String path) {
    if (!(node instanceof ScalarNode scalar) || scalar.getScalarStyle() != ScalarStyle.PLAIN
        || !scalar.getValue().matches("[-+]?\\d{1,10}")) {
      problem(node, path, "expected a whole number, got " + describe(node));
      return null;
    }
    long v = Long.parseLong(scalar.getValue());
    long min = doc == null ? Integer.MIN_VALUE : Math.max(doc.min(), Integer.MIN_VALUE);
    long max = doc == null ? Integer.MAX_VALUE : Math.min(doc.max(), Integer.MAX_VALUE);
    if (v < min || v > max) {
      problem(node, path, v + " is out of range: expected " + min + " to " + max);
      return null;
    }
    return (int) v;
  }

  private Boolean bindBoolean(Node node, String path) {
    if (node instanceof ScalarNode scalar && scalar.getScalarStyle() == ScalarStyle.PLAIN) {
      switch (scalar.getValue()) {
        case "true", "True", "TRUE":
          return Boolean.TRUE;
        case "false", "False", "FALSE":
          return Boolean.FALSE;
        default:
          break;
      }
    }
    problem(node, path, "expected true or false, got " + describe(node));
    return null;
  }

  private Object bindEnum(Class<?> cls, Node node, String path) {
    List<String> names = Arrays.stream(cls.getEnumConstants())
        .map(e -> WireName.of((Enum<?>) e)).toList();
    if (node instanceof ScalarNode scalar) {
      for (Object constant : cls.getEnumConstants()) {
        if (WireName.of((Enum<?>) constant).equals(scalar.getValue())) {
          return constant;
        }
      }
      problem(node, path, "\"" + scalar.getValue() + "\" is not one of " + String.join(", ", names)
          + Suggest.didYouMean(scalar.getValue(), names));
      return null;
    }
    problem(node, path, "expected one of " + String.join(", ", names) + ", got " + describe(node));
    return null;
  }

  /** Any YAML value as plain Java data (for free-form fields such as a fix's value). */
  private Object plain(Node node) {
    if (node instanceof MappingNode m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (NodeTuple t : m.getValue()) {
        out.put(((ScalarNode) t.getKeyNode()).getValue(), plain(t.getValueNode()));
      }
      return out;
    }
    if (node instanceof SequenceNode s) {
      List<Object> out = new ArrayList<>();
      s.getValue().forEach(n -> out.add(plain(n)));
      return out;
    }
    ScalarNode s = (ScalarNode) node;
    if (s.getScalarStyle() != ScalarStyle.PLAIN) {
      return s.getValue();
    }
    if (isNull(s)) {
      return null;
    }
    if (s.getTag().equals(Tag.BOOL)) {
      return Boolean.parseBoolean(s.getValue());
    }
    if (s.getTag().equals(Tag.INT)) {
      try {
        return Long.parseLong(s.getValue());
      } catch (NumberFormatException e) {
        return s.getValue();
      }
    }
    if (s.getTag().equals(Tag.FLOAT)) {
      return Double.parseDouble(s.getValue());
    }
    return s.getValue();
  }

  static boolean isNull(ScalarNode s) {
    return s.getTag().equals(Tag.NULL) && s.getScalarStyle() == ScalarStyle.PLAIN;
  }

  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode s = (ScalarNode) node;
    if (s.getScalarStyle() != ScalarStyle.PLAIN) {
      return "the quoted text \"" + s.getValue() + "\"";
    }
    if (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT)) {
      return "the number " + s.getValue();
    }
    if (s.getTag().equals(Tag.BOOL)) {
      return "the value " + s.getValue();
    }
    return "\"" + s.getValue() + "\"";
  }

  static String join(String path, String key) {
    String k = key.matches("[A-Za-z_][A-Za-z0-9_]*") ? key : "[\"" + key + "\"]";
    if (path.isEmpty()) {
      return key;
    }
    return k.startsWith("[") ? path + k : path + "." + k;
  }

  private static String lowerFirst(String s) {
    String t = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    if (t.length() < 2 || Character.isUpperCase(t.charAt(1))) {
      return t;
    }
    return Character.toLowerCase(t.charAt(0)) + t.substring(1);
  }
}
