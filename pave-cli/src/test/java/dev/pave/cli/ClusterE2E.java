package dev.pave.cli;

/**
 * The end-to-end scenarios ({@link E2eScenarios}) on the cluster {@code KUBECONFIG} names:
 * {@code KUBECONFIG=... ./mvnw -B verify -Pe2e}. Use a disposable cluster (kind, k3d,
 * minikube): the suite installs Pave's CRDs and deploy/install/pave.yaml and works in
 * namespaces pave-e2e-*. Without {@code KUBECONFIG} it runs on the embedded API instead.
 */
class ClusterE2E extends E2eScenarios {
  @Override
  boolean embeddedOnly() {
    return false;
  }
}
