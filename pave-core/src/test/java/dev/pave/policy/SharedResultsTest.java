package dev.pave.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.pave.render.Manifests;
import dev.pave.source.SourceObject;
import dev.pave.source.SourceReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Objects alike in what a rule reads share the rule's result: the findings must be exactly those
 * of evaluating every expression on every object.
 */
class SharedResultsTest {
  private static final Set<String> VARS = Set.of("object", "pod", "podMeta", "container",
      "volume", "params", "variables", "related", "oldObject", "request", "namespaceObject");

  private static List<Reads.Path> paths(String expression) throws Exception {
    CelAbstractSyntaxTree ast = PolicyEngine.cel().compile(expression).getAst();
    return Reads.of(ast.getExpr(), VARS).paths();
  }

  @Test
  void readsFollowFieldsOptionalFieldsConstantIndexesAndPresenceTests() throws Exception {
    assertThat(paths("has(container.securityContext) && "
        + "container.securityContext.privileged == true")).containsExactly(
        new Reads.Path("container", List.of("securityContext"), true),
        new Reads.Path("container", List.of("securityContext", "privileged"), false));
    assertThat(paths("object.?metadata.?labels.orValue({})[?'pave.dev/team'].orValue('') != ''"))
        .containsExactly(new Reads.Path("object", List.of("metadata", "labels", "pave.dev/team"),
            false));
    assertThat(paths("'a/b' in object.?metadata.?labels.orValue({}) && 'c' in podMeta.labels"))
        .containsExactly(new Reads.Path("object", List.of("metadata", "labels", "a/b"), true),
            new Reads.Path("podMeta", List.of("labels", "c"), true));
    // Neither a key that is not a constant nor a default that reads a variable is a path.
    assertThat(paths("container.name in podMeta.labels")).containsExactly(
        new Reads.Path("container", List.of("name"), false),
        new Reads.Path("podMeta", List.of("labels"), false));
    assertThat(paths("pod.?hostPID.orValue(pod.hostIPC)")).containsExactly(
        new Reads.Path("pod", List.of("hostPID"), false),
        new Reads.Path("pod", List.of("hostIPC"), false));
    assertThat(paths("podMeta.annotations['a/' + container.name] == 'x'")).containsExactly(
        new Reads.Path("podMeta", List.of("annotations"), false),
        new Reads.Path("container", List.of("name"), false));
    assertThat(paths("pod['hostPID'] == true")).containsExactly(
        new Reads.Path("pod", List.of("hostPID"), false));
  }

  @Test
  void aLoopVariableNamedLikeAVariableHidesIt() throws Exception {
    assertThat(paths("pod.containers.all(container, container.name != '') && container.image"
        + " != ''")).containsExactly(
        new Reads.Path("pod", List.of("containers"), false),
        new Reads.Path("container", List.of("image"), false));
    assertThat(paths("cel.bind(pod, object.spec, pod.replicas > 1)")).containsExactly(
        new Reads.Path("object", List.of("spec"), false));
  }

  @Test
  void keysTellApartWhatTheExpressionCouldSee() throws Exception {
    CelAbstractSyntaxTree ast = PolicyEngine.cel().compile(
        "has(container.securityContext) && container.securityContext.runAsUser == 0").getAst();
    Reads reads = Reads.of(ast.getExpr(), VARS);
    Map<String, Object> a = Map.of("container", Map.of("securityContext",
        Map.of("runAsUser", 0L), "name", "a"));
    Map<String, Object> b = Map.of("container", Map.of("securityContext",
        Map.of("runAsUser", 0L), "name", "b"));
    Map<String, Object> asDouble = Map.of("container", Map.of("securityContext",
        Map.of("runAsUser", 0.0)));
    Map<String, Object> asString = Map.of("container", Map.of("securityContext",
        Map.of("runAsUser", "0")));
    Map<String, Object> notAMap = Map.of("container", Map.of("securityContext", List.of()));
    Map<String, Object> absent = Map.of("container", Map.of("securityContext", Map.of()));
    assertThat(reads.key(a)).isEqualTo(reads.key(b));
    List<List<Object>> distinct = List.of(reads.key(a), reads.key(asDouble),
        reads.key(asString), reads.key(notAMap), reads.key(absent));
    assertThat(Set.copyOf(distinct)).hasSize(5);
    LinkedHashMap<String, Object> ab = new LinkedHashMap<>();
    ab.put("x", 1L);
    ab.put("y", 2L);
    LinkedHashMap<String, Object> ba = new LinkedHashMap<>();
    ba.put("y", 2L);
    ba.put("x", 1L);
    // Equal as Java maps, but a comprehension over them would see another order.
    assertThat(Reads.freeze(ab)).isNotEqualTo(Reads.freeze(ba));
  }

