package dev.pave.render;

import dev.pave.spec.EnvironmentSpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The public entry of a public service: an Ingress, or an HTTPRoute when the environment uses
 * the Gateway API. TLS comes from cert-manager when the environment names an issuer.
 */
final class PublicRoutes {
  private PublicRoutes() {}

  static HasMetadata render(Plan p) {
    return p.env().gateway() != null ? httpRoute(p) : ingress(p);
  }

  private static HasMetadata ingress(Plan p) {
    String host = p.expose().host();
    IngressBuilder b = new IngressBuilder().withMetadata(Meta.of(p, p.name()));
    if (p.env().tlsIssuer() != null) {
      b.editMetadata().addToAnnotations("cert-manager.io/cluster-issuer", p.env().tlsIssuer())
          .endMetadata();
    }
    var spec = b.withNewSpec().withIngressClassName(p.env().ingressClass());
    if (p.env().tlsIssuer() != null) {
      spec.addNewTl().withHosts(host).withSecretName(p.name() + "-tls").endTl();
    }
    return spec.addNewRule().withHost(host).withNewHttp().addNewPath()
        .withPath(p.expose().path()).withPathType("Prefix")
        .withNewBackend().withNewService().withName(p.name()).withNewPort()
        .withName(Workloads.HTTP).endPort().endService().endBackend()
        .endPath().endHttp().endRule()
        .endSpec().build();
  }

  private static HasMetadata httpRoute(Plan p) {
    EnvironmentSpec.Gateway g = p.env().gateway();
    GenericKubernetesResource route = new GenericKubernetesResource();
    route.setApiVersion("gateway.networking.k8s.io/v1");
    route.setKind("HTTPRoute");
    route.setMetadata(Meta.of(p, p.name()));
    Map<String, Object> parent = new LinkedHashMap<>();
    parent.put("name", g.name());
    parent.put("namespace", g.namespace());
    if (g.listener() != null) {
      parent.put("sectionName", g.listener());
    }
    Map<String, Object> path = new LinkedHashMap<>();
    path.put("type", "PathPrefix");
    path.put("value", p.expose().path());
    Map<String, Object> backend = new LinkedHashMap<>();
    backend.put("name", p.name());
    backend.put("port", p.port());
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("matches", List.of(Map.of("path", path)));
    rule.put("backendRefs", List.of(backend));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("parentRefs", List.of(parent));
    spec.put("hostnames", List.of(p.expose().host()));
    spec.put("rules", List.of(rule));
    route.setAdditionalProperty("spec", spec);
    return route;
  }
}
