package dev.pave.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.render.Golden;
import dev.pave.render.Manifests;
import dev.pave.source.SourceObject;
import dev.pave.source.SourceReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance corpus under policy/conformance/: a hardened pod plus one change per case,
 * as Kubernetes' own Pod Security Admission fixtures are built, and workloads of other kinds.
 * Every case runs through the three paths (check, admission, audit) and all must give the
 * committed verdicts. Regenerate inputs and verdicts with -Dpave.golden.update=true and review
 * the diff: the verdicts are the claim that Pave agrees with Pod Security Admission.
 */
class ConformanceTest {
  static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  static final Path DIR = Golden.root().resolve("policy/conformance");

  @SuppressWarnings("unchecked")
  static Map<String, Object> m(Object... kv) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.put((String) kv[i], kv[i + 1]);
    }
    return out;
  }

  /** A pod that passes every built-in rule. */
  static Map<String, Object> hardenedPod() {
    Map<String, Object> labels = m("app.kubernetes.io/name", "web",
        "app.kubernetes.io/instance", "web-prod", "app.kubernetes.io/part-of", "shop",
        "pave.dev/team", "shop", "pave.dev/environment", "prod");
    Map<String, Object> container = m("name", "app",
        "image", "registry.example.com/shop/web:1.2.3",
        "resources", m("requests", m("cpu", "100m", "memory", "128Mi"),
            "limits", m("cpu", "500m", "memory", "256Mi")),
        "securityContext", m("allowPrivilegeEscalation", false,
            "capabilities", m("drop", new ArrayList<>(List.of("ALL")))));
    return m("apiVersion", "v1", "kind", "Pod",
        "metadata", m("name", "web", "namespace", "shop", "labels", labels),
        "spec", m("securityContext", m("runAsNonRoot", true,
                "seccompProfile", m("type", "RuntimeDefault")),
            "containers", new ArrayList<>(List.of(container)),
            "volumes", new ArrayList<>(List.of(m("name", "tmp", "emptyDir", m())))));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> at(Map<String, Object> root, String... path) {
    Object node = root;
    for (String p : path) {
      node = p.matches("\\d+") ? ((List<Object>) node).get(Integer.parseInt(p))
          : ((Map<String, Object>) node).get(p);
    }
    return (Map<String, Object>) node;
  }

  static Map<String, Consumer<Map<String, Object>>> podCases() {
    Map<String, Consumer<Map<String, Object>>> c = new LinkedHashMap<>();
    c.put("pass-hardened-pod", p -> { });
    c.put("fail-privileged", p -> at(p, "spec", "containers", "0", "securityContext")
        .put("privileged", true));
    c.put("fail-host-network", p -> at(p, "spec").put("hostNetwork", true));
    c.put("fail-host-pid-and-ipc", p -> {
      at(p, "spec").put("hostPID", true);
      at(p, "spec").put("hostIPC", true);
    });
    c.put("fail-host-port", p -> at(p, "spec", "containers", "0").put("ports",
        List.of(m("containerPort", 8080L, "hostPort", 8080L))));
    c.put("pass-host-port-zero", p -> at(p, "spec", "containers", "0").put("ports",
        List.of(m("containerPort", 8080L, "hostPort", 0L))));
    c.put("fail-host-path-volume", p -> ((List<Object>) at(p, "spec").get("volumes"))
        .add(m("name", "host", "hostPath", m("path", "/var/run"))));
    c.put("fail-nfs-volume", p -> ((List<Object>) at(p, "spec").get("volumes"))
        .add(m("name", "share", "nfs", m("server", "nfs.example.com", "path", "/"))));
    c.put("fail-capability-sys-admin", p -> at(p, "spec", "containers", "0",
        "securityContext", "capabilities").put("add", List.of("SYS_ADMIN")));
    c.put("pass-capability-net-bind-service", p -> at(p, "spec", "containers", "0",
        "securityContext", "capabilities").put("add", List.of("NET_BIND_SERVICE")));
    c.put("fail-capability-chown-restricted-only", p -> at(p, "spec", "containers", "0",
        "securityContext", "capabilities").put("add", List.of("CHOWN")));
    c.put("fail-capabilities-not-dropped", p -> at(p, "spec", "containers", "0",
        "securityContext").remove("capabilities"));
    c.put("fail-privilege-escalation-allowed", p -> at(p, "spec", "containers", "0",
        "securityContext").put("allowPrivilegeEscalation", true));
    c.put("fail-privilege-escalation-unset", p -> at(p, "spec", "containers", "0",
        "securityContext").remove("allowPrivilegeEscalation"));
    c.put("fail-container-run-as-root-despite-pod", p -> at(p, "spec", "containers", "0",
        "securityContext").put("runAsNonRoot", false));
    c.put("pass-run-as-non-root-on-container-only", p -> {
      at(p, "spec", "securityContext").remove("runAsNonRoot");
      at(p, "spec", "containers", "0", "securityContext").put("runAsNonRoot", true);
    });
    c.put("fail-run-as-non-root-unset", p -> at(p, "spec", "securityContext")
        .remove("runAsNonRoot"));
    c.put("fail-run-as-user-zero-on-pod", p -> at(p, "spec", "securityContext")
        .put("runAsUser", 0L));
    c.put("fail-seccomp-unconfined-container", p -> at(p, "spec", "containers", "0",
        "securityContext").put("seccompProfile", m("type", "Unconfined")));
    c.put("fail-seccomp-unset", p -> at(p, "spec", "securityContext").remove("seccompProfile"));
    c.put("pass-seccomp-localhost-on-container", p -> {
      at(p, "spec", "securityContext").remove("seccompProfile");
      at(p, "spec", "containers", "0", "securityContext").put("seccompProfile",
          m("type", "Localhost", "localhostProfile", "profiles/app.json"));
    });
    c.put("fail-apparmor-unconfined-annotation", p -> at(p, "metadata").put("annotations",
        m("container.apparmor.security.beta.kubernetes.io/app", "unconfined")));
    c.put("pass-apparmor-localhost-annotation", p -> at(p, "metadata").put("annotations",
        m("container.apparmor.security.beta.kubernetes.io/app", "localhost/custom")));
    c.put("fail-apparmor-unconfined-field", p -> at(p, "spec", "securityContext")
        .put("appArmorProfile", m("type", "Unconfined")));
    c.put("fail-selinux-custom-type", p -> at(p, "spec", "containers", "0", "securityContext")
        .put("seLinuxOptions", m("type", "spc_t")));
    c.put("fail-selinux-user", p -> at(p, "spec", "securityContext")
        .put("seLinuxOptions", m("user", "system_u")));
    c.put("pass-selinux-container-t", p -> at(p, "spec", "securityContext")
        .put("seLinuxOptions", m("type", "container_t", "level", "s0:c123,c456")));
    c.put("fail-proc-mount-unmasked", p -> at(p, "spec", "containers", "0", "securityContext")
        .put("procMount", "Unmasked"));
    c.put("fail-unsafe-sysctl", p -> at(p, "spec", "securityContext").put("sysctls",
        List.of(m("name", "net.ipv4.tcp_syncookies", "value", "1"),
            m("name", "kernel.msgmax", "value", "65536"))));
    c.put("fail-probe-host", p -> at(p, "spec", "containers", "0").put("livenessProbe",
        m("httpGet", m("host", "10.0.0.1", "path", "/", "port", 80L))));
    c.put("fail-windows-host-process", p -> at(p, "spec", "securityContext")
        .put("windowsOptions", m("hostProcess", true)));
    c.put("fail-privileged-init-container", p -> at(p, "spec").put("initContainers",
        List.of(m("name", "init", "image", "registry.example.com/shop/init:1.0.0",
            "resources", at(p, "spec", "containers", "0").get("resources"),
            "securityContext", m("privileged", true, "allowPrivilegeEscalation", false,
                "capabilities", m("drop", List.of("ALL")))))));
    c.put("fail-two-containers-named-in-one-message", p -> {
      Map<String, Object> second = new LinkedHashMap<>(at(p, "spec", "containers", "0"));
      second.put("name", "sidecar");
      second.put("securityContext", m("capabilities", m("drop", List.of("ALL"))));
      Map<String, Object> first = at(p, "spec", "containers", "0");
      first.put("securityContext", m("capabilities", m("drop", List.of("ALL"))));
      ((List<Object>) at(p, "spec").get("containers")).add(second);
    });
    c.put("fail-latest-image", p -> at(p, "spec", "containers", "0").put("image",
        "registry.example.com/shop/web:latest"));
    c.put("fail-missing-identity-labels", p -> at(p, "metadata").put("labels",
        m("app", "web")));
    c.put("fail-no-limits", p -> at(p, "spec", "containers", "0", "resources")
        .remove("limits"));
    nullAndEmptyCases(c);
    versionCases(c);
    c.put("excepted-privileged-until-2027", p -> {
      at(p, "metadata").put("name", "legacy-agent");
      at(p, "spec", "containers", "0", "securityContext").put("privileged", true);
    });
    c.put("fail-exception-expired", p -> {
      at(p, "metadata").put("name", "old-agent");
      at(p, "spec", "containers", "0", "securityContext").put("privileged", true);
    });
    return c;
  }

  private static final String NULL = "null-written-without-a-value";

  /**
   * YAML of a case, with a null written as a key without a value ({@code securityContext:}),
   * as people write it; Manifests.yamlOf leaves null keys out.
   */
  @SuppressWarnings("unchecked")
  static String yaml(Object tree) {
    return Manifests.yamlOf(marked(tree)).replace(": " + NULL + "\n", ":\n")
        .replace("- " + NULL + "\n", "-\n");
  }

  @SuppressWarnings("unchecked")
  private static Object marked(Object o) {
    if (o == null) {
      return NULL;
    }
    if (o instanceof Map<?, ?> map) {
      Map<String, Object> c = new LinkedHashMap<>();
      ((Map<String, Object>) map).forEach((k, v) -> c.put(k, marked(v)));
      return c;
    }
    if (o instanceof List<?> list) {
      return list.stream().map(ConformanceTest::marked).toList();
    }
    return o;
  }

  /** Sets a key to null, as a YAML key written without a value reads. */
  static void unset(Map<String, Object> m, String key) {
    m.put(key, null);
  }

  /**
   * Every field the Pod Security rules read, written without a value or empty: the API server
   * decodes null as absent, and so must the rules.
   */
  @SuppressWarnings("unchecked")
  static void nullAndEmptyCases(Map<String, Consumer<Map<String, Object>>> c) {
    c.put("fail-null-container-security-context", p -> unset(at(p, "spec", "containers", "0"),
        "securityContext"));
    c.put("fail-null-pod-security-context", p -> unset(at(p, "spec"), "securityContext"));
    c.put("pass-null-annotations", p -> unset(at(p, "metadata"), "annotations"));
    c.put("pass-empty-annotations", p -> at(p, "metadata").put("annotations", m()));
    c.put("pass-empty-apparmor-annotation", p -> at(p, "metadata").put("annotations",
        m("container.apparmor.security.beta.kubernetes.io/app", "")));
    c.put("pass-null-apparmor-annotation", p -> {
      Map<String, Object> a = m();
      unset(a, "container.apparmor.security.beta.kubernetes.io/app");
      at(p, "metadata").put("annotations", a);
    });
    c.put("pass-null-fields-in-container-security-context", p -> {
      Map<String, Object> sc = at(p, "spec", "containers", "0", "securityContext");
      for (String k : List.of("privileged", "procMount", "seLinuxOptions", "seccompProfile",
          "appArmorProfile", "windowsOptions", "runAsUser", "runAsNonRoot")) {
        unset(sc, k);
      }
      unset(at(sc, "capabilities"), "add");
    });
    c.put("pass-null-fields-in-pod-security-context", p -> {
      Map<String, Object> sc = at(p, "spec", "securityContext");
      for (String k : List.of("sysctls", "seLinuxOptions", "appArmorProfile", "windowsOptions",
          "runAsUser")) {
        unset(sc, k);
      }
      for (String k : List.of("hostNetwork", "hostPID", "hostIPC", "hostUsers", "os")) {
        unset(at(p, "spec"), k);
      }
    });
    c.put("pass-empty-objects-in-security-contexts", p -> {
      Map<String, Object> sc = at(p, "spec", "containers", "0", "securityContext");
      for (String k : List.of("seLinuxOptions", "windowsOptions")) {
        sc.put(k, m());
        at(p, "spec", "securityContext").put(k, m());
      }
      at(p, "spec", "securityContext").put("sysctls", List.of());
      at(sc, "capabilities").put("add", List.of());
    });
    // PSA allows an AppArmor profile only of type RuntimeDefault or Localhost: no type fails.
    c.put("fail-empty-apparmor-profile", p -> at(p, "spec", "containers", "0",
        "securityContext").put("appArmorProfile", m()));
    c.put("fail-empty-seccomp-profile", p -> at(p, "spec", "securityContext")
        .put("seccompProfile", m()));
    c.put("fail-null-capabilities-drop", p -> unset(at(p, "spec", "containers", "0",
        "securityContext", "capabilities"), "drop"));
    c.put("pass-null-probe-and-lifecycle-hosts", p -> {
      Map<String, Object> http = m("path", "/", "port", 8080L);
      unset(http, "host");
      Map<String, Object> tcp = m("port", 8080L);
      unset(tcp, "host");
      at(p, "spec", "containers", "0").put("livenessProbe", m("httpGet", http));
      at(p, "spec", "containers", "0").put("readinessProbe", m("tcpSocket", tcp));
      Map<String, Object> lifecycle = m();
      unset(lifecycle, "postStart");
      lifecycle.put("preStop", m("httpGet", m("path", "/stop", "port", 8080L, "host", "")));
      at(p, "spec", "containers", "0").put("lifecycle", lifecycle);
    });
    c.put("pass-null-ports-and-host-port", p -> {
      Map<String, Object> port = m("containerPort", 8080L);
      unset(port, "hostPort");
      at(p, "spec", "containers", "0").put("ports", List.of(port));
    });
    c.put("pass-null-volumes", p -> unset(at(p, "spec"), "volumes"));
    c.put("pass-null-init-containers", p -> unset(at(p, "spec"), "initContainers"));
  }

  /**
   * Checks that changed between Kubernetes releases: a case named ...-at-v1.NN is checked as
   * --pss-version v1.NN picks, the others as the release the packs follow.
   */
  @SuppressWarnings("unchecked")
  static void versionCases(Map<String, Consumer<Map<String, Object>>> c) {
    Consumer<Map<String, Object>> rmem = p -> at(p, "spec", "securityContext").put("sysctls",
        List.of(m("name", "net.ipv4.tcp_rmem", "value", "4096 87380 6291456")));
    c.put("pass-sysctl-tcp-rmem", rmem);
    c.put("fail-sysctl-tcp-rmem-at-v1.31", rmem);
    Consumer<Map<String, Object>> reserved = p -> at(p, "spec", "securityContext").put(
        "sysctls", List.of(m("name", "net.ipv4.ip_local_reserved_ports", "value", "8080")));
    c.put("pass-sysctl-ip-local-reserved-ports-at-v1.27", reserved);
    c.put("fail-sysctl-ip-local-reserved-ports-at-v1.26", reserved);
    Consumer<Map<String, Object>> probeHost = p -> at(p, "spec", "containers", "0").put(
        "startupProbe", m("tcpSocket", m("host", "10.0.0.1", "port", 80L)));
    c.put("fail-startup-probe-host", probeHost);
    c.put("pass-startup-probe-host-at-v1.33", probeHost);
    Consumer<Map<String, Object>> engine = p -> at(p, "spec", "securityContext")
        .put("seLinuxOptions", m("type", "container_engine_t"));
    c.put("pass-selinux-container-engine-t", engine);
    c.put("fail-selinux-container-engine-t-at-v1.30", engine);
    Consumer<Map<String, Object>> unmaskedInUserNamespace = p -> {
      at(p, "spec").put("hostUsers", false);
      at(p, "spec", "containers", "0", "securityContext").put("procMount", "Unmasked");
    };
    c.put("fail-proc-mount-unmasked-in-user-namespace-restricted-only",
        unmaskedInUserNamespace);
    c.put("fail-proc-mount-unmasked-in-user-namespace-at-v1.34", unmaskedInUserNamespace);
    Consumer<Map<String, Object>> rootInUserNamespace = p -> {
      at(p, "spec").put("hostUsers", false);
      at(p, "spec", "securityContext").remove("runAsNonRoot");
      at(p, "spec", "securityContext").put("runAsUser", 0L);
    };
    c.put("pass-root-in-user-namespace", rootInUserNamespace);
    c.put("fail-root-in-user-namespace-at-v1.34", rootInUserNamespace);
    c.put("fail-root-with-host-users-true", p -> {
      at(p, "spec").put("hostUsers", true);
      at(p, "spec", "securityContext").remove("runAsNonRoot");
    });
    c.put("pass-image-volume", p -> ((List<Object>) at(p, "spec").get("volumes")).add(
        m("name", "models", "image", m("reference", "registry.example.com/models/m:1"))));
    Consumer<Map<String, Object>> windows = p -> {
      at(p, "spec").put("os", m("name", "windows"));
      at(p, "spec").put("securityContext", m("runAsNonRoot", true));
      at(p, "spec", "containers", "0").remove("securityContext");
    };
    c.put("pass-windows-pod-without-linux-settings", windows);
    c.put("fail-windows-pod-without-linux-settings-at-v1.24", windows);
  }

  /** The Pod Security version a case is checked at: its -at-v1.NN suffix, or the latest. */
  static PodSecurityVersion versionOf(String name) {
    int at = name.lastIndexOf("-at-v1.");
    return at < 0 ? PodSecurityVersion.latest()
        : PodSecurityVersion.parse(name.substring(at + 4));
  }

  /** Wraps a pod's spec into a workload kind, keeping labels on object and template. */
  static Map<String, Object> workload(String kind, Map<String, Object> pod, long replicas) {
    Map<String, Object> template = m("metadata", m("labels", at(pod, "metadata").get("labels")),
        "spec", pod.get("spec"));
    Map<String, Object> spec = kind.equals("CronJob")
        ? m("schedule", "@daily", "jobTemplate", m("spec", m("template", template)))
        : m("replicas", replicas, "selector", m("matchLabels", m("app.kubernetes.io/name",
            "web")), "template", template);
    return m("apiVersion", kind.equals("CronJob") ? "batch/v1" : "apps/v1", "kind", kind,
        "metadata", at(pod, "metadata"), "spec", spec);
  }

  static Map<String, String> allCases() {
    Map<String, String> out = new LinkedHashMap<>();
    podCases().forEach((name, tweak) -> {
      Map<String, Object> pod = hardenedPod();
      tweak.accept(pod);
      out.put("pod-" + name, yaml(pod));
    });
    Map<String, Object> privileged = hardenedPod();
    at(privileged, "spec", "containers", "0", "securityContext").put("privileged", true);
    out.put("deployment-fail-privileged", yaml(workload("Deployment", privileged,
        2)));
    Map<String, Object> probes = hardenedPod();
    Map<String, Object> c0 = at(probes, "spec", "containers", "0");
    c0.put("readinessProbe", m("httpGet", m("path", "/healthz", "port", 8080L)));
    c0.put("livenessProbe", m("httpGet", m("path", "/healthz", "port", 8080L)));
    at(probes, "spec").put("topologySpreadConstraints", List.of(m("maxSkew", 1L,
        "topologyKey", "kubernetes.io/hostname", "whenUnsatisfiable", "ScheduleAnyway")));
    out.put("deployment-fail-no-disruption-budget", yaml(workload("Deployment",
        probes, 2)));
    out.put("deployment-pass-with-disruption-budget", yaml(workload("Deployment",
        probes, 2)) + "---\n" + """
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web, namespace: shop}
        spec:
          maxUnavailable: 1
          selector: {matchLabels: {app.kubernetes.io/name: web}}
        """);
    out.put("deployment-fail-single-replica-in-prod", yaml(workload("Deployment",
        probes, 1)));
    out.put("deployment-fail-no-probes-no-spread", yaml(workload("Deployment",
        hardenedPod(), 3)));
    Map<String, Object> cronPod = hardenedPod();
    at(cronPod, "spec").put("hostNetwork", true);
    out.put("cronjob-fail-host-network", yaml(workload("CronJob", cronPod, 1)));
    Map<String, Object> nullAnnotations = hardenedPod();
    Map<String, Object> nullProbes = at(probes, "spec");
    nullAnnotations.put("spec", nullProbes);
    Map<String, Object> template = workload("Deployment", nullAnnotations, 2);
    unset(at(template, "spec", "template", "metadata"), "annotations");
    out.put("deployment-pass-null-template-annotations", yaml(template) + "---\n"
        + """
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web, namespace: shop}
        spec:
          maxUnavailable: 1
          selector: {matchLabels: {app.kubernetes.io/name: web}}
        """);
    out.put("hpa-fail-bounds", """
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata:
          name: web
          namespace: shop
          labels: {pave.dev/environment: prod}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          minReplicas: 5
          maxReplicas: 3
        """);
    return out;
  }

  static final String EXCEPTIONS = """
      apiVersion: pave.dev/v1alpha1
      kind: PolicyException
      metadata: {name: legacy-agent-privileged}
      spec:
        rules: [pod-security-baseline/privileged]
        resources: [{kind: Pod, namespace: shop, name: legacy-agent, container: app}]
        reason: The node agent needs device access until it is replaced.
        owner: platform-team@example.com
        ticket: OPS-1234
        expiresAt: "2027-01-01T00:00:00Z"
      ---
      apiVersion: pave.dev/v1alpha1
      kind: PolicyException
      metadata: {name: old-agent-privileged}
      spec:
        rules: [pod-security-baseline/*]
        resources: [{kind: Pod, namespace: shop, name: old-agent}]
        reason: Expired on purpose; must no longer apply.
        owner: platform-team@example.com
        expiresAt: "2026-01-01T00:00:00Z"
      """;

  static List<String> lines(List<Finding> findings) {
    return findings.stream().map(f -> f.resource() + " " + f.ruleId() + " "
        + f.status().name().toLowerCase(java.util.Locale.ROOT) + ": " + f.message()).toList();
  }

  @TestFactory
  Stream<DynamicTest> everyPathGivesTheCommittedVerdicts() throws IOException {
    Map<PodSecurityVersion, PolicyEngine> engines = new java.util.HashMap<>();
    List<PolicyException> exceptions = PolicyReader.read("exceptions.yaml", EXCEPTIONS)
        .exceptions().stream().map(d -> d.value()).toList();
    if (Golden.updating()) {
      Files.createDirectories(DIR);
      Golden.assertMatches(DIR.resolve("exceptions.yaml"), EXCEPTIONS);
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, String> c : allCases().entrySet()) {
      tests.add(DynamicTest.dynamicTest(c.getKey(), () -> {
        PolicyEngine engine = engines.computeIfAbsent(versionOf(c.getKey()), v ->
            PolicySettings.builtIn(Map.of(), Severity.HIGH).withPodSecurity(v).build()
                .engine());
        Path input = DIR.resolve(c.getKey() + ".yaml");
        Golden.assertMatches(input, c.getValue());
        List<SourceObject> objects = SourceReader.read(input.toString(),
            Files.readString(input, StandardCharsets.UTF_8)).objects();

        List<String> cli = lines(Checker.check(objects, List.of(), null, engine, exceptions,
            NOW, Severity.LOW, List.of(), 14).findings());

        // The webhook knows the objects around a request from the operator's cache; here they
        // are the other documents of the case.
        Inventory inventory = Inventory.of(objects, engine.neededKinds());
        List<Finding> admitted = new ArrayList<>();
        for (SourceObject o : objects) {
          Map<String, Object> review = m("apiVersion", "admission.k8s.io/v1",
              "kind", "AdmissionReview", "request", m("uid", "u-1", "operation", "CREATE",
                  "namespace", "shop", "object", o.object()));
          Admission.Decision d = Admission.review(review, engine, exceptions, NOW,
              Severity.HIGH, inventory);
          admitted.addAll(d.findings());
          for (Finding f : d.findings()) {
            if (f.blocking() && f.severity().atLeast(Severity.HIGH)) {
              assertThat(d.allowed()).isFalse();
              assertThat(String.valueOf(at(d.review(), "response", "status").get("message")))
                  .contains(f.ruleId() + ": " + f.message());
            }
          }
        }
        List<String> admission = lines(admitted);

        List<String> audit = lines(Audit.run("test", objects.stream().map(
            SourceObject::object).toList(), engine, exceptions, NOW, Severity.LOW).findings());

        assertThat(admission).as("admission agrees with check").isEqualTo(cli);
        assertThat(audit).as("audit agrees with check").isEqualTo(cli);
        Golden.assertMatches(DIR.resolve(c.getKey() + ".expected"),
            String.join("\n", cli) + (cli.isEmpty() ? "" : "\n"));
        assertThat(cli).as("no rule fails to evaluate").noneMatch(l -> l.contains(" error: "));
        if (c.getKey().contains("-pass-")) {
          assertThat(cli).as("a pass case has no findings").isEmpty();
        } else {
          assertThat(cli).as("a fail case has findings").isNotEmpty();
        }
      }));
    }
    return tests.stream();
  }
}
