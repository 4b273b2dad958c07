package dev.pave.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;

/** The service's identity inside the cluster; its token is not mounted unless asked for. */
final class ServiceAccounts {
  private ServiceAccounts() {}

  static HasMetadata render(Plan p) {
    return new ServiceAccountBuilder().withMetadata(Meta.of(p, p.name()))
        .withAutomountServiceAccountToken(false).build();
  }
}
