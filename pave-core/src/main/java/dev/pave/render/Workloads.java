package dev.pave.render;

import dev.pave.spec.EnvValue;
import dev.pave.spec.Volume;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
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

  static PodSpec podSpec(Plan p, ContainerPlan c, Map<String, String> spreadSelector,
      String restartPolicy) {
    PodSpecBuilder spec = new PodSpecBuilder()
        .withServiceAccountName(p.name())
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withRestartPolicy(restartPolicy)
        .withTerminationGracePeriodSeconds(30L)
        .withSecurityContext(new PodSecurityContextBuilder()
            .withRunAsNonRoot(true)
            .withRunAsUser((long) p.user())
            .withRunAsGroup((long) p.user())
            .withFsGroup((long) p.user())
            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
            .build())
        .withContainers(container(p, c))
        .withVolumes(volumes(p));
    if (spreadSelector != null && p.env().topologySpread()) {
      spec.withTopologySpreadConstraints(
          spread("topology.kubernetes.io/zone", spreadSelector),
          spread("kubernetes.io/hostname", spreadSelector));
    }
    return spec.build();
  }

  private static io.fabric8.kubernetes.api.model.TopologySpreadConstraint spread(String key,
      Map<String, String> selector) {
    return new TopologySpreadConstraintBuilder()
        .withMaxSkew(1)
        .withTopologyKey(key)
        .withWhenUnsatisfiable("ScheduleAnyway")
        .withNewLabelSelector().withMatchLabels(new LinkedHashMap<>(selector)).endLabelSelector()
        .build();
  }

  private static Container container(Plan p, ContainerPlan c) {
    ContainerBuilder b = new ContainerBuilder()
        .withName(c.name())
        .withImage(p.image())
        .withImagePullPolicy("IfNotPresent")
        .withCommand(c.command())
        .withArgs(c.args())
        .withEnv(env(p))
        .withResources(new ResourceRequirementsBuilder()
            .addToRequests("cpu", new Quantity(c.compute().cpuRequest()))
            .addToRequests("memory", new Quantity(c.compute().memoryRequest()))
            .addToLimits("cpu", new Quantity(c.compute().cpuLimit()))
            .addToLimits("memory", new Quantity(c.compute().memoryLimit()))
            .build())
        .withSecurityContext(new SecurityContextBuilder()
            .withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true)
            .withRunAsNonRoot(true)
            .withNewCapabilities().withDrop("ALL").endCapabilities()
            .build())
        .withVolumeMounts(mounts(p));
    if (c.server()) {
      b.withPorts(ports(p));
      Plan.Probes probes = p.probes();
      if (!probes.none()) {
        b.withReadinessProbe(probe(probes, probes.readinessPath(), 10, 3))
            .withLivenessProbe(probe(probes, probes.livenessPath(), 10, 6))
            .withStartupProbe(startup(probes));
      }
    }
    return b.build();
  }

  private static List<ContainerPort> ports(Plan p) {
    List<ContainerPort> ports = new ArrayList<>();
    if (p.port() != null) {
      ports.add(new ContainerPortBuilder().withName(HTTP).withContainerPort(p.port())
          .withProtocol("TCP").build());
    }
    if (p.scrape() != null && !p.metricsOnServicePort()) {
      ports.add(new ContainerPortBuilder().withName(METRICS)
          .withContainerPort(p.scrape().port()).withProtocol("TCP").build());
    }
    return ports;
  }

  private static Probe probe(Plan.Probes probes, String path, int period, int failures) {
    ProbeBuilder b = new ProbeBuilder().withPeriodSeconds(period).withTimeoutSeconds(2)
        .withFailureThreshold(failures);
    return handler(b, probes, path).build();
  }

  private static Probe startup(Plan.Probes probes) {
    int period = 5;
    int failures = Math.max(1, (probes.startupSeconds() + period - 1) / period);
    ProbeBuilder b = new ProbeBuilder().withPeriodSeconds(period).withTimeoutSeconds(2)
        .withFailureThreshold(failures);
    return handler(b, probes, probes.livenessPath()).build();
  }

  private static ProbeBuilder handler(ProbeBuilder b, Plan.Probes probes, String path) {
    if (probes.command() != null) {
      return b.withNewExec().withCommand(probes.command()).endExec();
    }
    return b.withNewHttpGet().withPath(path).withPort(new IntOrString(probes.port()))
        .endHttpGet();
  }

  /**
   * Pave's variables come first so that the spec's own values can refer to them with
   * $(K8S_POD_NAME); Kubernetes expands only variables defined earlier in the list.
   */
  static List<EnvVar> env(Plan p) {
    List<EnvVar> out = new ArrayList<>();
    out.add(field("K8S_POD_NAME", "metadata.name"));
    out.add(field("K8S_POD_UID", "metadata.uid"));
    out.add(field("K8S_NAMESPACE_NAME", "metadata.namespace"));
    out.add(field("K8S_NODE_NAME", "spec.nodeName"));
    out.add(new EnvVarBuilder().withName("OTEL_SERVICE_NAME").withValue(p.name()).build());
    out.add(new EnvVarBuilder().withName("OTEL_RESOURCE_ATTRIBUTES")
        .withValue(resourceAttributes(p)).build());
    for (Map.Entry<String, EnvValue> e : p.envVars().entrySet()) {
      EnvValue v = e.getValue();
      EnvVarBuilder b = new EnvVarBuilder().withName(e.getKey());
      if (v.secret() != null) {
        b.withNewValueFrom().withNewSecretKeyRef(v.key(), v.secret(), false).endValueFrom();
      } else if (v.configMap() != null) {
        b.withNewValueFrom().withNewConfigMapKeyRef(v.key(), v.configMap(), false)
            .endValueFrom();
      } else {
        b.withValue(v.value());
      }
      out.add(b.build());
    }
    return out;
  }

  static String resourceAttributes(Plan p) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> a : p.identity().resourceAttributes().entrySet()) {
      sb.append(a.getKey()).append('=').append(a.getValue()).append(',');
    }
    sb.append("k8s.namespace.name=$(K8S_NAMESPACE_NAME),k8s.pod.name=$(K8S_POD_NAME),")
        .append("k8s.pod.uid=$(K8S_POD_UID),k8s.node.name=$(K8S_NODE_NAME)");
    return sb.toString();
  }

  private static EnvVar field(String name, String path) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef()
        .withFieldPath(path).endFieldRef().endValueFrom().build();
  }

  private static List<VolumeMount> mounts(Plan p) {
    List<VolumeMount> out = new ArrayList<>();
    out.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    if (p.spec().config() != null) {
      out.add(new VolumeMountBuilder().withName("config").withMountPath(configPath(p))
          .withReadOnly(true).build());
    }
    for (Volume v : p.volumes()) {
      out.add(new VolumeMountBuilder().withName(v.name()).withMountPath(v.mountPath()).build());
    }
    return out;
  }

  static String configPath(Plan p) {
    String m = p.spec().config().mountPath();
    return m != null ? m : "/etc/" + p.name();
  }

  private static List<io.fabric8.kubernetes.api.model.Volume> volumes(Plan p) {
    List<io.fabric8.kubernetes.api.model.Volume> out = new ArrayList<>();
    out.add(new VolumeBuilder().withName("tmp").withNewEmptyDir()
        .withSizeLimit(new Quantity(TMP_SIZE)).endEmptyDir().build());
    if (p.spec().config() != null) {
      out.add(new VolumeBuilder().withName("config").withNewConfigMap()
          .withName(ConfigMaps.name(p)).endConfigMap().build());
    }
    for (Volume v : p.volumes()) {
      if (v.type() == Volume.Type.PERSISTENT) {
        out.add(new VolumeBuilder().withName(v.name()).withNewPersistentVolumeClaim()
            .withClaimName(Claims.name(p, v)).endPersistentVolumeClaim().build());
      } else {
        out.add(new VolumeBuilder().withName(v.name()).withNewEmptyDir()
            .withSizeLimit(v.size() == null ? null : new Quantity(v.size())).endEmptyDir()
            .build());
      }
    }
    return out;
  }
}
