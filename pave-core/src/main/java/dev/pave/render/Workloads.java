package dev.pave.render;

import dev.pave.spec.EnvValue;
import dev.pave.spec.Volume;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.ExecAction;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pod that every workload of a service runs: hardened to the Pod Security Standards
 * "restricted" level and carrying the identity into OpenTelemetry. Deployments and CronJobs
 * share it so a job cannot drift from its service's security settings.
 */
final class Workloads {
  static final String HTTP = "http";
  static final String METRICS = "metrics";
  static final String TMP_SIZE = "256Mi";

  private Workloads() {}

  /** The main container of the service or of one of its jobs. */
  record ContainerPlan(String name, List<String> command, List<String> args,
      Plan.Compute compute, boolean server) {}

  /*
   * Built with constructors and setters rather than fabric8's fluent builders: the builders
   * allocate a visitor registry per nested object, which made this the slowest part of
   * rendering by a factor of three.
   */
  static PodSpec podSpec(Plan p, ContainerPlan c, Map<String, String> spreadSelector,
      String restartPolicy) {
    PodSecurityContext security = new PodSecurityContext();
    security.setRunAsNonRoot(true);
    security.setRunAsUser((long) p.user());
    security.setRunAsGroup((long) p.user());
    security.setFsGroup((long) p.user());
    security.setSeccompProfile(new SeccompProfile(null, "RuntimeDefault"));
    PodSpec spec = new PodSpec();
    spec.setServiceAccountName(p.name());
    spec.setAutomountServiceAccountToken(false);
    spec.setEnableServiceLinks(false);
    spec.setRestartPolicy(restartPolicy);
    spec.setTerminationGracePeriodSeconds(30L);
    spec.setSecurityContext(security);
    spec.setContainers(new ArrayList<>(List.of(container(p, c))));
    spec.setVolumes(volumes(p));
    if (spreadSelector != null && p.env().topologySpread()) {
      spec.setTopologySpreadConstraints(new ArrayList<>(List.of(
          spread("topology.kubernetes.io/zone", spreadSelector),
          spread("kubernetes.io/hostname", spreadSelector))));
    }
    return spec;
  }

  private static TopologySpreadConstraint spread(String key, Map<String, String> selector) {
    TopologySpreadConstraint t = new TopologySpreadConstraint();
    t.setMaxSkew(1);
    t.setTopologyKey(key);
    t.setWhenUnsatisfiable("ScheduleAnyway");
    t.setLabelSelector(new LabelSelector(null, new LinkedHashMap<>(selector)));
    return t;
  }

  private static Container container(Plan p, ContainerPlan c) {
    Container k = new Container();
    k.setName(c.name());
    k.setImage(p.image());
    k.setImagePullPolicy("IfNotPresent");
    if (c.command() != null) {
      k.setCommand(new ArrayList<>(c.command()));
    }
    if (c.args() != null) {
      k.setArgs(new ArrayList<>(c.args()));
    }
    k.setEnv(env(p));
    Map<String, Quantity> requests = new LinkedHashMap<>();
    requests.put("cpu", new Quantity(c.compute().cpuRequest()));
    requests.put("memory", new Quantity(c.compute().memoryRequest()));
    Map<String, Quantity> limits = new LinkedHashMap<>();
    limits.put("cpu", new Quantity(c.compute().cpuLimit()));
    limits.put("memory", new Quantity(c.compute().memoryLimit()));
    ResourceRequirements resources = new ResourceRequirements();
    resources.setRequests(requests);
    resources.setLimits(limits);
    k.setResources(resources);
    SecurityContext security = new SecurityContext();
    security.setAllowPrivilegeEscalation(false);
    security.setReadOnlyRootFilesystem(true);
    security.setRunAsNonRoot(true);
    security.setCapabilities(new Capabilities(null, new ArrayList<>(List.of("ALL"))));
    k.setSecurityContext(security);
    k.setVolumeMounts(mounts(p));
    if (c.server()) {
      k.setPorts(ports(p));
      Plan.Probes probes = p.probes();
      if (!probes.none()) {
        k.setReadinessProbe(probe(probes, probes.readinessPath(), 10, 3));
        k.setLivenessProbe(probe(probes, probes.livenessPath(), 10, 6));
        int period = 5;
        k.setStartupProbe(probe(probes, probes.livenessPath(), period,
            Math.max(1, (probes.startupSeconds() + period - 1) / period)));
      }
    }
    return k;
  }

  private static List<ContainerPort> ports(Plan p) {
    List<ContainerPort> ports = new ArrayList<>();
    if (p.port() != null) {
      ports.add(port(HTTP, p.port()));
    }
    if (p.scrape() != null && !p.metricsOnServicePort()) {
      ports.add(port(METRICS, p.scrape().port()));
    }
    return ports;
  }

  private static ContainerPort port(String name, int number) {
    ContainerPort port = new ContainerPort();
    port.setName(name);
    port.setContainerPort(number);
    port.setProtocol("TCP");
    return port;
  }

