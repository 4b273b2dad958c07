package dev.pave.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.util.Locale;

/**
 * The application's own namespace, when the environment gives each application one, labelled
 * for Pod Security Admission so the cluster enforces the same level Pave renders for.
 */
final class Namespaces {
  private Namespaces() {}

  static HasMetadata render(Plan p) {
    Namespace ns = new NamespaceBuilder().withMetadata(Meta.of(p, p.namespace())).build();
    ns.getMetadata().setNamespace(null);
    String level = p.env().policyLevel().name().toLowerCase(Locale.ROOT);
    ns.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", level);
    ns.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce-version", "latest");
    ns.getMetadata().getLabels().put("pod-security.kubernetes.io/warn", "restricted");
    ns.getMetadata().getLabels().put("pod-security.kubernetes.io/audit", "restricted");
    return ns;
  }
}
