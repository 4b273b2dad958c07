package dev.pave.render;

import dev.pave.identity.Identity;
import dev.pave.spec.Application;
import dev.pave.spec.ApplicationSpec;
import dev.pave.spec.Autoscale;
import dev.pave.spec.Dependency;
import dev.pave.spec.EnvValue;
import dev.pave.spec.Expose;
import dev.pave.spec.Health;
import dev.pave.spec.Job;
import dev.pave.spec.Metrics;
import dev.pave.spec.EnvironmentOverride;
import dev.pave.spec.Resources;
import dev.pave.spec.Size;
import dev.pave.spec.Tier;
import dev.pave.spec.Volume;
import dev.pave.spec.WireName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An Application as it runs in one environment: overrides applied, defaults filled, floors
 * enforced. The renderers read only this, so every default is decided in one place.
 */
public record Plan(Identity identity, Settings env, ApplicationSpec spec, String image,
    Integer port, Map<String, EnvValue> envVars, Compute compute, Integer replicas,
    Autoscale autoscale, Probes probes, Expose expose, List<Dependency> dependencies,
    List<Volume> volumes, List<Job> jobs, Scrape scrape, int user, Map<String, String> contacts) {

  /** Requests and limits as Kubernetes quantities. */
  public record Compute(String cpuRequest, String memoryRequest, String cpuLimit,
      String memoryLimit) {}

  /** Resolved health checks: HTTP on a port, a command, or none. */
  public record Probes(String readinessPath, String livenessPath, Integer port,
      List<String> command, int startupSeconds) {
    public boolean none() {
      return port == null && command == null;
    }
  }

  /** Where Prometheus scrapes, or null when it does not. */
  public record Scrape(String path, int port) {}

  public static final int DEFAULT_USER = 10001;

  public static Plan of(Application app, Settings env) {
    ApplicationSpec s = app.spec();
    EnvironmentOverride o = s.overrides() == null ? null : s.overrides().get(env.name());
    String image = o != null && o.image() != null ? o.image() : s.image();
    Tier tier = o != null && o.tier() != null ? o.tier() : s.tier() != null ? s.tier()
        : Tier.STANDARD;
    Identity identity = new Identity(app.name(), s.team(), env.name(), Identity.versionOf(image),
        WireName.of(tier), env.cluster(), env.namespaceFor(app.name(), s.team()));

    Map<String, EnvValue> vars = new LinkedHashMap<>();
    if (s.env() != null) {
      vars.putAll(s.env());
    }
    if (o != null && o.env() != null) {
      vars.putAll(o.env());
    }

    Resources r = o != null && o.resources() != null ? o.resources() : s.resources();
    Compute compute = compute(r, env.defaultSize());

    Integer replicas = s.replicas();
    Autoscale auto = s.autoscale();
    if (o != null && o.replicas() != null) {
      replicas = o.replicas();
      auto = null;
    } else if (o != null && o.autoscale() != null) {
      auto = o.autoscale();
      replicas = null;
    }
    if (auto != null) {
      int min = Math.max(auto.min(), env.replicaFloor());
      auto = new Autoscale(min, Math.max(auto.max(), min),
          auto.cpuPercent() != null ? auto.cpuPercent() : 70);
    } else {
      int wanted = replicas != null ? replicas : tier == Tier.CRITICAL ? 2 : 1;
      // A count of zero parks a service on purpose; the floor applies to running services.
      replicas = wanted == 0 ? 0 : Math.max(wanted, env.replicaFloor());
    }

    Expose expose = o != null && o.expose() != null ? o.expose() : s.expose();
    if (expose == null) {
      expose = new Expose(s.port() != null ? Expose.Type.INTERNAL : Expose.Type.NONE, null, null,
          null);
    }
    if (expose.type() == Expose.Type.PUBLIC) {
      expose = new Expose(expose.type(),
          expose.host() != null ? expose.host() : app.name() + "." + env.domain(),
          expose.path() != null ? expose.path() : "/", expose.allowFrom());
    }

    Map<String, String> contacts = new LinkedHashMap<>();
    putIf(contacts, "pave.dev/owner", s.owner());
    putIf(contacts, "pave.dev/on-call", s.onCall());
    putIf(contacts, "pave.dev/runbook", s.runbook());
    putIf(contacts, "pave.dev/description", s.description());

    return new Plan(identity, env, s, image, s.port(), vars, compute, replicas, auto,
        probes(s.health(), s.port()), expose,
        s.dependsOn() == null ? List.of() : s.dependsOn(),
        s.volumes() == null ? List.of() : s.volumes(),
        s.jobs() == null ? List.of() : s.jobs(),
        scrape(s.metrics(), s.port(), env), s.user() != null ? s.user() : DEFAULT_USER,
        contacts);
  }

  static Compute compute(Resources r, Size fallback) {
    Size size = r != null && r.size() != null ? r.size() : fallback;
    Resources.Quantities req = r == null ? null : r.requests();
    Resources.Quantities lim = r == null ? null : r.limits();
    return new Compute(
        req != null && req.cpu() != null ? req.cpu() : size.cpuRequest,
        req != null && req.memory() != null ? req.memory() : size.memoryRequest,
        lim != null && lim.cpu() != null ? lim.cpu() : size.cpuLimit,
        lim != null && lim.memory() != null ? lim.memory() : size.memoryLimit);
  }

  private static Probes probes(Health h, Integer port) {
    int startup = h != null && h.startupSeconds() != null ? h.startupSeconds() : 60;
    if (h != null && h.command() != null) {
      return new Probes(null, null, null, h.command(), startup);
    }
    Integer probePort = h != null && h.port() != null ? h.port() : port;
    if (probePort == null) {
      return new Probes(null, null, null, null, startup);
    }
    String path = h != null && h.path() != null ? h.path() : "/healthz";
    return new Probes(h != null && h.readinessPath() != null ? h.readinessPath() : path,
        h != null && h.livenessPath() != null ? h.livenessPath() : path, probePort, null,
        startup);
  }

  private static Scrape scrape(Metrics m, Integer port, Settings env) {
    if (!env.prometheusOperator() || (m != null && Boolean.FALSE.equals(m.enabled()))) {
      return null;
    }
    Integer p = m != null && m.port() != null ? m.port() : port;
    if (p == null) {
      return null;
    }
    return new Scrape(m != null && m.path() != null ? m.path() : "/metrics", p);
  }

  private static void putIf(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  /** Replicas the service runs with at least: the fixed count or the autoscaler's minimum. */
  public int minReplicas() {
    return autoscale != null ? autoscale.min() : replicas;
  }

  /** Whether metrics are served on the service port rather than a port of their own. */
  public boolean metricsOnServicePort() {
    return scrape != null && port != null && scrape.port() == port;
  }

  public String name() {
    return identity.app();
  }

  public String namespace() {
    return identity.namespace();
  }
}
