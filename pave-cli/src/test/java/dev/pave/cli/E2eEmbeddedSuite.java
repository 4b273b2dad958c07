package dev.pave.cli;

/**
 * The end-to-end scenarios ({@link E2eScenarios}) on Pave's embedded Kubernetes API, run by name
 * ({@code -Dtest=E2eEmbeddedSuite}): not in the ordinary build, since it takes minutes (the
 * smallest progress deadline is 30 s, a Lease takeover 15 s, two operator JVMs start): a check of the operator, the install's manifests and RBAC, and of the embedded API
 * itself. The webhook is served by the operator processes and called by the embedded API
 * through {@code clientConfig.url}; only the operator image (an in-cluster install) cannot run
 * here, which {@link ClusterE2E} covers with {@code PAVE_E2E_IMAGE}.
 */
class E2eEmbeddedSuite extends E2eScenarios {
  @Override
  boolean embeddedOnly() {
    return true;
  }
}
