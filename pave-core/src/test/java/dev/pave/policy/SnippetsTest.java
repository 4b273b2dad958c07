package dev.pave.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.render.Manifests;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SnippetsTest {
  /** Strings that need quotes, read as other types, or sit at the edge of the plain rule. */
  private static final List<String> TRICKY = List.of("", "100m", "128Mi", "1Gi", "30s", "1e5",
      "1E5", "12e", "0x1F", "0o17", "0b1", "1_000", "1:20", "1.5", "1.5Gi", ".5", "-1", "+1",
      "true", "True", "TRUE", "false", "yes", "Yes", "no", "NO", "y", "Y", "n", "N", "on", "Off",
      "null", "Null", "~", "a:", "a:b", "a: b", "a #b", "#a", "-a", "a-", "- a", "?a", "a?",
      "ALL", "RuntimeDefault", "registry.example.com/team-1/svc-1:1.1.0", "app.kubernetes.io/name",
      "a b", " a", "a ", "a\nb", "a'b", "a\"b", "{a}", "[a]", "a,b", "&a", "*a", "!a", "|a",
      ">a", "%a", "@a", "`a", "=", "<<", "NaN", ".inf", "-.inf", "2001-12-14", "12:30:45",
      "0", "007", "1", "8080", "é", "a\tb", "a_b", "A/B", "/healthz", "/", "//", "/a:b", "/a:", "/a b", "/-", "/#a", "/.well-known/x",
      "x".repeat(130));
  private static final String ALPHABET = "aZy09.-_/: e#'\"\n{}[],&*!|>%@`?~+";

  @Test
  void writesWhatTheGeneralWriterWrites() {
    Random random = new Random(42);
    int direct = 0;
    for (int i = 0; i < 20_000; i++) {
      Map<String, Object> tree = map(random, 0);
      String fast = Snippets.direct(tree);
      if (fast != null) {
        direct++;
        assertThat(fast).as("tree %s", tree).isEqualTo(Manifests.yamlOf(tree));
      }
      assertThat(Snippets.yaml(tree)).isEqualTo(Manifests.yamlOf(tree));
    }
    // The comparison means something only if many trees took the direct path.
    assertThat(direct).isGreaterThan(2_000);
  }

  @Test
  void writesATypicalContainerDirectly() {
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", "app");
    container.put("image", "registry.example.com/team-1/svc-1:1.1.0");
    container.put("ports", List.of(Map.of("containerPort", 8080L, "name", "http")));
    container.put("readinessProbe", Map.of("httpGet", Map.of("path", "/healthz", "port", "http")));
    container.put("resources", Map.of("requests", Map.of("cpu", "100m", "memory", "128Mi")));
    container.put("securityContext", Map.of("allowPrivilegeEscalation", false,
        "capabilities", Map.of("drop", List.of("ALL"))));
    assertThat(Snippets.direct(container)).isNotNull()
        .isEqualTo(Manifests.yamlOf(container));
    Map<String, Object> quoted = new LinkedHashMap<>(container);
    quoted.put("args", List.of("--port", "8080"));
    assertThat(Snippets.direct(quoted)).isNull();
    assertThat(Snippets.yaml(quoted)).isEqualTo(Manifests.yamlOf(quoted));
  }

  private static Map<String, Object> map(Random random, int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    int n = random.nextInt(depth == 0 ? 5 : 4) + (depth == 0 ? 1 : 0);
    for (int i = 0; i < n; i++) {
      m.put(random.nextInt(8) == 0 ? string(random) : "k" + i + (random.nextBoolean() ? ".x/y"
          : ""), value(random, depth + 1));
    }
    return m;
  }

  private static Object value(Random random, int depth) {
    int pick = random.nextInt(depth > 3 ? 6 : 9);
    return switch (pick) {
      case 0, 1 -> string(random);
      case 2 -> (long) random.nextInt(100_000) - 50;
      case 3 -> random.nextBoolean();
      case 4 -> random.nextInt(10) == 0 ? null : "plain-" + random.nextInt(1000);
      case 5 -> random.nextInt(20) == 0 ? random.nextDouble() : "v" + random.nextInt(9);
      case 6, 7 -> map(random, depth);
      default -> list(random, depth);
    };
  }

  private static List<Object> list(Random random, int depth) {
    List<Object> l = new ArrayList<>();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      l.add(random.nextInt(12) == 0 ? list(random, depth + 1) : value(random, depth + 1));
    }
    return l;
  }

  private static String string(Random random) {
    if (random.nextBoolean()) {
      return TRICKY.get(random.nextInt(TRICKY.size()));
    }
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(7);
    for (int i = 0; i < n; i++) {
      s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return s.toString();
  }
}
