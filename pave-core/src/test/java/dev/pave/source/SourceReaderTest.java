package dev.pave.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.spec.Position;
import dev.pave.spec.Problem;
import dev.pave.spec.SourceMap;
import dev.pave.spec.YamlDocuments;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The reader builds its trees from the parser's events; what it reads, where it says each
 * field is and which problems it reports must be those of SnakeYAML's composer followed by a
 * walk over the composed nodes, the reader it replaced, which this test keeps as the
 * reference.
 */
class SourceReaderTest {

  private static final String SAMPLES = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: team, labels: {app.kubernetes.io/name: web, a.b: c}}
      spec:
        replicas: 3
        template:
          spec:
            containers:
              - name: app
                image: "registry.example.com/app:1.0"
                ports: [{containerPort: 8080, hostPort: 0x1F}, {containerPort: 012}]
                env:
                  - {name: A, value: yes}
                  - {name: B, value: 'no'}
                  - {name: C, value: on}
                  - {name: D, value: ~}
                  - {name: E, value: null}
                  - {name: F}
                  - {name: G, value: 1_000}
                  - {name: H, value: 1:20}
                  - {name: I, value: .inf}
                  - {name: J, value: 1e3}
                  - {name: K, value: 1.5}
                  - {name: L, value: -.5}
                  - {name: M, value: !!str 5}
                  - {name: N, value: !!int "5"}
                  - {name: O, value: !!int 7}
                  - {name: P, value: !!float 2}
                  - {name: Q, value: !local x}
                  - {name: R, value: 2001-12-14}
                  - {name: S, value: <<}
                  - {name: T, value: y}
                  - {name: U, value: Off}
                  - {name: V, value: "true"}
                  - {name: W, value: +12}
                args: |
                  line one
                  line two
                command: >
                  folded
                  text
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: &n shared
        labels: &labels
          team: a
          tier: b
        annotations: *labels
        namespace: *n
      data:
        *n : by alias
        1: one
        true: yes
        ~: nothing
        ? [x, y]
        : complex
        ? {k: v}
        : complex map
        dup: first
        dup: second
        "quoted key": v
        a.b.c: dotted
        a: {b: {c: nested}}
        empty:
        list:
          - - inner
            - list
          - {}
          - []
      ...
      # a comment between documents
      ---
      apiVersion: v1
      kind: List
      items:
        - apiVersion: v1
          kind: Service
          metadata: {name: one}
          spec: {ports: [{port: 80}]}
        - not an object
        - apiVersion: v1
          kind: Service
          metadata:
            name: two
      ---
      apiVersion: v1
      kind: ServiceList
      items: []
      --- {apiVersion: v1, kind: Pod, metadata: {name: flow}, spec: {containers: [{name: a}]}}
      ---
      - just
      - a list
      ---
      plain scalar
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: broken
        labels: {a: b
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: bad-indent}
       spec: {}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: undefined-alias, namespace: *nowhere}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: global-tag, namespace: !<tag:example.com,2024:ns> team}
      ---
      apiVersion: v1
      kind: Pod
      spec: !!map {a: !<tag:example.com,2024:m> {b: c}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: "unterminated}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: tab
      \tlabels: {}
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: strings}
      stringData:
        a: 'it''s'
        b: "esc\\t\\u00e9"
        c: multi
          line plain
        d: "multi
          line quoted"
      """;

  @Test
  void readsWhatTheComposerAndTheNodeWalkRead() {
    assertSameAsReference(SAMPLES);
  }

  @Test
  void readsGeneratedDocumentsLikeTheReference() {
    Random random = new Random(7);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      text.append("---\n").append(generated(random, i));
    }
    assertSameAsReference(text.toString());
  }

  @Test
  void limitsAliasesOfCollectionsAndNestingAsTheComposerDoes() {
    StringBuilder aliases = new StringBuilder("apiVersion: v1\nkind: Pod\nbase: &b {a: 1}\n"
        + "items:\n");
    for (int i = 0; i < 51; i++) {
      aliases.append("  - *b\n");
    }
    assertSameAsReference(aliases.toString());
    assertSameAsReference("apiVersion: v1\nkind: Pod\ndeep: " + "[".repeat(120)
        + "]".repeat(120) + "\n");
    assertSameAsReference("apiVersion: v1\nkind: Pod\ndeep: " + "[".repeat(99)
        + "]".repeat(99) + "\n");
  }

  @Test
  void aCollectionThatContainsItselfIsAProblemNotACrash() {
    SourceReader.Result r = SourceReader.read("self.yaml",
        "apiVersion: v1\nkind: Pod\nloop: &l [1, *l]\n---\napiVersion: v1\nkind: Pod\n"
            + "metadata: {name: fine}\n");
    assertThat(r.problems()).extracting(Problem::line, Problem::column, Problem::message)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(3, 14,
            "not valid YAML: found a recursive alias l"));
    assertThat(r.objects()).extracting(SourceObject::name).containsExactly("fine");
  }

  private static String generated(Random random, int i) {
    StringBuilder b = new StringBuilder();
    b.append("apiVersion: apps/v1\nkind: ").append(random.nextBoolean() ? "Deployment" : "Pod")
        .append("\nmetadata:\n  name: svc-").append(i).append("\n  labels: {")
        .append("app.kubernetes.io/name: svc-").append(i).append(", pave.dev/team: t")
        .append(random.nextInt(5)).append("}\nspec:\n");
    String[] values = {"1", "0", "true", "no", "~", "", "'quoted'", "\"2\"", "1.5", "x-y",
        "[a, b]", "{k: v}", "0o7", "-3", "nulls", "Yes", ".NaN", "0b101", "12:30:00", "NULL",
        "Null", "nul", "On", "oN", "OFF", "TRUE", "tRue", "~x", "0", "007", "089", "1_0", "12",
        "-1", "+1", ".5", "0x1g", "<<", "!!str 3", "&x 4", "y", "n", "Y", "N", "2001-12-14",
        "1e5", "3.", "123456789012345678901234567890", "\"\"", "a b", "-", "--", "-a",
        "9x", "5%", "100m", "128Mi", "1.0.0", "0x1F", "0xfg", "-.inf", ".Inf", "+.5e3",
        "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "1:20:30.5", "-0b11",
        "nan", "NaN", "-1_000", "0o17", "1e", "1E+2"};
    int fields = 1 + random.nextInt(8);
    for (int f = 0; f < fields; f++) {
      b.append("  f").append(f).append(": ").append(values[random.nextInt(values.length)])
          .append('\n');
    }
    b.append("  containers:\n");
    int containers = 1 + random.nextInt(3);
    for (int c = 0; c < containers; c++) {
      b.append("    - name: c").append(c).append("\n      image: img:").append(c)
          .append("\n      securityContext: {privileged: ").append(random.nextBoolean())
          .append(", runAsUser: ").append(random.nextInt(2000)).append("}\n");
    }
    return b.toString();
  }

  /** Trees, positions of every path (value and key) and problems, for every document. */
  private static void assertSameAsReference(String text) {
    SourceReader.Result actual = SourceReader.read("in.yaml", text);
    Reference expected = reference("in.yaml", text);
    assertThat(actual.problems()).isEqualTo(expected.problems);
    assertThat(actual.objects()).hasSize(expected.objects.size());
    for (int i = 0; i < expected.objects.size(); i++) {
      SourceObject a = actual.objects().get(i);
      SourceObject e = expected.objects.get(i);
      assertThat(a.object()).isEqualTo(e.object());
      assertThat(types(a.object())).isEqualTo(types(e.object()));
      List<String> paths = new ArrayList<>();
      paths(e.object(), "", paths);
      paths.addAll(List.of("missing", "spec.missing.deeper", "spec.containers[9]",
          "spec.containers[0].missing", "metadata.labels.app.kubernetes.io/name",
          "data.a.b.c", "data.a.b", "items[0]"));
      for (String p : paths) {
        assertThat(a.positions().valueOf(p)).as(p).isEqualTo(e.positions().valueOf(p));
        assertThat(a.positions().keyOf(p)).as(p).isEqualTo(e.positions().keyOf(p));
        assertThat(a.positions().has(p)).as(p).isEqualTo(e.positions().has(p));
      }
    }
  }

  /** The tree with each scalar replaced by its Java type, so 1 and 1.0 and "1" differ. */
  static Object types(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, types(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      return l.stream().map(SourceReaderTest::types).toList();
    }
    return value == null ? "null" : value.getClass().getSimpleName();
  }

  private static void paths(Object value, String at, List<String> out) {
    out.add(at);
    if (value instanceof Map<?, ?> m) {
      m.forEach((k, v) -> paths(v, at.isEmpty() ? (String) k : at + "." + k, out));
    } else if (value instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        paths(l.get(i), at + "[" + i + "]", out);
      }
    }
  }

  private record Reference(List<SourceObject> objects, List<Problem> problems) {}

  // The reader as it was: compose each document into nodes, then walk them.

  private static Reference reference(String source, String text) {
    List<SourceObject> objects = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (YamlDocuments.Piece piece : YamlDocuments.split(text)) {
      Node root = YamlDocuments.compose(source, piece, problems);
      if (root == null) {
        continue;
      }
      Object tree = walk(root);
      if (!(tree instanceof Map<?, ?>)) {
        Position p = at(root, piece.firstLine());
        problems.add(new Problem(source, p.line(), p.column(), "", "expected a Kubernetes"
            + " object (a mapping with apiVersion and kind)"));
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> object = (Map<String, Object>) tree;
      if ("List".equals(object.get("kind")) || String.valueOf(object.get("kind"))
          .endsWith("List") && object.get("items") instanceof List<?>) {
        SequenceNode items = null;
        for (NodeTuple t : ((MappingNode) root).getValue()) {
          if (items == null && t.getKeyNode() instanceof ScalarNode k
              && k.getValue().equals("items") && t.getValueNode() instanceof SequenceNode s) {
            items = s;
          }
        }
        if (items != null) {
          for (Node item : items.getValue()) {
            if (walk(item) instanceof Map<?, ?> m) {
              @SuppressWarnings("unchecked")
              Map<String, Object> o = (Map<String, Object>) m;
              objects.add(new SourceObject(o, positions(source, piece, item)));
            }
          }
        }
        continue;
      }
      objects.add(new SourceObject(object, positions(source, piece, root)));
    }
    return new Reference(objects, problems);
  }

  private static SourceMap positions(String source, YamlDocuments.Piece piece, Node node) {
    return SourceMap.resolving(source, (path, key) -> find(node, path, key, piece.firstLine()));
  }

  private static SourceMap.Found find(Node root, String path, boolean wantKey, int offset) {
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
        return new SourceMap.Found(at(node, offset), false);
      }
      node = next;
      keyNode = nextKey;
      i += used;
    }
    return new SourceMap.Found(at(wantKey && keyNode != null ? keyNode : node, offset), true);
  }

  private static Position at(Node n, int offset) {
    return new Position(n.getStartMark().getLine() + 1 + offset,
        n.getStartMark().getColumn() + 1);
  }

  private static Object walk(Node node) {
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
      List<Object> out = new ArrayList<>();
      for (Node item : s.getValue()) {
        out.add(walk(item));
      }
      return out;
    }
    ScalarNode s = (ScalarNode) node;
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

  @Test
  void pathsSplitIntoKeysAndIndexes() {
    assertThat(SourceReader.tokens("")).isEmpty();
    assertThat(SourceReader.tokens("spec.template.spec.containers[1].image"))
        .containsExactly("spec", "template", "spec", "containers", "[1", "image");
    assertThat(SourceReader.tokens("metadata.labels.app.kubernetes.io/name"))
        .containsExactly("metadata", "labels", "app", "kubernetes", "io/name");
    assertThat(SourceReader.tokens("a[0][1].b")).containsExactly("a", "[0", "[1", "b");
    assertThat(SourceReader.tokens("[0].a..b.")).containsExactly("[0", "a", "b");
    assertThat(SourceReader.tokens("a[]")).containsExactly("a", "[");
    assertThat(SourceReader.tokens("a]b[0[1]")).containsExactly("a]b", "[0[1");
    // What follows a closing bracket up to the next key or index belongs to neither.
    assertThat(SourceReader.tokens("a[0]b.c")).containsExactly("a", "[0", "c");
    // An index not closed ends the path; dots inside an index belong to it.
    assertThat(SourceReader.tokens("a[b")).containsExactly("a");
    assertThat(SourceReader.tokens("a[x.y]")).containsExactly("a", "[x.y");
  }
}
