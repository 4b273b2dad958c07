package dev.pave.spec;

/** What a platform engineer sets once per environment; every field has a default. */
public record EnvironmentSpec(
    @Doc(value = "Cluster name carried as k8s.cluster.name (default: the environment name).",
        pattern = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", example = "prod-eu-1")
        String cluster,
    @Doc(value = "Namespace of each application; {app}, {team} and {env} are replaced"
        + " (default {app}-{env}). Pave creates the namespace only when it contains {app}.",
        example = "{team}-{env}")
        String namespaceTemplate,
    @Doc(value = "Domain of public hosts: <app>.<domain> (default <env>.example.com).",
        pattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
        example = "prod.example.com")
        String domain,
    @Doc("Ingress controller for public services (default class nginx in namespace"
        + " ingress-nginx).")
        IngressController ingress,
    @Doc("Gateway API gateway for public services; when set, HTTPRoutes replace Ingresses.")
        Gateway gateway,
    @Doc(value = "Fewest replicas any service runs with (default 1).", min = 0, max = 100)
        Integer replicaFloor,
    @Doc("Resource preset for services that set none (default small).") Size defaultSize,
    @Doc("The Prometheus Operator is installed: render ServiceMonitors (default false).")
        Boolean prometheusOperator,
    @Doc(value = "Namespace Prometheus scrapes from (default monitoring).",
        pattern = Names.DNS_LABEL, example = "monitoring")
        String monitoringNamespace,
    @Doc("Policy level enforced: baseline or restricted (default restricted).")
        PolicyLevel policyLevel,
    @Doc("Roll back automatically when a rollout fails (default true in prod, else false).")
        Boolean autoRollback,
    @Doc("Spread replicas across zones and nodes (default true in prod, else false).")
        Boolean topologySpread,
    @Doc(value = "Seconds a rollout may make no progress before it counts as failed"
        + " (default 300).", min = 30, max = 3600)
        Integer progressDeadlineSeconds,
    @Doc("cert-manager ClusterIssuer for public TLS certificates (default: none, TLS off).")
        String tlsIssuer,
    @Doc("What the operator does about drift: correct (the default) or report.")
        DriftMode driftMode,
    @Doc("Whether every Application's team needs a Team resource: optional (the default) or"
        + " required (admission refuses Applications of teams without one).")
        TeamPolicy teams,
    @Doc("Team size classes, by name, laid over the built-in small, medium and large.")
        java.util.Map<String, dev.pave.team.TeamQuota> teamSizes) {

  /** The Ingress controller public traffic arrives through. */
  public record IngressController(
      @Doc(value = "IngressClass name.", example = "nginx") String className,
      @Doc(value = "Namespace of the controller's pods, allowed in by network policy.",
          pattern = Names.DNS_LABEL, example = "ingress-nginx")
          String namespace) {}

  /** A Gateway API Gateway that HTTPRoutes attach to. */
  public record Gateway(
      @Doc(value = "Gateway name.", required = true, example = "public") String name,
      @Doc(value = "Gateway namespace, also allowed in by network policy.", required = true,
          pattern = Names.DNS_LABEL, example = "gateway-system")
          String namespace,
      @Doc("Listener (sectionName) to attach to.") String listener) {}

  /** Pod Security Standards level. */
  public enum PolicyLevel {
    BASELINE,
    RESTRICTED
  }

  /** Whether Applications need a Team resource for their team. */
  public enum TeamPolicy {
    OPTIONAL,
    REQUIRED
  }

  /** Drift handling. */
  public enum DriftMode {
    CORRECT,
    REPORT
  }
}