  private static Probe probe(Plan.Probes probes, String path, int period, int failures) {
    Probe probe = new Probe();
    probe.setPeriodSeconds(period);
    probe.setTimeoutSeconds(2);
    probe.setFailureThreshold(failures);
    if (probes.command() != null) {
      probe.setExec(new ExecAction(new ArrayList<>(probes.command())));
    } else {
      HTTPGetAction get = new HTTPGetAction();
      get.setPath(path);
      get.setPort(new IntOrString(probes.port()));
      probe.setHttpGet(get);
    }
    return probe;
  }

  /**
   * Pave's variables come first so that the spec's own values can refer to them with
   * $(K8S_POD_NAME); Kubernetes expands only variables defined earlier in the list.
   */
  static List<EnvVar> env(Plan p) {
    List<EnvVar> out = new ArrayList<>(6 + p.envVars().size());
    out.add(field("K8S_POD_NAME", "metadata.name"));
    out.add(field("K8S_POD_UID", "metadata.uid"));
    out.add(field("K8S_NAMESPACE_NAME", "metadata.namespace"));
    out.add(field("K8S_NODE_NAME", "spec.nodeName"));
    out.add(new EnvVar("OTEL_SERVICE_NAME", p.name(), null));
    out.add(new EnvVar("OTEL_RESOURCE_ATTRIBUTES", resourceAttributes(p), null));
    for (Map.Entry<String, EnvValue> e : p.envVars().entrySet()) {
      EnvValue v = e.getValue();
      EnvVarSource from = null;
      if (v.secret() != null) {
        from = new EnvVarSource();
        from.setSecretKeyRef(new SecretKeySelector(v.key(), v.secret(), false));
      } else if (v.configMap() != null) {
        from = new EnvVarSource();
        from.setConfigMapKeyRef(new ConfigMapKeySelector(v.key(), v.configMap(), false));
      }
      out.add(new EnvVar(e.getKey(), from == null ? v.value() : null, from));
    }
    return out;
  }

  static String resourceAttributes(Plan p) {
    StringBuilder sb = new StringBuilder(256);
    for (Map.Entry<String, String> a : p.identity().resourceAttributes().entrySet()) {
      sb.append(a.getKey()).append('=').append(a.getValue()).append(',');
    }
    sb.append("k8s.namespace.name=$(K8S_NAMESPACE_NAME),k8s.pod.name=$(K8S_POD_NAME),")
        .append("k8s.pod.uid=$(K8S_POD_UID),k8s.node.name=$(K8S_NODE_NAME)");
    return sb.toString();
  }

  private static EnvVar field(String name, String path) {
    EnvVarSource from = new EnvVarSource();
    from.setFieldRef(new ObjectFieldSelector(null, path));
    return new EnvVar(name, null, from);
  }

  private static List<VolumeMount> mounts(Plan p) {
    List<VolumeMount> out = new ArrayList<>();
    out.add(mount("tmp", "/tmp", null));
    if (p.spec().config() != null) {
      out.add(mount("config", configPath(p), true));
    }
    for (Volume v : p.volumes()) {
      out.add(mount(v.name(), v.mountPath(), null));
    }
    return out;
  }

  private static VolumeMount mount(String name, String path, Boolean readOnly) {
    VolumeMount m = new VolumeMount();
    m.setName(name);
    m.setMountPath(path);
    m.setReadOnly(readOnly);
    return m;
  }

  static String configPath(Plan p) {
    String m = p.spec().config().mountPath();
    return m != null ? m : "/etc/" + p.name();
  }

  private static List<io.fabric8.kubernetes.api.model.Volume> volumes(Plan p) {
    List<io.fabric8.kubernetes.api.model.Volume> out = new ArrayList<>();
    out.add(emptyDir("tmp", TMP_SIZE));
    if (p.spec().config() != null) {
      io.fabric8.kubernetes.api.model.Volume config = new io.fabric8.kubernetes.api.model.Volume();
      config.setName("config");
      ConfigMapVolumeSource source = new ConfigMapVolumeSource();
      source.setName(ConfigMaps.name(p));
      config.setConfigMap(source);
      out.add(config);
    }
    for (Volume v : p.volumes()) {
      if (v.type() == Volume.Type.PERSISTENT) {
        io.fabric8.kubernetes.api.model.Volume claim = new io.fabric8.kubernetes.api.model.Volume();
        claim.setName(v.name());
        claim.setPersistentVolumeClaim(new PersistentVolumeClaimVolumeSource(Claims.name(p, v),
            null));
        out.add(claim);
      } else {
        out.add(emptyDir(v.name(), v.size()));
      }
    }
    return out;
  }

  private static io.fabric8.kubernetes.api.model.Volume emptyDir(String name, String size) {
    io.fabric8.kubernetes.api.model.Volume v = new io.fabric8.kubernetes.api.model.Volume();
    v.setName(name);
    v.setEmptyDir(new EmptyDirVolumeSource(null, size == null ? null : new Quantity(size)));
    return v;
  }
}
