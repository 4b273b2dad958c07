package dev.pave.render;

import dev.pave.spec.Dependency;
import dev.pave.spec.Expose;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Deny by default. Ingress from the ingress controller (public), from the environment's
 * applications or the listed callers (public, internal) and from Prometheus; egress to DNS and to
 * exactly one rule per declared dependency.
 */
final class NetworkPolicies {
  static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";
  /** Addresses inside most clusters and private networks: external hosts exclude them. */
  static final List<String> PRIVATE_V4 = List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
      "169.254.0.0/16");

  private NetworkPolicies() {}

  static HasMetadata render(Plan p) {
    return new NetworkPolicyBuilder().withMetadata(Meta.of(p, p.name()))
        .withNewSpec()
        .withNewPodSelector().withMatchLabels(p.identity().selector()).endPodSelector()
        .withPolicyTypes("Ingress", "Egress")
        .withIngress(ingress(p))
        .withEgress(egress(p))
        .endSpec().build();
  }

  private static List<NetworkPolicyIngressRule> ingress(Plan p) {
    List<NetworkPolicyIngressRule> rules = new ArrayList<>();
    Expose e = p.expose();
    if (e.type() == Expose.Type.PUBLIC) {
      String controller = p.env().gateway() != null ? p.env().gateway().namespace()
          : p.env().ingressNamespace();
      rules.add(ingressRule(List.of(namespacePeer(controller, null)), port(p.port(), "TCP")));
    }
    if (e.type() != Expose.Type.NONE) {
      List<NetworkPolicyPeer> from = new ArrayList<>();
      if (e.allowFrom() == null) {
        from.add(new NetworkPolicyPeerBuilder().withNamespaceSelector(labels(Map.of(
            dev.pave.identity.Identity.ENVIRONMENT, p.env().name()))).build());
      } else {
        for (String caller : e.allowFrom()) {
          int slash = caller.indexOf('/');
          String team = slash > 0 ? caller.substring(0, slash) : p.identity().team();
          String app = slash > 0 ? caller.substring(slash + 1) : caller;
          from.add(namespacePeer(p.env().namespaceFor(app, team), app));
        }
      }
      rules.add(ingressRule(from, port(p.port(), "TCP")));
    }
    if (p.scrape() != null) {
      rules.add(ingressRule(List.of(namespacePeer(p.env().monitoringNamespace(), null)),
          port(p.scrape().port(), "TCP")));
    }
    return rules;
  }

  private static List<NetworkPolicyEgressRule> egress(Plan p) {
    List<NetworkPolicyEgressRule> rules = new ArrayList<>();
    rules.add(new NetworkPolicyEgressRuleBuilder()
        .withTo(new NetworkPolicyPeerBuilder()
            .withNamespaceSelector(labels(Map.of(NAMESPACE_NAME, "kube-system")))
            .withPodSelector(labels(Map.of("k8s-app", "kube-dns"))).build())
        .withPorts(port(53, "UDP"), port(53, "TCP"))
        .build());
    for (Dependency d : p.dependencies()) {
      rules.add(egressRule(p, d));
    }
    return rules;
  }

  /** The single egress rule a dependency opens. */
  static NetworkPolicyEgressRule egressRule(Plan p, Dependency d) {
    NetworkPolicyEgressRuleBuilder b = new NetworkPolicyEgressRuleBuilder();
    if (d.app() != null) {
      String team = d.team() != null ? d.team() : p.identity().team();
      b.withTo(namespacePeer(p.env().namespaceFor(d.app(), team), d.app()));
      if (d.port() != null) {
        b.withPorts(port(d.port(), "TCP"));
      }
    } else if (d.host() != null) {
      // NetworkPolicy cannot match host names: allow public addresses on the port and leave
      // name-level filtering to an egress gateway (documented in docs/spec.md).
      b.withTo(new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr("0.0.0.0/0")
          .withExcept(PRIVATE_V4).endIpBlock().build());
      b.withPorts(port(d.port() != null ? d.port() : 443, "TCP"));
    } else {
      b.withTo(new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(d.cidr()).endIpBlock()
          .build());
      if (d.port() != null) {
        b.withPorts(port(d.port(), "TCP"));
      }
    }
    return b.build();
  }

  private static NetworkPolicyIngressRule ingressRule(List<NetworkPolicyPeer> from,
      NetworkPolicyPort port) {
    return new NetworkPolicyIngressRuleBuilder().withFrom(from).withPorts(port).build();
  }

  private static NetworkPolicyPeer namespacePeer(String namespace, String app) {
    NetworkPolicyPeerBuilder b = new NetworkPolicyPeerBuilder()
        .withNamespaceSelector(labels(Map.of(NAMESPACE_NAME, namespace)));
    if (app != null) {
      b.withPodSelector(labels(Map.of(dev.pave.identity.Identity.NAME, app)));
    }
    return b.build();
  }

  private static LabelSelector labels(Map<String, String> m) {
    return new LabelSelectorBuilder().withMatchLabels(new java.util.TreeMap<>(m)).build();
  }

  private static NetworkPolicyPort port(int port, String protocol) {
    return new NetworkPolicyPortBuilder().withPort(new IntOrString(port)).withProtocol(protocol)
        .build();
  }
}
