package dev.pave.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.ArrayList;
import java.util.List;

/** A stable cluster-internal address for the service's pods. */
final class Services {
  private Services() {}

  static HasMetadata render(Plan p) {
    List<ServicePort> ports = new ArrayList<>();
    ports.add(new ServicePortBuilder().withName(Workloads.HTTP).withProtocol("TCP")
        .withPort(p.port()).withTargetPort(new IntOrString(Workloads.HTTP)).build());
    if (p.scrape() != null && !p.metricsOnServicePort()) {
      ports.add(new ServicePortBuilder().withName(Workloads.METRICS).withProtocol("TCP")
          .withPort(p.scrape().port()).withTargetPort(new IntOrString(Workloads.METRICS))
          .build());
    }
    return new ServiceBuilder().withMetadata(Meta.of(p, p.name()))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(Meta.serverSelector(p))
        .withPorts(ports)
        .endSpec().build();
  }
}
