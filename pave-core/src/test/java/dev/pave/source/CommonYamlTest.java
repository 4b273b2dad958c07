package dev.pave.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.spec.YamlDocuments;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The common-case reader must read exactly what SnakeYAML reads, positions included, or give
 * up; it must never accept a document SnakeYAML refuses. Checked over hand-written documents,
 * generated manifests, and hundreds of thousands of random edits of them.
 */
class CommonYamlTest {

  private static final String MANIFEST = """
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: svc-0, namespace: team-0, labels: {app.kubernetes.io/name: svc-0}}
      spec:
        replicas: 3
        selector: {matchLabels: {app.kubernetes.io/name: svc-0}}
        template:
          metadata:
            labels:
              app.kubernetes.io/name: svc-0
            annotations:
              "quoted key": 'it''s'
              json: "{\\"a\\": [1, 2], \\"b\\": \\"x\\\\ny\\u00e9\\"}"
              empty:
              url: http://example.com:8080/x?y=1#frag
          spec:
            securityContext:
              runAsNonRoot: false   # a comment
              seccompProfile: {type: RuntimeDefault}
            containers:
            - name: app
              image: registry.example.com/team-0/svc-0:1.0.0
              args: [--port, "8080", -v, '3']
              ports: [{containerPort: 8080, name: http}, {}]
              env:
                -
                - name: A
                  value: yes
                - {name: B, value: ~}
                - - nested
                  - list
              resources:
                requests: {cpu: 100m, memory: 128Mi}
              securityContext:
                allowPrivilegeEscalation: true
                capabilities: {drop: [ALL], add: []}
            - name: proxy
              image: proxy:2.0.1

            volumes:
              - {name: tmp, emptyDir: {}}
              # trailing comment
      """;

  @Test
  void readsCommonManifestsAsSnakeYamlDoes() {
    for (YamlDocuments.Piece piece : YamlDocuments.split(MANIFEST)) {
      assertThat(CommonYaml.read(piece.text())).as("read without giving up").isNotNull();
      assertSame(piece);
    }
  }

  @Test
  void givesUpOnWhatItDoesNotRead() {
    for (String text : List.of(
        "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  text\n", "a: >\n  text\n",
        "a: multi\n  line\n", "a: \"multi\n  line\"\n", "a: {b: c,\n  d: e}\n",
        "a:\tb\n", "a: b\r\n", "? a\n: b\n", "%YAML 1.1\n---\na: b\n", "--- {a: b}\n",
        "- a\n- b\n", "plain\n", "a: b\n...\n", "a: b: c\n", "a: {b:c}\n", "a: [b: c]\n",
        "a: \"\\U0001F600\"\n", "a: b\n c: d\n", "a:\n  - x\n  b: y\n", "a: b\n- c\n",
        "\uFEFFa: b\n", "a: \"\\x41\"\n", "a: \"\\/\"\n", "a: x\uD800\n", "a: b\uDC00c\n",
        "\"a\"" + " ".repeat(1100) + ": b\n", "x: {\"a\"" + " ".repeat(1030) + ": b}\n")) {
      assertThat(CommonYaml.read(text)).as(text).isNull();
      assertSame(new YamlDocuments.Piece(text, 0));
    }
  }