  @Test
  void sharedResultsGiveTheFindingsOfEvaluatingEveryObject() {
    List<dev.pave.spec.Document<Policy>> packs = List.copyOf(BuiltInPacks.all().values());
    PolicyEngine shared = PolicyEngine.build(packs, Map.of(), Limits.NONE, true).engine();
    PolicyEngine fresh = PolicyEngine.build(packs, Map.of(), Limits.NONE, false).engine();
    Random random = new Random(7);
    int findings = 0;
    for (int i = 0; i < 3_000; i++) {
      SourceObject o = SourceReader.read("gen-" + i + ".yaml",
          Manifests.yamlOf(workload(random, i))).objects().get(0);
      String expected = describe(fresh.evaluate(o, List.of(), Instant.EPOCH));
      String actual = describe(shared.evaluate(o, List.of(), Instant.EPOCH));
      assertThat(actual).as("object %d", i).isEqualTo(expected);
      findings += expected.isEmpty() ? 0 : expected.split("\n").length;
    }
    // Meaningful only if results were in fact shared and objects did break rules.
    assertThat(shared.sharedResults()).isGreaterThan(20_000);
    assertThat(fresh.sharedResults()).isZero();
    assertThat(shared.sharedFixedForms()).isGreaterThan(1_000);
    assertThat(fresh.sharedFixedForms()).isZero();
    assertThat(findings).isGreaterThan(3_000);
  }

  private static String describe(List<Finding> findings) {
    return findings.stream().map(f -> f.ruleId() + " " + f.status() + " " + f.message() + " "
        + f.violations().stream().map(v -> v.element() + "@" + v.path() + "@" + v.position()
        + "@" + v.patch() + "@" + v.fixed()).toList()).collect(Collectors.joining("\n"));
  }

  /** A workload whose fields come from small pools, so that many are alike in some fields. */
  private static Map<String, Object> workload(Random r, int i) {
    String kind = pick(r, "Deployment", "Pod", "StatefulSet");
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "svc-" + i);
    if (r.nextInt(4) > 0) {
      labels.put("app.kubernetes.io/instance", r.nextBoolean() ? "svc-" + i + "-prod" : "x");
    }
    if (r.nextInt(4) > 0) {
      labels.put("app.kubernetes.io/part-of", "shop");
    }
    labels.put("pave.dev/team", pick(r, "a", "b", ""));
    if (r.nextBoolean()) {
      labels.put("pave.dev/environment", pick(r, "prod", "dev"));
    }
    Map<String, Object> podSpec = new LinkedHashMap<>();
    if (r.nextBoolean()) {
      podSpec.put("securityContext", securityContext(r));
    }
    if (r.nextInt(6) == 0) {
      podSpec.put(pick(r, "hostNetwork", "hostPID", "hostIPC"), r.nextBoolean());
    }
    List<Object> containers = new ArrayList<>();
    for (int c = 0; c < 1 + r.nextInt(3); c++) {
      containers.add(container(r, c, i));
    }
    podSpec.put("containers", containers);
    if (r.nextInt(4) == 0) {
      podSpec.put("initContainers", List.of(container(r, 9, i)));
    }
    if (r.nextBoolean()) {
      podSpec.put("volumes", List.of(r.nextInt(5) == 0
          ? Map.of("name", "h", "hostPath", Map.of("path", "/var"))
          : Map.of("name", "tmp", "emptyDir", Map.of())));
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", "svc-" + i);
    meta.put("namespace", pick(r, "team-a", "team-b"));
    int shape = r.nextInt(10);
    if (shape == 0) {
      meta.put("labels", Map.of());
    } else if (shape > 1) {
      meta.put("labels", labels);
    }
    if (r.nextInt(5) == 0) {
      meta.put("annotations", Map.of("container.apparmor.security.beta.kubernetes.io/c0",
          pick(r, "runtime/default", "unconfined", "localhost/x")));
    }
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("apiVersion", kind.equals("Pod") ? "v1" : "apps/v1");
    object.put("kind", kind);
    object.put("metadata", meta);
    if (kind.equals("Pod")) {
      object.put("spec", podSpec);
    } else {
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("replicas", (long) r.nextInt(4));
      spec.put("template", Map.of("metadata", Map.of("labels", labels), "spec", podSpec));
      object.put("spec", spec);
    }
    return object;
  }

