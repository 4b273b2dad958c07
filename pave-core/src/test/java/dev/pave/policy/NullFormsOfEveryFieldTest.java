package dev.pave.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.source.SourceObject;
import dev.pave.source.SourceReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every built-in rule, over objects that set every field the rules read, with each field in
 * turn written without a value (null) or empty: no rule may fail to evaluate, and no message
 * may show an internal value of the evaluator. A rule that reads a field these objects lack
 * fails the coverage check, so a new rule brings its field here.
 */
class NullFormsOfEveryFieldTest {
  static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  /** What internal values look like once turned into text. */
  static final List<String> INTERNAL = List.of("Cel", "Unknown", "{attributes",
      "unknownExprIds", "Optional", "NullValue", "{elements}", "dev.cel", "dev.pave");

  static Map<String, Object> m(Object... kv) {
    return ConformanceTest.m(kv);
  }

  static Map<String, Object> container(String name) {
    Map<String, Object> http = m("path", "/healthz", "port", 8080L, "host", "");
    Map<String, Object> tcp = m("port", 8080L, "host", "");
    return m("name", name, "image", "registry.example.com/shop/web:1.2.3",
        "ports", new ArrayList<>(List.of(m("containerPort", 8080L, "hostPort", 0L))),
        "resources", m("requests", m("cpu", "100m", "memory", "128Mi"),
            "limits", m("cpu", "500m", "memory", "256Mi")),
        "livenessProbe", m("httpGet", new LinkedHashMap<>(http), "tcpSocket",
            new LinkedHashMap<>(tcp)),
        "readinessProbe", m("httpGet", new LinkedHashMap<>(http), "tcpSocket",
            new LinkedHashMap<>(tcp)),
        "startupProbe", m("httpGet", new LinkedHashMap<>(http), "tcpSocket",
            new LinkedHashMap<>(tcp)),
        "lifecycle", m("postStart", m("httpGet", new LinkedHashMap<>(http), "tcpSocket",
            new LinkedHashMap<>(tcp)), "preStop", m("httpGet", new LinkedHashMap<>(http),
            "tcpSocket", new LinkedHashMap<>(tcp))),
        "securityContext", m("privileged", false, "allowPrivilegeEscalation", false,
            "runAsNonRoot", true, "runAsUser", 10001L, "procMount", "Default",
            "capabilities", m("add", new ArrayList<>(List.of("NET_BIND_SERVICE")),
                "drop", new ArrayList<>(List.of("ALL"))),
            "seccompProfile", m("type", "RuntimeDefault"),
            "appArmorProfile", m("type", "RuntimeDefault"),
            "seLinuxOptions", m("type", "container_t", "user", "", "role", ""),
            "windowsOptions", m("hostProcess", false)));
  }

  static Map<String, Object> podSpec() {
    return m("hostNetwork", false, "hostPID", false, "hostIPC", false, "hostUsers", true,
        "os", m("name", "linux"),
        "securityContext", m("runAsNonRoot", true, "runAsUser", 10001L,
            "seccompProfile", m("type", "RuntimeDefault"),
            "appArmorProfile", m("type", "RuntimeDefault"),
            "seLinuxOptions", m("type", "container_t", "user", "", "role", ""),
            "windowsOptions", m("hostProcess", false),
            "sysctls", new ArrayList<>(List.of(m("name", "kernel.shm_rmid_forced",
                "value", "1")))),
        "topologySpreadConstraints", new ArrayList<>(List.of(m("maxSkew", 1L,
            "topologyKey", "kubernetes.io/hostname", "whenUnsatisfiable", "ScheduleAnyway",
            "labelSelector", m("matchLabels", m("app.kubernetes.io/name", "web"))))),
        "affinity", m("podAntiAffinity", m("preferredDuringSchedulingIgnoredDuringExecution",
            new ArrayList<>(List.of(m("weight", 100L, "podAffinityTerm", m("topologyKey",
                "kubernetes.io/hostname", "labelSelector", m("matchLabels",
                    m("app.kubernetes.io/name", "web")))))))),
        "initContainers", new ArrayList<>(List.of(container("init"))),
        "containers", new ArrayList<>(List.of(container("app"))),
        "volumes", new ArrayList<>(List.of(m("name", "tmp", "emptyDir", m()))));
  }

  static Map<String, Object> labels() {
    return m("app.kubernetes.io/name", "web", "app.kubernetes.io/instance", "web-prod",
        "app.kubernetes.io/part-of", "shop", "pave.dev/team", "shop",
        "pave.dev/environment", "prod", "pave.dev/tier", "critical");
  }

  static Map<String, Object> meta() {
    return m("name", "web", "namespace", "shop", "labels", labels(), "annotations",
        m("container.apparmor.security.beta.kubernetes.io/app", "runtime/default"));
  }

  /** A Deployment, a Pod and an autoscaler that set every field the rules read. */
  static List<Map<String, Object>> objects() {
    return List.of(
        m("apiVersion", "apps/v1", "kind", "Deployment", "metadata", meta(),
            "spec", m("replicas", 3L, "selector", m("matchLabels",
                m("app.kubernetes.io/name", "web")), "template", m("metadata", meta(),
                "spec", podSpec()))),
        m("apiVersion", "v1", "kind", "Pod", "metadata", meta(), "spec", podSpec()),
        m("apiVersion", "autoscaling/v2", "kind", "HorizontalPodAutoscaler",
            "metadata", meta(), "spec", m("scaleTargetRef", m("apiVersion", "apps/v1",
                "kind", "Deployment", "name", "web"), "minReplicas", 2L, "maxReplicas", 5L)));
  }

