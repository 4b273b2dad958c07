package dev.pave.render;

import dev.pave.spec.Environment;
import dev.pave.spec.EnvironmentSpec;
import dev.pave.spec.Size;

/** An Environment with every default filled in: what rendering actually uses. */
public record Settings(String name, String cluster, String namespaceTemplate, String domain,
    String ingressClass, String ingressNamespace, EnvironmentSpec.Gateway gateway,
    int replicaFloor, Size defaultSize, boolean prometheusOperator, String monitoringNamespace,
    EnvironmentSpec.PolicyLevel policyLevel, boolean autoRollback, boolean topologySpread,
    int progressDeadlineSeconds, String tlsIssuer, EnvironmentSpec.DriftMode driftMode) {

  public static final String DEFAULT_NAMESPACE_TEMPLATE = "{app}-{env}";

  public static Settings of(Environment env) {
    EnvironmentSpec s = env.spec() != null ? env.spec()
        : new EnvironmentSpec(null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null);
    String name = env.name();
    boolean prod = name.equals("prod") || name.equals("production");
    EnvironmentSpec.IngressController ingress = s.ingress();
    return new Settings(name,
        or(s.cluster(), name),
        or(s.namespaceTemplate(), DEFAULT_NAMESPACE_TEMPLATE),
        or(s.domain(), name + ".example.com"),
        ingress != null && ingress.className() != null ? ingress.className() : "nginx",
        ingress != null && ingress.namespace() != null ? ingress.namespace() : "ingress-nginx",
        s.gateway(),
        or(s.replicaFloor(), 1),
        or(s.defaultSize(), Size.SMALL),
        or(s.prometheusOperator(), false),
        or(s.monitoringNamespace(), "monitoring"),
        or(s.policyLevel(), EnvironmentSpec.PolicyLevel.RESTRICTED),
        or(s.autoRollback(), prod),
        or(s.topologySpread(), prod),
        or(s.progressDeadlineSeconds(), 300),
        s.tlsIssuer(),
        or(s.driftMode(), EnvironmentSpec.DriftMode.CORRECT));
  }

  /** The namespace an application of the given team lives in here. */
  public String namespaceFor(String app, String team) {
    return namespaceTemplate.replace("{app}", app).replace("{team}", team).replace("{env}", name);
  }

  /** Whether each application gets a namespace of its own, which Pave then creates. */
  public boolean ownsNamespace() {
    return namespaceTemplate.contains("{app}");
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