  private static Map<String, Object> container(Random r, int c, int i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "c" + c);
    m.put("image", pick(r, "registry.example.com/svc-" + i + ":1.0", "nginx", "nginx:latest",
        "r.io/x@sha256:abc"));
    if (r.nextBoolean()) {
      m.put("securityContext", securityContext(r));
    }
    if (r.nextInt(3) > 0) {
      m.put("resources", r.nextBoolean()
          ? Map.of("requests", Map.of("cpu", "1", "memory", "1Mi"),
              "limits", Map.of("cpu", "1", "memory", "1Mi"))
          : Map.of("requests", Map.of("cpu", "1")));
    }
    if (r.nextBoolean()) {
      m.put("readinessProbe", Map.of("httpGet", r.nextInt(5) == 0
          ? Map.of("path", "/", "port", 80L, "host", "evil") : Map.of("path", "/", "port", 80L)));
      m.put("livenessProbe", Map.of("tcpSocket", Map.of("port", 80L)));
    }
    if (r.nextInt(5) == 0) {
      m.put("ports", List.of(Map.of("containerPort", 80L, "hostPort", (long) r.nextInt(2))));
    }
    return m;
  }

  private static Map<String, Object> securityContext(Random r) {
    Map<String, Object> s = new LinkedHashMap<>();
    String[] fields = {"privileged", "allowPrivilegeEscalation", "runAsNonRoot", "runAsUser",
        "capabilities", "seccompProfile", "procMount", "seLinuxOptions", "sysctls",
        "windowsOptions"};
    for (String f : fields) {
      if (r.nextInt(3) != 0) {
        continue;
      }
      s.put(f, switch (f) {
        case "runAsUser" -> r.nextBoolean() ? 0L : 1000L;
        case "capabilities" -> r.nextBoolean() ? Map.of("drop", List.of("ALL"))
            : Map.of("add", List.of(pick(r, "NET_BIND_SERVICE", "SYS_ADMIN", "CHOWN")));
        case "seccompProfile" -> Map.of("type", pick(r, "RuntimeDefault", "Unconfined"));
        case "procMount" -> pick(r, "Default", "Unmasked");
        case "seLinuxOptions" -> Map.of("type", pick(r, "container_t", "spc_t"));
        case "sysctls" -> List.of(Map.of("name", pick(r, "kernel.shm_rmid_forced",
            "kernel.msgmax"), "value", "1"));
        case "windowsOptions" -> Map.of("hostProcess", r.nextBoolean());
        default -> r.nextInt(8) == 0 ? "true" : r.nextBoolean();
      });
    }
    return s;
  }

  private static String pick(Random r, String... options) {
    return options[r.nextInt(options.length)];
  }
}
