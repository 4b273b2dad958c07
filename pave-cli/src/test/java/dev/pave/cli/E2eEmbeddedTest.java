package dev.pave.cli;

/**
 * The end-to-end scenarios ({@link E2eScenarios}) on Pave's embedded Kubernetes API, in every
 * build: a check of the operator, the install's manifests and RBAC, and of the embedded API
 * itself. The webhook is served by the operator processes and called by the embedded API
 * through {@code clientConfig.url}; only the operator image (an in-cluster install) cannot run
 * here, which {@link ClusterE2E} covers with {@code PAVE_E2E_IMAGE}.
 */
class E2eEmbeddedTest extends E2eScenarios {
  @Override
  boolean embeddedOnly() {
    return true;
  }
}
