package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pod Security admission: the namespace's {@code pod-security.kubernetes.io/enforce|warn}
 * labels hold Pods to the baseline or restricted standard (403 on enforce, a Warning on
 * warn), workload templates only to the warn level (they are never refused, as on a real
 * server), and namespace labels to valid levels, with a warning naming existing pods that a
 * new enforce level would refuse. Checks and messages follow Kubernetes' own, in its order:
 * baseline checks, then restricted ones.
 */
final class PodSecurity implements Admission {
  private static final String PREFIX = "pod-security.kubernetes.io/";
  private static final List<String> LEVELS = List.of("privileged", "baseline", "restricted");
  private static final Set<String> BASELINE_CAPS = Set.of("AUDIT_WRITE", "CHOWN",
      "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP",
      "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
  private static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced",
      "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
      "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
      "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
      "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
      "net.ipv4.tcp_keepalive_probes");
  private static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi",
      "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");
  private static final Set<String> SELINUX_TYPES = Set.of("", "container_t",
      "container_init_t", "container_kvm_t", "container_engine_t");

  /** One failed check: its short reason and the detail naming what fails it. */
  record Failure(String reason, String detail) {}

  private final Store store;
  private final ResourceTypes types;

  PodSecurity(Store store, ResourceTypes types) {
    this.store = store;
    this.types = types;
  }

  @Override
  public void validate(Attributes a) {
    ResourceType t = a.type();
    if (t.group().isEmpty() && t.plural().equals("namespaces") && a.subresource() == null) {
      namespace(a);
      return;
    }
    if (a.object() == null || a.namespace() == null || a.operation().equals("DELETE")) {
      return;
    }
    JsonNode template = template(t, a.object());
    boolean pod = t.group().isEmpty() && t.plural().equals("pods");
    if (!pod && template == null) {
      return;
    }
    if (pod && (a.subresource() != null && !a.subresource().equals("ephemeralcontainers")
        || a.operation().equals("UPDATE") && a.oldObject() != null
        && a.oldObject().path("spec").equals(a.object().path("spec")))) {
      return;
    }
    ObjectNode ns = store.get(Store.key(namespaces(), "", a.namespace()));
    if (ns == null) {
      return;
    }
    JsonNode labels = ns.path("metadata").path("labels");
    JsonNode meta = pod ? a.object().path("metadata") : template.path("metadata");
    JsonNode spec = pod ? a.object().path("spec") : template.path("spec");
    String enforce = level(labels, "enforce");
    String warn = level(labels, "warn");
    if (pod && enforce != null) {
      List<Failure> failures = check(meta, spec, enforce);
      if (!failures.isEmpty()) {
        throw ApiException.forbidden("pods \"" + a.name() + "\" is forbidden: violates "
            + "PodSecurity \"" + enforce + ":" + version(labels, "enforce") + "\": "
            + describe(failures), t, a.name(), List.of());
      }
    }
    if (warn != null) {
      List<Failure> failures = check(meta, spec, warn);
      if (!failures.isEmpty()) {
        a.warnings().add("would violate PodSecurity \"" + warn + ":" + version(labels, "warn")
            + "\": " + describe(failures));
      }
    }
  }

  private void namespace(Attributes a) {
    if (a.object() == null) {
      return;
    }
    JsonNode labels = a.object().path("metadata").path("labels");
    List<ApiException.Cause> causes = new ArrayList<>();
    for (String mode : List.of("enforce", "audit", "warn")) {
      JsonNode v = labels.path(PREFIX + mode);
      if (v.isTextual() && !LEVELS.contains(v.asText())) {
        causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \""
            + v.asText() + "\": must be one of privileged, baseline, restricted",
            "metadata.labels[" + PREFIX + mode + "]"));
      }
      JsonNode ver = labels.path(PREFIX + mode + "-version");
      if (ver.isTextual() && !ver.asText().matches("latest|v1\\.(0|[1-9][0-9]*)")) {
        causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \""
            + ver.asText() + "\": must be 'latest' or 'v1.x'",
            "metadata.labels[" + PREFIX + mode + "-version]"));
      }
    }
    if (!causes.isEmpty()) {
      throw ApiException.invalid("", "Namespace", a.name(), causes);
    }
    String enforce = level(labels, "enforce");
    String before = a.oldObject() == null ? null
        : level(a.oldObject().path("metadata").path("labels"), "enforce");
    if (a.operation().equals("UPDATE") && enforce != null && !enforce.equals(before)) {
      existingPods(a, enforce, version(labels, "enforce"));
    }
  }

  /** Warnings naming the pods a new enforce level would refuse, grouped by their failures. */
  private void existingPods(Attributes a, String level, String version) {
    ResourceType pods = types.find("", "v1", "pods").orElseThrow();
    Map<String, List<String>> byReasons = new LinkedHashMap<>();
    for (ObjectNode p : store.list(Store.prefix(pods, a.name())).items()) {
      List<Failure> failures = check(p.path("metadata"), p.path("spec"), level);
      if (failures.isEmpty()) {
        continue;
      }
      List<String> reasons = new ArrayList<>();
      failures.forEach(f -> reasons.add(f.reason()));
      byReasons.computeIfAbsent(String.join(", ", reasons), k -> new ArrayList<>())
          .add(p.path("metadata").path("name").asText());
    }
    if (byReasons.isEmpty()) {
      return;
    }
    a.warnings().add("existing pods in namespace \"" + a.name() + "\" violate the new "
        + "PodSecurity enforce level \"" + level + ":" + version + "\"");
    byReasons.forEach((reasons, names) -> {
      int others = names.size() - 1;
      a.warnings().add(names.get(0) + (others == 0 ? "" : " (and " + others + " other pod"
          + (others == 1 ? "" : "s") + ")") + ": " + reasons);
    });
  }

  private static String level(JsonNode labels, String mode) {
    String v = labels.path(PREFIX + mode).asText("");
    return LEVELS.contains(v) && !v.equals("privileged") ? v : null;
  }

  private static String version(JsonNode labels, String mode) {
    return labels.path(PREFIX + mode + "-version").asText("latest");
  }

  /** The pod template of a workload kind, or null for kinds that have none. */
  private static JsonNode template(ResourceType t, JsonNode o) {
    String k = t.group() + "/" + t.plural();
    return switch (k) {
      case "apps/deployments", "apps/replicasets", "apps/statefulsets", "apps/daemonsets",
          "batch/jobs", "/replicationcontrollers", "/podtemplates" ->
          k.equals("/podtemplates") ? o.path("template") : o.path("spec").path("template");
      case "batch/cronjobs" -> o.path("spec").path("jobTemplate").path("spec").path("template");
      default -> null;
    };
  }

  private ResourceType namespaces() {
    return types.find("", "v1", "namespaces").orElseThrow();
  }

  static String describe(List<Failure> failures) {
    StringBuilder b = new StringBuilder();
    for (Failure f : failures) {
      b.append(b.length() == 0 ? "" : ", ").append(f.reason());
      if (!f.detail().isEmpty()) {
        b.append(" (").append(f.detail()).append(')');
      }
    }
    return b.toString();
  }

  // ---- the checks ----

  /** What a pod (metadata and spec) fails at a level, in Kubernetes' order. */
  static List<Failure> check(JsonNode meta, JsonNode spec, String level) {
    boolean restricted = level.equals("restricted");
    List<Failure> f = new ArrayList<>();
    List<JsonNode> cs = containers(spec);
    JsonNode podSc = spec.path("securityContext");
    // baseline
    appArmor(meta, podSc, cs, f);
    if (!restricted) {
      List<String> bad = new ArrayList<>();
      List<String> caps = new ArrayList<>();
      for (JsonNode c : cs) {
        boolean any = false;
        for (JsonNode cap : c.path("securityContext").path("capabilities").path("add")) {
          if (!BASELINE_CAPS.contains(cap.asText())) {
            any = true;
            if (!caps.contains(cap.asText())) {
              caps.add(cap.asText());
            }
          }
        }
        if (any) {
          bad.add(name(c));
        }
      }
      if (!bad.isEmpty()) {
        f.add(new Failure("non-default capabilities", containers(bad) + " must not include "
            + quote(caps) + " in securityContext.capabilities.add"));
      }
    }
    List<String> host = new ArrayList<>();
    for (String h : List.of("hostNetwork", "hostPID", "hostIPC")) {
      if (spec.path(h).asBoolean(false)) {
        host.add(h + "=true");
      }
    }
    if (!host.isEmpty()) {
      f.add(new Failure("host namespaces", String.join(", ", host)));
    }
    List<String> hostPaths = new ArrayList<>();
    for (JsonNode v : spec.path("volumes")) {
      if (v.has("hostPath")) {
        hostPaths.add(v.path("name").asText());
      }
    }
    if (!hostPaths.isEmpty()) {
      f.add(new Failure("hostPath volumes", plural("volume", hostPaths) + " "
          + quote(hostPaths)));
    }
    List<String> portContainers = new ArrayList<>();
    List<String> ports = new ArrayList<>();
    for (JsonNode c : cs) {
      boolean any = false;
      for (JsonNode p : c.path("ports")) {
        if (p.path("hostPort").asInt(0) != 0) {
          any = true;
          ports.add(p.path("hostPort").asText());
        }
      }
      if (any) {
        portContainers.add(name(c));
      }
    }
    if (!portContainers.isEmpty()) {
      f.add(new Failure("hostPort", containers(portContainers) + " "
          + (portContainers.size() == 1 ? "uses" : "use") + " " + (ports.size() == 1
          ? "hostPort" : "hostPorts") + " " + String.join(", ", ports)));
    }
    List<String> privileged = new ArrayList<>();
    for (JsonNode c : cs) {
      if (c.path("securityContext").path("privileged").asBoolean(false)) {
        privileged.add(name(c));
      }
    }
    if (!privileged.isEmpty()) {
      f.add(new Failure("privileged", containers(privileged)
          + " must not set securityContext.privileged=true"));
    }
    List<String> proc = new ArrayList<>();
    List<String> procValues = new ArrayList<>();
    for (JsonNode c : cs) {
      String pm = c.path("securityContext").path("procMount").asText("Default");
      if (!pm.equals("Default")) {
        proc.add(name(c));
        if (!procValues.contains(pm)) {
          procValues.add(pm);
        }
      }
    }
    if (!proc.isEmpty()) {
      f.add(new Failure("procMount", containers(proc) + " must not set "
          + "securityContext.procMount to " + quote(procValues)));
    }
    seLinux(podSc, cs, f);
    if (!restricted) {
      seccompBaseline(podSc, cs, f);
    }
    List<String> sysctls = new ArrayList<>();
    for (JsonNode s : podSc.path("sysctls")) {
      if (!SAFE_SYSCTLS.contains(s.path("name").asText())) {
        sysctls.add(s.path("name").asText());
      }
    }
    if (!sysctls.isEmpty()) {
      f.add(new Failure("forbidden sysctls", String.join(", ", sysctls)));
    }
    hostProcess(podSc, cs, f);
    if (!restricted) {
      return f;
    }
    // restricted
    List<String> escalating = new ArrayList<>();
    for (JsonNode c : cs) {
      JsonNode ape = c.path("securityContext").path("allowPrivilegeEscalation");
      if (!ape.isBoolean() || ape.asBoolean()) {
        escalating.add(name(c));
      }
    }
    if (!escalating.isEmpty()) {
      f.add(new Failure("allowPrivilegeEscalation != false", containers(escalating)
          + " must set securityContext.allowPrivilegeEscalation=false"));
    }
    capabilitiesRestricted(cs, f);
    List<String> volumeNames = new ArrayList<>();
    List<String> volumeTypes = new ArrayList<>();
    for (JsonNode v : spec.path("volumes")) {
      for (var it = v.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!field.equals("name") && !RESTRICTED_VOLUMES.contains(field)) {
          volumeNames.add(v.path("name").asText());
          if (!volumeTypes.contains(field)) {
            volumeTypes.add(field);
          }
        }
      }
    }
    if (!volumeNames.isEmpty()) {
      f.add(new Failure("restricted volume types", plural("volume", volumeNames) + " "
          + quote(volumeNames) + " " + (volumeNames.size() == 1 ? "uses" : "use")
          + " restricted volume " + (volumeTypes.size() == 1 ? "type" : "types") + " "
          + quote(volumeTypes)));
    }
    runAsNonRoot(podSc, cs, f);
    runAsUser(podSc, cs, f);
    seccompRestricted(podSc, cs, f);
    return f;
  }

  private static void appArmor(JsonNode meta, JsonNode podSc, List<JsonNode> cs,
      List<Failure> f) {
    List<String> bad = new ArrayList<>();
    String podType = podSc.path("appArmorProfile").path("type").asText("");
    if (podType.equals("Unconfined")) {
      bad.add("pod must not set securityContext.appArmorProfile.type to \"Unconfined\"");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode c : cs) {
      if (c.path("securityContext").path("appArmorProfile").path("type").asText("")
          .equals("Unconfined")) {
        names.add(name(c));
      }
    }
    if (!names.isEmpty()) {
      bad.add(containers(names) + " must not set securityContext.appArmorProfile.type to "
          + "\"Unconfined\"");
    }
    for (var it = meta.path("annotations").fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().startsWith("container.apparmor.security.beta.kubernetes.io/")) {
        String v = e.getValue().asText();
        if (!v.equals("runtime/default") && !v.startsWith("localhost/")) {
          bad.add(e.getKey() + "=\"" + v + "\"");
        }
      }
    }
    if (!bad.isEmpty()) {
      f.add(new Failure("forbidden AppArmor profile", String.join(", ", bad)));
    }
  }

  private static void seLinux(JsonNode podSc, List<JsonNode> cs, List<Failure> f) {
    List<String> setters = new ArrayList<>();
    if (badSeLinux(podSc.path("seLinuxOptions"))) {
      setters.add("pod");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode c : cs) {
      if (badSeLinux(c.path("securityContext").path("seLinuxOptions"))) {
        names.add(name(c));
      }
    }
    if (!names.isEmpty()) {
      setters.add(containers(names));
    }
    if (!setters.isEmpty()) {
      f.add(new Failure("seLinuxOptions", String.join(" and ", setters) + " set forbidden "
          + "securityContext.seLinuxOptions"));
    }
  }

  private static boolean badSeLinux(JsonNode o) {
    return !SELINUX_TYPES.contains(o.path("type").asText(""))
        || !o.path("user").asText("").isEmpty() || !o.path("role").asText("").isEmpty();
  }

  private static void seccompBaseline(JsonNode podSc, List<JsonNode> cs, List<Failure> f) {
    List<String> setters = new ArrayList<>();
    if (podSc.path("seccompProfile").path("type").asText("").equals("Unconfined")) {
      setters.add("pod");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode c : cs) {
      if (c.path("securityContext").path("seccompProfile").path("type").asText("")
          .equals("Unconfined")) {
        names.add(name(c));
      }
    }
    if (!names.isEmpty()) {
      setters.add(containers(names));
    }
    if (!setters.isEmpty()) {
      f.add(new Failure("seccompProfile", String.join(" and ", setters) + " must not set "
          + "securityContext.seccompProfile.type to \"Unconfined\""));
    }
  }

  private static void hostProcess(JsonNode podSc, List<JsonNode> cs, List<Failure> f) {
    List<String> setters = new ArrayList<>();
    if (podSc.path("windowsOptions").path("hostProcess").asBoolean(false)) {
      setters.add("pod");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode c : cs) {
      if (c.path("securityContext").path("windowsOptions").path("hostProcess")
          .asBoolean(false)) {
        names.add(name(c));
      }
    }
    if (!names.isEmpty()) {
      setters.add(containers(names));
    }
    if (!setters.isEmpty()) {
      f.add(new Failure("hostProcess", String.join(" and ", setters) + " must not set "
          + "securityContext.windowsOptions.hostProcess=true"));
    }
  }

  private static void capabilitiesRestricted(List<JsonNode> cs, List<Failure> f) {
    List<String> noDrop = new ArrayList<>();
    List<String> adding = new ArrayList<>();
    List<String> caps = new ArrayList<>();
    for (JsonNode c : cs) {
      JsonNode capabilities = c.path("securityContext").path("capabilities");
      boolean dropsAll = false;
      for (JsonNode d : capabilities.path("drop")) {
        dropsAll |= d.asText().equals("ALL");
      }
      if (!dropsAll) {
        noDrop.add(name(c));
      }
      boolean any = false;
      for (JsonNode a : capabilities.path("add")) {
        if (!a.asText().equals("NET_BIND_SERVICE")) {
          any = true;
          if (!caps.contains(a.asText())) {
            caps.add(a.asText());
          }
        }
      }
      if (any) {
        adding.add(name(c));
      }
    }
    List<String> details = new ArrayList<>();
    if (!noDrop.isEmpty()) {
      details.add(containers(noDrop) + " must set securityContext.capabilities.drop=[\"ALL\"]");
    }
    if (!adding.isEmpty()) {
      details.add(containers(adding) + " must not include " + quote(caps)
          + " in securityContext.capabilities.add");
    }
    if (!details.isEmpty()) {
      f.add(new Failure("unrestricted capabilities", String.join("; ", details)));
    }
  }

  private static void runAsNonRoot(JsonNode podSc, List<JsonNode> cs, List<Failure> f) {
    JsonNode pod = podSc.path("runAsNonRoot");
    List<String> setters = new ArrayList<>();
    if (pod.isBoolean() && !pod.asBoolean()) {
      setters.add("pod");
    }
    List<String> explicit = new ArrayList<>();
    List<String> implicit = new ArrayList<>();
    for (JsonNode c : cs) {
      JsonNode v = c.path("securityContext").path("runAsNonRoot");
      if (v.isBoolean() && !v.asBoolean()) {
        explicit.add(name(c));
      } else if (!v.isBoolean() && !(pod.isBoolean() && pod.asBoolean())) {
        implicit.add(name(c));
      }
    }
    if (!explicit.isEmpty()) {
      setters.add(containers(explicit));
    }
    List<String> details = new ArrayList<>();
    if (!setters.isEmpty()) {
      details.add(String.join(" and ", setters)
          + " must not set securityContext.runAsNonRoot=false");
    }
    if (!implicit.isEmpty()) {
      details.add("pod or " + containers(implicit)
          + " must set securityContext.runAsNonRoot=true");
    }
    if (!details.isEmpty()) {
      f.add(new Failure("runAsNonRoot != true", String.join("; ", details)));
    }
  }

  private static void runAsUser(JsonNode podSc, List<JsonNode> cs, List<Failure> f) {
    List<String> setters = new ArrayList<>();
    if (podSc.path("runAsUser").isNumber() && podSc.path("runAsUser").asLong() == 0) {
      setters.add("pod");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode c : cs) {
      JsonNode v = c.path("securityContext").path("runAsUser");
      if (v.isNumber() && v.asLong() == 0) {
        names.add(name(c));
      }
    }
    if (!names.isEmpty()) {
      setters.add(containers(names));
    }
    if (!setters.isEmpty()) {
      f.add(new Failure("runAsUser=0", String.join(" and ", setters)
          + " must not set runAsUser=0"));
    }
  }

  private static void seccompRestricted(JsonNode podSc, List<JsonNode> cs, List<Failure> f) {
    String podType = podSc.path("seccompProfile").path("type").asText("");
    boolean podOk = podType.equals("RuntimeDefault") || podType.equals("Localhost");
    List<String> setters = new ArrayList<>();
    List<String> values = new ArrayList<>();
    if (!podType.isEmpty() && !podOk) {
      setters.add("pod");
      values.add(podType);
    }
    List<String> explicit = new ArrayList<>();
    List<String> implicit = new ArrayList<>();
    for (JsonNode c : cs) {
      String type = c.path("securityContext").path("seccompProfile").path("type").asText("");
      if (type.isEmpty()) {
        if (podType.isEmpty()) {
          implicit.add(name(c));
        }
      } else if (!type.equals("RuntimeDefault") && !type.equals("Localhost")) {
        explicit.add(name(c));
        if (!values.contains(type)) {
          values.add(type);
        }
      }
    }
    if (!explicit.isEmpty()) {
      setters.add(containers(explicit));
    }
    List<String> details = new ArrayList<>();
    if (!setters.isEmpty()) {
      details.add(String.join(" and ", setters) + " must not set "
          + "securityContext.seccompProfile.type to " + quote(values));
    }
    if (!implicit.isEmpty()) {
      details.add("pod or " + containers(implicit) + " must set securityContext.seccompProfile"
          + ".type to \"RuntimeDefault\" or \"Localhost\"");
    }
    if (!details.isEmpty()) {
      f.add(new Failure("seccompProfile", String.join("; ", details)));
    }
  }

  // ---- wording ----

  /** Init containers, then containers, then ephemeral containers, as Kubernetes visits them. */
  private static List<JsonNode> containers(JsonNode spec) {
    List<JsonNode> all = new ArrayList<>();
    for (String f : List.of("initContainers", "containers", "ephemeralContainers")) {
      spec.path(f).forEach(all::add);
    }
    return all;
  }

  private static String name(JsonNode c) {
    return c.path("name").asText();
  }

  private static String containers(List<String> names) {
    return plural("container", names) + " " + quote(names);
  }

  private static String plural(String word, List<String> names) {
    return names.size() == 1 ? word : word + "s";
  }

  private static String quote(List<String> values) {
    StringBuilder b = new StringBuilder();
    for (String v : values) {
      b.append(b.length() == 0 ? "" : ", ").append('"').append(v).append('"');
    }
    return b.toString();
  }
}
