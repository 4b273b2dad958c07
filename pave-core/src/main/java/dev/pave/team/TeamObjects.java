package dev.pave.team;

import dev.pave.identity.Identity;
import dev.pave.render.Settings;
import dev.pave.spec.Environment;
import dev.pave.spec.Size;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a Team gets in one environment, as a pure function of the Team and the Environment:
 * its namespace (labelled for Pod Security Admission at the environment's level), a
 * RoleBinding per member to the ClusterRole of its role, a ResourceQuota and LimitRange from
 * its size class, a default-deny NetworkPolicy that still lets the team's namespaces talk to
 * each other and resolve names, and the CI ServiceAccount with the right to deploy
 * Applications (admission keeps it to its own team's).
 */
public final class TeamObjects {
  /** The CI ServiceAccount in each of the team's namespaces. */
  public static final String CI_ACCOUNT = "pave-ci";
  /** The ClusterRole the CI ServiceAccount is bound to in the Applications namespace. */
  public static final String CI_ROLE = "pave-team-ci";
  public static final String DEFAULT_DENY = "pave-default-deny";
  public static final String QUOTA = "pave-team";
  public static final String TEAM_NAMESPACE_TEMPLATE = "{team}-{env}";
  /** Where Applications live unless the operator is told otherwise (as in the Helm chart). */
  public static final String APPLICATIONS_NAMESPACE = "pave-apps";
  static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

  private TeamObjects() {}

  /**
   * The team's namespace in the environment: the environment's namespace template when it
   * places applications by team (no {@code {app}} in it), so Applications land in the team's
   * namespace; otherwise {@code <team>-<env>}.
   */
  public static String namespace(String team, Environment env) {
    Settings s = Settings.of(env);
    String template = s.ownsNamespace() ? TEAM_NAMESPACE_TEMPLATE : s.namespaceTemplate();
    return template.replace("{team}", team).replace("{env}", env.name());
  }

  /** The environments the team deploys to: those it names, or every known one. */
  public static List<String> environments(Team team, Collection<String> known) {
    List<String> named = team.spec().environments();
    return named == null ? List.copyOf(known) : named;
  }

  /** The names a Team lists that are not environments of the platform. */
  public static List<String> unknownEnvironments(Team team, Collection<String> known) {
    List<String> named = team.spec().environments();
    return named == null ? List.of() : named.stream().filter(e -> !known.contains(e)).toList();
  }

  /**
   * Every object of the team in {@code env}, in the order to apply them. Throws
   * {@link IllegalArgumentException} when the team's size class is not defined there.
   */
  public static List<HasMetadata> render(Team team, Environment env,
      String applicationsNamespace) {
    String ns = namespace(team.name(), env);
    TeamQuota q = SizeClasses.resolve(team.spec().size(), SizeClasses.of(env), env.name());
    List<HasMetadata> out = new ArrayList<>();
    out.add(namespaceObject(team, env, ns));
    out.add(quota(team, env, ns, q));
    out.add(limitRange(team, env, ns, q));
    out.add(networkPolicy(team, env, ns));
    for (Member m : team.spec().members()) {
      out.add(memberBinding(team, env, ns, m));
    }
    out.add(new ServiceAccountBuilder().withMetadata(meta(team, env, CI_ACCOUNT, ns))
        .withAutomountServiceAccountToken(false).build());
    out.add(new RoleBindingBuilder()
        .withMetadata(meta(team, env, CI_ACCOUNT + "-" + ns, applicationsNamespace))
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", CI_ROLE)
        .withSubjects(new SubjectBuilder().withKind("ServiceAccount").withName(CI_ACCOUNT)
            .withNamespace(ns).build())
        .build());
    return out;
  }

  /** Identity labels every object of the team carries. */
  public static Map<String, String> labels(String team, String environment) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put(Identity.MANAGED_BY, Identity.MANAGER);
    l.put(Identity.PART_OF, team);
    l.put(Identity.TEAM, team);
    l.put(Identity.ENVIRONMENT, environment);
    return l;
  }

  private static ObjectMeta meta(Team team, Environment env, String name, String namespace) {
    ObjectMeta m = new ObjectMeta();
    m.setName(name);
    m.setNamespace(namespace);
    m.setLabels(labels(team.name(), env.name()));
    return m;
  }

  private static Namespace namespaceObject(Team team, Environment env, String ns) {
    ObjectMeta m = meta(team, env, ns, null);
    String level = Settings.of(env).policyLevel().name().toLowerCase(Locale.ROOT);
    m.getLabels().put("pod-security.kubernetes.io/enforce", level);
    m.getLabels().put("pod-security.kubernetes.io/enforce-version", "latest");
    m.getLabels().put("pod-security.kubernetes.io/warn", "restricted");
    m.getLabels().put("pod-security.kubernetes.io/audit", "restricted");
    Map<String, String> a = new LinkedHashMap<>();
    TeamSpec s = team.spec();
    putIf(a, "pave.dev/on-call", s.onCall());
    putIf(a, "pave.dev/runbook", s.runbook());
    putIf(a, "pave.dev/cost-center", s.costCenter());
    putIf(a, "pave.dev/slack", s.slack());
    putIf(a, "pave.dev/email", s.email());
    if (s.registries() != null) {
      a.put("pave.dev/registries", String.join(",", s.registries()));
    }
    m.setAnnotations(a.isEmpty() ? null : a);
    return new NamespaceBuilder().withMetadata(m).build();
  }

  private static ResourceQuota quota(Team team, Environment env, String ns, TeamQuota q) {
    Map<String, Quantity> hard = new LinkedHashMap<>();
    hard.put("limits.cpu", new Quantity(q.cpu()));
    hard.put("limits.memory", new Quantity(q.memory()));
    hard.put("requests.cpu", new Quantity(q.cpu()));
    hard.put("requests.memory", new Quantity(q.memory()));
    hard.put("pods", new Quantity(String.valueOf(q.pods())));
    hard.put("services", new Quantity(String.valueOf(q.services())));
    hard.put("requests.storage", new Quantity(q.storage()));
    hard.put("persistentvolumeclaims", new Quantity(String.valueOf(q.volumeClaims())));
    hard.put("configmaps", new Quantity(String.valueOf(q.configMaps())));
    hard.put("secrets", new Quantity(String.valueOf(q.secrets())));
    ObjectMeta m = meta(team, env, QUOTA, ns);
    m.setAnnotations(new LinkedHashMap<>(Map.of("pave.dev/size-class", q.from())));
    return new ResourceQuotaBuilder().withMetadata(m).withNewSpec().withHard(hard).endSpec()
        .build();
  }

  /**
   * Defaults are the Application small preset, so a pod without resources still counts
   * against the quota (which otherwise refuses it); capped at the class's container maximum.
   */
  private static LimitRange limitRange(Team team, Environment env, String ns, TeamQuota q) {
    String maxCpu = q.containerCpu();
    String maxMemory = q.containerMemory();
    return new LimitRangeBuilder().withMetadata(meta(team, env, QUOTA, ns)).withNewSpec()
        .addNewLimit().withType("Container")
        // Ordered maps: Map.of iterates in an order that changes from one JVM to the next, and
        // the rendered YAML must be the same text every time.
        .withDefault(cpuAndMemory(atMost(Size.SMALL.cpuLimit, maxCpu),
            atMost(Size.SMALL.memoryLimit, maxMemory)))
        .withDefaultRequest(cpuAndMemory(atMost(Size.SMALL.cpuRequest, maxCpu),
            atMost(Size.SMALL.memoryRequest, maxMemory)))
        .withMax(cpuAndMemory(new Quantity(maxCpu), new Quantity(maxMemory)))
        .endLimit().endSpec().build();
  }

  private static Quantity atMost(String value, String max) {
    return Quantity.getAmountInBytes(new Quantity(value))
        .compareTo(Quantity.getAmountInBytes(new Quantity(max))) <= 0
        ? new Quantity(value) : new Quantity(max);
  }

  /**
   * Deny by default; allowed: traffic between the team's own namespaces and DNS. Each
   * Application's own policy (rendered with it) adds what it needs on top, since policies are
   * additive: ingress from the controller, from callers, from Prometheus, egress to its
   * dependencies.
   */
  private static NetworkPolicy networkPolicy(Team team, Environment env, String ns) {
    NetworkPolicyPeer sameTeam = new NetworkPolicyPeerBuilder().withNamespaceSelector(
        new LabelSelector(null, new LinkedHashMap<>(Map.of(Identity.TEAM, team.name()))))
        .build();
    NetworkPolicyPeer dns = new NetworkPolicyPeerBuilder()
        .withNamespaceSelector(new LabelSelector(null,
            new LinkedHashMap<>(Map.of(NAMESPACE_NAME, "kube-system"))))
        .withPodSelector(new LabelSelector(null,
            new LinkedHashMap<>(Map.of("k8s-app", "kube-dns"))))
        .build();
    return new NetworkPolicyBuilder().withMetadata(meta(team, env, DEFAULT_DENY, ns))
        .withNewSpec().withPodSelector(new LabelSelector())
        .withPolicyTypes("Ingress", "Egress")
        .addNewIngress().withFrom(sameTeam).endIngress()
        .addNewEgress().withTo(sameTeam).endEgress()
        .addNewEgress().withTo(dns).withPorts(port(53, "UDP"), port(53, "TCP")).endEgress()
        .endSpec().build();
  }

  private static NetworkPolicyPort port(int port, String protocol) {
    NetworkPolicyPort p = new NetworkPolicyPort();
    p.setPort(new IntOrString(port));
    p.setProtocol(protocol);
    return p;
  }

  private static RoleBinding memberBinding(Team team, Environment env, String ns, Member m) {
    Subject subject = new SubjectBuilder().withApiGroup("rbac.authorization.k8s.io")
        .withKind(m.group() != null ? "Group" : "User")
        .withName(m.group() != null ? m.group() : m.user()).build();
    return new RoleBindingBuilder()
        .withMetadata(meta(team, env, bindingName(m), ns))
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", m.role().clusterRole())
        .withSubjects(subject).build();
  }

  /**
   * {@code pave-developer-group-payments-devs}: the role is in the name because a binding's
   * role cannot change; a subject that is not a valid name part gets a digest suffix so two
   * subjects never share a binding.
   */
  public static String bindingName(Member m) {
    String kind = m.group() != null ? "group" : "user";
    String subject = m.group() != null ? m.group() : m.user();
    String clean = subject.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-")
        .replaceAll("^-+|-+$", "");
    String base = "pave-" + m.role().name().toLowerCase(Locale.ROOT) + "-" + kind + "-";
    if (clean.equals(subject) && base.length() + clean.length() <= 253) {
      return base + clean;
    }
    String digest = digest(subject);
    int room = 253 - base.length() - digest.length() - 1;
    return base + (clean.length() > room ? clean.substring(0, room) : clean) + "-" + digest;
  }

  private static String digest(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void putIf(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  private static Map<String, Quantity> cpuAndMemory(Quantity cpu, Quantity memory) {
    Map<String, Quantity> m = new LinkedHashMap<>();
    m.put("cpu", cpu);
    m.put("memory", memory);
    return m;
  }
}
