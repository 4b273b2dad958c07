package dev.pave.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.control.ApplicationTargets;
import dev.pave.control.Releases;
import dev.pave.release.Revision;
import dev.pave.render.Manifests;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pave history}: the kept releases of an application in an environment. */
@Command(name = "history",
    mixinStandardHelpOptions = true,
    header = "List the kept revisions of an application in an environment.",
    footer = {"", "Examples:",
        "  pave history checkout -e prod",
        "  pave history checkout -e prod -o yaml --context prod-eu-1"})
final class HistoryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "APP", description = "Application name.")
  String app;

  @Option(names = {"-e", "--env"}, required = true, paramLabel = "ENV", description = "Environment.")
  String environment;

  @Option(names = {"-n", "--namespace"}, defaultValue = ApplicationTargets.DEFAULT_NAMESPACE,
      paramLabel = "NS",
      description = "Namespace of the Application resource (default ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = {"-o", "--output"}, defaultValue = "table",
      description = "table, yaml or json (default ${DEFAULT-VALUE}).")
  String output;

  @Mixin ClusterOptions cluster;

  @Mixin ServerOptions server;

  @Override
  public Integer call() throws Exception {
    if (server.enabled()) {
      Releases.Target t = new Releases.Target(app, environment, null);
      List<Revision> history = new java.util.ArrayList<>();
      for (var r : server.get(ServerOptions.path(app, environment) + "/revisions")
          .path("items")) {
        history.add(new Revision(r.path("number").asInt(), r.path("hash").asText(), null, null,
            r.path("changedBy").asText(), r.path("createdAt").isNull() ? null
                : java.time.Instant.parse(r.path("createdAt").asText()),
            r.path("sourceCommit").isNull() ? null : r.path("sourceCommit").asText()));
      }
      history.sort(java.util.Comparator.comparingInt(Revision::number));
      return print(history, t);
    }
    try (KubernetesClient client = cluster.client()) {
      Releases.Target t;
      try {
        // From the Application: its environment, its UID and where its revisions are kept.
        t = ApplicationTargets.of(client, namespace, app, environment);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
      return print(new Releases(client, Clock.systemUTC(), System::nanoTime, 20).history(t), t);
    }
  }

  private int print(List<Revision> history, Releases.Target t) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (history.isEmpty()) {
      spec.commandLine().getErr().println("no revisions of " + app + " in " + environment
          + (t.namespace() == null ? "" : " (namespace " + t.namespace() + ")"));
      spec.commandLine().getErr().flush();
      return ExitCode.FAILURE;
    }
    List<Map<String, Object>> rows = history.stream().map(r -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("revision", r.number());
      m.put("changedBy", r.changedBy());
      m.put("createdAt", r.createdAt() == null ? null : r.createdAt().toString());
      m.put("sourceCommit", r.sourceCommit());
      m.put("hash", r.hash());
      return m;
    }).toList();
    switch (output) {
      case "json" -> out.println(JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
          .build().writeValueAsString(rows));
      case "yaml" -> out.print(Manifests.yamlOf(rows));
      case "table" -> {
        out.printf("%-9s %-32s %-21s %-12s %s%n", "REVISION", "CHANGED-BY", "CREATED",
            "COMMIT", "HASH");
        for (Revision r : history) {
          out.printf("%-9d %-32s %-21s %-12s %s%n", r.number(), r.changedBy(),
              r.createdAt(), r.sourceCommit() == null ? "" : r.sourceCommit(),
              r.hash().substring(0, 12));
        }
      }
      default -> throw new UserError("unknown output \"" + output + "\"; use table, yaml or"
          + " json");
    }
    out.flush();
    return ExitCode.OK;
  }
}