  static final String BUDGET = """
      ---
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata: {name: web, namespace: shop}
      spec:
        maxUnavailable: 1
        selector: {matchLabels: {app.kubernetes.io/name: web}}
      """;

  /** Every copy of the object with one field null, or empty where it holds a value. */
  @SuppressWarnings("unchecked")
  static void variants(Object node, Map<String, Object> root, String path,
      Map<String, Map<String, Object>> out) {
    if (node instanceof Map<?, ?> map) {
      for (String key : new ArrayList<>(((Map<String, Object>) map).keySet())) {
        Map<String, Object> at = (Map<String, Object>) map;
        Object was = at.get(key);
        List<Object> forms = new ArrayList<>();
        forms.add(null);
        if (was instanceof Map<?, ?>) {
          forms.add(new LinkedHashMap<>());
        } else if (was instanceof List<?>) {
          forms.add(new ArrayList<>());
        } else if (was instanceof String) {
          forms.add("");
        }
        for (Object form : forms) {
          at.put(key, form);
          out.put(path + "." + key + "=" + (form == null ? "null" : "empty"),
              (Map<String, Object>) deepCopy(root));
        }
        at.put(key, was);
        variants(was, root, path + "." + key, out);
      }
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        variants(list.get(i), root, path + "[" + i + "]", out);
      }
    }
  }

  @SuppressWarnings("unchecked")
  static Object deepCopy(Object o) {
    if (o instanceof Map<?, ?> map) {
      Map<String, Object> c = new LinkedHashMap<>();
      ((Map<String, Object>) map).forEach((k, v) -> c.put(k, deepCopy(v)));
      return c;
    }
    if (o instanceof List<?> list) {
      List<Object> c = new ArrayList<>();
      list.forEach(v -> c.add(deepCopy(v)));
      return c;
    }
    return o;
  }

  @Test
  void everyRuleReadsNullAndEmptyFieldsWithoutErrorsOrInternalValues() {
    for (PodSecurityVersion version : List.of(PodSecurityVersion.latest(),
        new PodSecurityVersion(PodSecurityVersion.OLDEST_MINOR))) {
      PolicyEngine engine = PolicySettings.builtIn(Map.of(), Severity.HIGH)
          .withPodSecurity(version).build().engine();
      int checked = 0;
      for (Map<String, Object> object : objects()) {
        Map<String, Map<String, Object>> forms = new LinkedHashMap<>();
        variants(object, object, "", forms);
        for (Map.Entry<String, Map<String, Object>> form : forms.entrySet()) {
          String yaml = ConformanceTest.yaml(form.getValue()) + BUDGET;
          List<SourceObject> objects = SourceReader.read("in.yaml", yaml).objects();
          List<Finding> findings = Checker.check(objects, List.of(), null, engine, List.of(),
              NOW, Severity.LOW, List.of(), 14).findings();
          for (Finding f : findings) {
            String where = version + " " + object.get("kind") + form.getKey() + ": "
                + f.ruleId() + ": " + f.message();
            assertThat(f.status()).as(where).isNotEqualTo(Finding.Status.ERROR);
            for (String internal : INTERNAL) {
              assertThat(f.message()).as(where).doesNotContain(internal);
            }
          }
          checked++;
        }
      }
      assertThat(checked).isGreaterThan(300);
    }
  }

  /** The objects above must set every field some rule reads, or its null form goes untried. */
  @Test
  void theObjectsSetEveryFieldTheRulesRead() {
    Map<String, Object> deployment = objects().get(0);
    Map<String, Object> hpa = objects().get(2);
    @SuppressWarnings("unchecked")
    Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) deployment
        .get("spec")).get("template");
    Map<String, Object> pod = ConformanceTest.at(template, "spec");
    Map<String, Object> roots = m("container", ConformanceTest.at(pod, "containers", "0"),
        "pod", pod, "podMeta", template.get("metadata"),
        "volume", ConformanceTest.at(pod, "volumes", "0"));
    List<String> missing = new ArrayList<>();
    for (Document doc : documents()) {
      for (Policy.Rule r : doc.rules()) {
        for (String expression : java.util.Arrays.asList(r.validate(), r.messageExpression())) {
          if (expression == null) {
            continue;
          }
          var ast = CompiledPacks.find(expression);
          for (Reads.Path p : Reads.of(ast.getExpr(), java.util.Set.of("object", "pod",
              "podMeta", "container", "volume")).paths()) {
            List<String> keys = p.presence() && !p.keys().isEmpty()
                ? p.keys().subList(0, p.keys().size() - 1) : p.keys();
            boolean found = p.root().equals("object")
                ? has(deployment, keys) || has(hpa, keys) : has(roots.get(p.root()), keys);
            // volume types are keys of a volume the rule lists, not fields it reads
            if (!found && !(p.root().equals("volume") && keys.size() == 1)) {
              missing.add(doc.name() + "/" + r.id() + ": " + p.root() + "."
                  + String.join(".", p.keys()));
            }
          }
        }
      }
    }
    assertThat(missing).isEmpty();
  }

  record Document(String name, List<Policy.Rule> rules) {}

  static List<Document> documents() {
    return BuiltInPacks.all().values().stream().map(d -> new Document(d.value().name(),
        d.value().spec().rules())).toList();
  }

  @SuppressWarnings("unchecked")
  static boolean has(Object node, List<String> keys) {
    for (String k : keys) {
      if (!(node instanceof Map<?, ?> m) || !m.containsKey(k)) {
        return false;
      }
      node = ((Map<String, Object>) m).get(k);
    }
    return true;
  }
}
