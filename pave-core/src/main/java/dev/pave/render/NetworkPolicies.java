package dev.pave.render;

import dev.pave.identity.Identity;
import dev.pave.spec.Dependency;
import dev.pave.spec.Expose;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    NetworkPolicySpec spec = new NetworkPolicySpec();
    spec.setPodSelector(labels(p.identity().selector()));
    spec.setPolicyTypes(new ArrayList<>(List.of("Ingress", "Egress")));
    spec.setIngress(ingress(p));
    spec.setEgress(egress(p));
    NetworkPolicy np = new NetworkPolicy();
    np.setMetadata(Meta.of(p, p.name()));
    np.setSpec(spec);
    return np;
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
        from.add(peer(labels(Map.of(Identity.ENVIRONMENT, p.env().name())), null, null));
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
    List<NetworkPolicyEgressRule> rules = new ArrayList<>(1 + p.dependencies().size());
    rules.add(egressRule(peer(labels(Map.of(NAMESPACE_NAME, "kube-system")),
        labels(Map.of("k8s-app", "kube-dns")), null), port(53, "UDP"), port(53, "TCP")));
    for (Dependency d : p.dependencies()) {
      rules.add(egressRule(p, d));
    }
    return rules;
  }

  /** The single egress rule a dependency opens. */
  static NetworkPolicyEgressRule egressRule(Plan p, Dependency d) {
    if (d.app() != null) {
      String team = d.team() != null ? d.team() : p.identity().team();
      NetworkPolicyPeer to = namespacePeer(p.env().namespaceFor(d.app(), team), d.app());
      return d.port() != null ? egressRule(to, port(d.port(), "TCP")) : egressRule(to);
    }
    if (d.host() != null) {
      // NetworkPolicy cannot match host names: allow public addresses on the port and leave
      // name-level filtering to an egress gateway (documented in docs/spec.md).
      NetworkPolicyPeer to = peer(null, null, new IPBlock("0.0.0.0/0",
          new ArrayList<>(PRIVATE_V4)));
      return egressRule(to, port(d.port() != null ? d.port() : 443, "TCP"));
    }
    NetworkPolicyPeer to = peer(null, null, new IPBlock(d.cidr(), null));
    return d.port() != null ? egressRule(to, port(d.port(), "TCP")) : egressRule(to);
  }

  private static NetworkPolicyEgressRule egressRule(NetworkPolicyPeer to,
      NetworkPolicyPort... ports) {
    NetworkPolicyEgressRule r = new NetworkPolicyEgressRule();
    r.setTo(new ArrayList<>(List.of(to)));
    r.setPorts(new ArrayList<>(List.of(ports)));
    return r;
  }

  private static NetworkPolicyIngressRule ingressRule(List<NetworkPolicyPeer> from,
      NetworkPolicyPort port) {
    NetworkPolicyIngressRule r = new NetworkPolicyIngressRule();
    r.setFrom(new ArrayList<>(from));
    r.setPorts(new ArrayList<>(List.of(port)));
    return r;
  }

  private static NetworkPolicyPeer namespacePeer(String namespace, String app) {
    return peer(labels(Map.of(NAMESPACE_NAME, namespace)),
        app == null ? null : labels(Map.of(Identity.NAME, app)), null);
  }

  private static NetworkPolicyPeer peer(LabelSelector namespaces, LabelSelector pods,
      IPBlock block) {
    NetworkPolicyPeer peer = new NetworkPolicyPeer();
    peer.setNamespaceSelector(namespaces);
    peer.setPodSelector(pods);
    peer.setIpBlock(block);
    return peer;
  }

  private static LabelSelector labels(Map<String, String> m) {
    return new LabelSelector(null, new LinkedHashMap<>(m));
  }

  private static NetworkPolicyPort port(int port, String protocol) {
    NetworkPolicyPort p = new NetworkPolicyPort();
    p.setPort(new IntOrString(port));
    p.setProtocol(protocol);
    return p;
  }
}
