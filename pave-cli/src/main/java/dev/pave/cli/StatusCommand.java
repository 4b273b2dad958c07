package dev.pave.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.control.ApplicationResource;
import dev.pave.render.Manifests;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pave status}: what the operator last did with an application, and why. */
@Command(name = "status",
    mixinStandardHelpOptions = true,
    header = "Show an application's phase, revision, conditions and drift.",
    footer = {"", "Examples:",
        "  pave status checkout",
        "  pave status checkout -o yaml -n pave-apps"})
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "APP", description = "Application name.")
  String app;

  @Option(names = {"-n", "--namespace"}, defaultValue = "pave-apps", paramLabel = "NS",
      description = "Namespace of the Application resource (default ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = {"-o", "--output"}, defaultValue = "text",
      description = "text, yaml or json (default ${DEFAULT-VALUE}).")
  String output;

  @Mixin ClusterOptions cluster;

  @Mixin ServerOptions server;

  @Option(names = {"-e", "--env"}, paramLabel = "ENV",
      description = "Environment; required with --server, which names services by environment.")
  String environment;

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() throws Exception {
    if (server.enabled()) {
      return throughServer();
    }
    try (KubernetesClient client = cluster.client()) {
      ApplicationResource a = client.resources(ApplicationResource.class).inNamespace(namespace)
          .withName(app).get();
      if (a == null) {
        throw new UserError("application " + namespace + "/" + app + " not found");
      }
      Map<String, Object> status = a.getStatus() == null ? Map.of() : a.getStatus();
      PrintWriter out = spec.commandLine().getOut();
      switch (output) {
        case "yaml" -> out.print(Manifests.yamlOf(status));
        case "json" -> out.println(JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .build().writeValueAsString(status));
        case "text" -> {
          out.println(namespace + "/" + app + ": " + status.getOrDefault("phase", "Pending")
              + ", revision " + status.getOrDefault("revision", "-")
              + (status.containsKey("pinnedRevision") ? " (pinned to revision "
                  + status.get("pinnedRevision") + ")" : ""));
          for (Object c : status.get("conditions") instanceof List<?> l ? l : List.of()) {
            Map<String, Object> m = (Map<String, Object>) c;
            out.println("  " + m.get("type") + "=" + m.get("status") + " " + m.get("reason")
                + ": " + m.get("message"));
          }
          for (Object d : status.get("drift") instanceof List<?> l ? l : List.of()) {
            Map<String, Object> m = (Map<String, Object>) d;
            out.println("  drift " + m.get("object") + " " + m.get("path") + ": applied "
                + m.get("applied") + ", live " + m.get("live")
                + (Boolean.TRUE.equals(m.get("corrected")) ? " (corrected)" : ""));
          }
        }
        default -> throw new UserError("unknown output \"" + output + "\"; use text, yaml or"
            + " json");
      }
      out.flush();
      return ExitCode.OK;
    }
  }

  /** The service as the console's catalog shows it. */
  private int throughServer() throws Exception {
    if (environment == null) {
      throw new UserError("--server needs -e/--env: the console names services by environment");
    }
    var service = server.get(ServerOptions.path(app, environment)).path("service");
    PrintWriter out = spec.commandLine().getOut();
    switch (output) {
      case "yaml" -> out.print(Manifests.yamlOf(new com.fasterxml.jackson.databind.ObjectMapper()
          .convertValue(service, Map.class)));
      case "json" -> out.println(JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
          .build().writeValueAsString(service));
      case "text" -> out.println(app + " in " + environment + ": " + service.path("phase")
          .asText() + ", revision " + service.path("revision").asInt() + ", "
          + service.path("health").asText() + (service.path("message").asText().isEmpty() ? ""
              : " (" + service.path("message").asText() + ")") + "; policy "
          + service.path("policy").asText() + ", open incidents "
          + service.path("openIncidents").asInt());
      default -> throw new UserError("unknown output \"" + output + "\"; use text, yaml or"
          + " json");
    }
    out.flush();
    return ExitCode.OK;
  }
}