  @Test
  void agreesWithSnakeYamlOnRandomEditsOfManifests() {
    Random random = new Random(11);
    String[] seeds = YamlDocuments.split(MANIFEST).stream()
        .map(YamlDocuments.Piece::text).toArray(String[]::new);
    String alphabet = " :-#'\"{}[],\n&*!|>?%@\\.0aZ~\t";
    int read = 0;
    for (int i = 0; i < 40_000; i++) {
      StringBuilder b = new StringBuilder(seeds[random.nextInt(seeds.length)]);
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(b.length() + 1);
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (random.nextInt(3)) {
          case 0 -> b.insert(at, c);
          case 1 -> {
            if (at < b.length()) {
              b.deleteCharAt(at);
            }
          }
          default -> {
            if (at < b.length()) {
              b.setCharAt(at, c);
            }
          }
        }
      }
      if (assertSame(new YamlDocuments.Piece(b.toString(), 0))) {
        read++;
      }
    }
    // Most edits still leave a document in the common subset: the comparison is not vacuous.
    assertThat(read).isGreaterThan(10_000);
  }

  @Test
  void agreesWithSnakeYamlOnGeneratedDocuments() {
    Random random = new Random(5);
    String[] scalars = {"1", "0", "-3", "+1", "007", "1.5", ".5", "1e3", "0x1F", "1_000",
        "12:30", "true", "no", "Yes", "off", "~", "null", "NULL", "y", "x-y", "a b", "-a",
        "100m", "128Mi", "'q'", "'it''s'", "\"d\"", "\"\\t\\\"\"", "\"\"", "''", "a#b",
        "a # c", "http://x:1/y", "[]", "{}", "[a, b]", "{k: v}", "[{a: 1}, [2]]", "2001-12-14",
        ".inf", "-.inf", ".NaN", "<<", "=", "a,b", "a]", "é", "12345678901234567890"};
    int read = 0;
    for (int i = 0; i < 3_000; i++) {
      StringBuilder b = new StringBuilder();
      generate(random, b, 0, 0, scalars);
      if (assertSame(new YamlDocuments.Piece(b.toString(), 0))) {
        read++;
      }
    }
    assertThat(read).isGreaterThan(1_000);
  }

  private static void generate(Random random, StringBuilder b, int indent, int depth,
      String[] scalars) {
    int keys = 1 + random.nextInt(4);
    for (int k = 0; k < keys; k++) {
      b.append(" ".repeat(indent)).append(random.nextInt(5) == 0 ? "\"k" + k + "\"" : "k" + k)
          .append(':');
      int shape = depth > 3 ? 0 : random.nextInt(5);
      switch (shape) {
        case 0 -> b.append(' ').append(scalars[random.nextInt(scalars.length)]).append('\n');
        case 1 -> {
          b.append('\n');
          generate(random, b, indent + 1 + random.nextInt(3), depth + 1, scalars);
        }
        case 2 -> {
          b.append(random.nextBoolean() ? "\n" : " # c\n");
          int dash = indent + (random.nextBoolean() ? 0 : 2);
          int items = 1 + random.nextInt(3);
          for (int i = 0; i < items; i++) {
            b.append(" ".repeat(dash)).append('-');
            if (random.nextInt(4) == 0) {
              b.append(' ').append(scalars[random.nextInt(scalars.length)]).append('\n');
            } else {
              b.append(' ');
              StringBuilder inner = new StringBuilder();
              generate(random, inner, dash + 2, depth + 1, scalars);
              b.append(inner.substring(dash + 2));
            }
          }
        }
        case 3 -> b.append('\n');
        default -> b.append(random.nextBoolean() ? " " : "  ").append("\n");
      }
    }
  }

  /** Compares both readers on one piece; true when the common reader read it. */
  private static boolean assertSame(YamlDocuments.Piece piece) {
    YamlTree.Root common = CommonYaml.read(piece.text());
    if (common == null) {
      return false;
    }
    YamlTree.Root full;
    try {
      full = YamlTree.readFully(piece);
    } catch (YAMLException e) {
      throw new AssertionError("read a document SnakeYAML refuses (" + e.getMessage()
          + "):\n" + piece.text());
    }
    assertThat(full).as(piece.text()).isNotNull();
    assertThat(common.value()).as(piece.text()).isEqualTo(full.value());
    assertThat(SourceReaderTest.types(common.value())).as(piece.text()).isEqualTo(SourceReaderTest.types(full.value()));
    assertThat(common.at()).as(piece.text()).isEqualTo(full.at());
    assertSameSpots(common.spots(), full.spots(), piece.text());
    return true;
  }

  private static void assertSameSpots(YamlTree.Spots a, YamlTree.Spots e, String text) {
    if (e == null) {
      assertThat(a).as(text).isNull();
      return;
    }
    assertThat(a).as(text).isNotNull();
    assertThat(a.mapping).as(text).isEqualTo(e.mapping);
    assertThat(a.size).as(text).isEqualTo(e.size);
    for (int i = 0; i < e.size; i++) {
      if (e.mapping) {
        assertThat(a.keys[i]).as(text).isEqualTo(e.keys[i]);
        assertThat(a.keyAt[i]).as("key position %d in\n%s", i, text).isEqualTo(e.keyAt[i]);
        assertThat(a.values[i]).as(text).isEqualTo(e.values[i]);
      }
      assertThat(a.valueAt[i]).as("value position %d in\n%s", i, text)
          .isEqualTo(e.valueAt[i]);
      assertSameSpots(a.children[i], e.children[i], text);
    }
  }
}
