package dev.pave.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How the cluster commands reach a cluster: kubectl's kubeconfig, context and namespace. */
final class ClusterOptions {
  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")
  Path kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", description = "Kubeconfig context to use.")
  String context;

  KubernetesClient client() {
    try {
      Config config;
      if (kubeconfig != null) {
        if (!Files.exists(kubeconfig)) {
          throw new UserError(kubeconfig + ": no such kubeconfig file");
        }
        config = Config.fromKubeconfig(context, Files.readString(kubeconfig),
            kubeconfig.toString());
      } else {
        config = context == null ? Config.autoConfigure(null) : Config.autoConfigure(context);
      }
      // The API server names the field manager of each write after the user agent.
      config.setUserAgent("pave/" + Version.current());
      return new KubernetesClientBuilder().withConfig(config).build();
    } catch (java.io.IOException e) {
      throw new UserError("cannot read " + kubeconfig + ": " + e.getMessage());
    }
  }
}
