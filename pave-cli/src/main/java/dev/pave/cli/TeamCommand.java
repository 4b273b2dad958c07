package dev.pave.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.control.TeamResource;
import dev.pave.render.Manifests;
import dev.pave.team.TeamObjects;
import dev.pave.team.TeamReader;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pave team}: write a Team, see what the operator gave it, get its CI a token. */
@Command(name = "team",
    mixinStandardHelpOptions = true,
    header = "Onboard a team: write its Team, show its status, issue its CI a token.",
    description = "A Team (docs/teams.md) gets, in each environment it deploys to, a namespace,"
        + " its members' RoleBindings, a quota and a CI ServiceAccount, from the operator.",
    subcommands = {TeamCommand.Init.class, TeamCommand.Status.class, TeamCommand.Token.class},
    footer = {"", "Examples:",
        "  pave team init payments -f payments-team.yaml",
        "  kubectl apply -f payments-team.yaml",
        "  pave team status payments",
        "  pave team token payments -e prod --duration 1h"})
final class TeamCommand {
  private TeamCommand() {}

  static TeamResource find(KubernetesClient client, String name) {
    TeamResource t;
    try {
      t = client.resources(TeamResource.class).withName(name).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        throw new UserError("the cluster does not serve Teams (teams.pave.dev): install the"
            + " CRDs in deploy/crds/");
      }
      throw e;
    }
    if (t == null) {
      throw new UserError("team " + name + " not found; pave team init " + name
          + " writes one to apply");
    }
    return t;
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> namespaces(TeamResource t) {
    return t.getStatus() != null && t.getStatus().get("namespaces") instanceof Map<?, ?> m
        ? new TreeMap<>((Map<String, String>) m) : Map.of();
  }

  /** {@code pave team init}. */
  @Command(name = "init", mixinStandardHelpOptions = true,
      header = "Write a Team with comments, to standard output or a file.",
      footer = {"", "Examples:",
          "  pave team init payments",
          "  pave team init payments -f payments-team.yaml && kubectl apply -f payments-team.yaml"})
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..1", defaultValue = "my-team",
        description = "The team's name, a DNS label (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
        description = "Write to FILE instead of standard output; an existing file is kept.")
    Path file;

    static String template(String name) {
      return """
          # A Team: the operator gives it, in each environment below, the namespace %1$s-<env>
          # with its members' RoleBindings, a ResourceQuota and LimitRange, a default-deny
          # NetworkPolicy and a CI ServiceAccount (docs/teams.md). Apply it with kubectl apply -f.
          apiVersion: pave.dev/v1alpha1
          kind: Team
          metadata:
            name: %1$s
          spec:
            # Identity-provider groups or users, each with a role: admin (also the team's RBAC),
            # developer (deploy and debug, no RBAC), viewer (read, no Secrets).
            members:
              - group: %1$s-devs
                role: developer
              - group: %1$s-leads
                role: admin
            # Environments the team deploys to; leave out for every environment.
            environments: [dev, prod]
            # Quota class: small, medium or large, or {from: medium, cpu: "20"} for your own.
            size: small
            # Applications of the team that set none take these.
            onCall: %1$s-oncall
            runbook: https://runbooks.example.com/%1$s
          """.formatted(name);
    }

    @Override
    public Integer call() throws IOException {
      String text = template(name);
      TeamReader.Read read = TeamReader.read("team " + name, text);
      if (!read.ok()) {
        throw new UserError("\"" + name + "\" is not a valid team name: "
            + read.problems().get(0).message());
      }
      if (file == null) {
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
      }
      if (Files.exists(file)) {
        throw new UserError(file + " already exists; choose another file or remove it");
      }
      Files.writeString(file, text);
      spec.commandLine().getErr().println("wrote " + file + "; apply it with kubectl apply -f "
          + file);
      return ExitCode.OK;
    }
  }

  /** {@code pave team status}. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      header = "Show a team's namespaces, bindings, quota use and onboarding times.",
      footer = {"", "Examples:",
          "  pave team status payments",
          "  pave team status payments -o yaml"})
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "TEAM", description = "Team name.")
    String team;

    @Option(names = {"-o", "--output"}, defaultValue = "text",
        description = "text, yaml or json (default ${DEFAULT-VALUE}).")
    String output;

    @Mixin ClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
      if (!List.of("text", "yaml", "json").contains(output)) {
        throw new UserError("unknown output \"" + output + "\"; use text, yaml or json");
      }
      try (KubernetesClient client = cluster.client()) {
        Map<String, Object> report = report(client, find(client, team));
        PrintWriter out = spec.commandLine().getOut();
        switch (output) {
          case "yaml" -> out.print(Manifests.yamlOf(report));
          case "json" -> out.println(JsonMapper.builder()
              .enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(report));
          default -> text(out, report);
        }
        out.flush();
        return ExitCode.OK;
      }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> report(KubernetesClient client, TeamResource t) {
      Map<String, Object> status = t.getStatus() == null ? Map.of() : t.getStatus();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("team", t.getMetadata().getName());
      Map<String, Object> ready = status.get("conditions") instanceof List<?> l && !l.isEmpty()
          ? (Map<String, Object>) l.get(0) : Map.of("status", "Unknown", "reason", "Pending",
              "message", "The operator has not reconciled this Team yet.");
      out.put("ready", Map.of("status", ready.get("status"), "reason", ready.get("reason"),
          "message", ready.get("message")));
      Map<String, Object> onboarding = status.get("onboarding") instanceof Map<?, ?> m
          ? (Map<String, Object>) m : Map.of();
      Map<String, Object> first = onboarding.get("firstAvailable") instanceof Map<?, ?> f
          ? (Map<String, Object>) f : Map.of();
      out.put("created", onboarding.getOrDefault("created",
          t.getMetadata().getCreationTimestamp()));
      Map<String, Object> envs = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : namespaces(t).entrySet()) {
        String ns = e.getValue();
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("namespace", ns);
        env.put("firstAvailable", first.get(e.getKey()));
        env.put("bindings", client.resources(RoleBinding.class).inNamespace(ns).list()
            .getItems().stream().filter(b -> b.getMetadata().getName().startsWith("pave-"))
            .map(b -> Map.of("name", b.getMetadata().getName(), "role",
                b.getRoleRef().getName(), "subjects", b.getSubjects().stream()
                    .map(s -> s.getKind() + " " + s.getName()).toList())).toList());
        ResourceQuota q = client.resourceQuotas().inNamespace(ns).withName("pave-team").get();
        Map<String, Object> quota = new LinkedHashMap<>();
        if (q != null) {
          Map<String, io.fabric8.kubernetes.api.model.Quantity> hard =
              q.getStatus() != null && q.getStatus().getHard() != null
                  ? q.getStatus().getHard() : q.getSpec().getHard();
          Map<String, io.fabric8.kubernetes.api.model.Quantity> used =
              q.getStatus() != null && q.getStatus().getUsed() != null
                  ? q.getStatus().getUsed() : Map.of();
          new TreeMap<>(hard).forEach((k, v) -> quota.put(k, Map.of("used",
              used.containsKey(k) ? used.get(k).toString() : "0", "hard", v.toString())));
        }
        env.put("quota", quota);
        envs.put(e.getKey(), env);
      }
      out.put("environments", envs);
      return out;
    }

    @SuppressWarnings("unchecked")
    static void text(PrintWriter out, Map<String, Object> r) {
      Map<String, Object> ready = (Map<String, Object>) r.get("ready");
      out.println("team " + r.get("team") + ": Ready=" + ready.get("status") + " "
          + ready.get("reason") + ": " + ready.get("message"));
      out.println("  created " + r.get("created"));
      ((Map<String, Object>) r.get("environments")).forEach((env, v) -> {
        Map<String, Object> e = (Map<String, Object>) v;
        out.println("  " + env + ": namespace " + e.get("namespace") + ", first Available "
            + (e.get("firstAvailable") == null ? "not yet" : e.get("firstAvailable")));
        for (Map<String, Object> b : (List<Map<String, Object>>) e.get("bindings")) {
          out.println("    binding " + b.get("name") + " -> " + b.get("role") + " ("
              + String.join(", ", (List<String>) b.get("subjects")) + ")");
        }
        ((Map<String, Object>) e.get("quota")).forEach((k, q) -> out.println("    quota " + k
            + " " + ((Map<String, Object>) q).get("used") + "/"
            + ((Map<String, Object>) q).get("hard")));
      });
    }
  }

  /** {@code pave team token}. */
  @Command(name = "token", mixinStandardHelpOptions = true,
      header = "Issue a short-lived token for a team's CI ServiceAccount in one environment.",
      description = "A TokenRequest for the ServiceAccount pave-ci in the team's namespace of"
          + " ENV: it may create and update the team's Applications, nothing else. Prints the"
          + " token, or with -o kubeconfig a kubeconfig for the cluster of the current context.",
      footer = {"", "Examples:",
          "  pave team token payments -e prod",
          "  pave team token payments -e dev --duration 2h -o kubeconfig > ci-kubeconfig"})
  static final class Token implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "TEAM", description = "Team name.")
    String team;

    @Option(names = {"-e", "--env"}, required = true, paramLabel = "ENV",
        description = "Environment whose CI ServiceAccount the token is for.")
    String environment;

    @Option(names = "--duration", defaultValue = "1h", paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "How long the token is valid, 10m to 48h (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = {"-o", "--output"}, defaultValue = "token",
        description = "token or kubeconfig (default ${DEFAULT-VALUE}).")
    String output;

    @Mixin ClusterOptions cluster;

    @Override
    public Integer call() {
      if (!List.of("token", "kubeconfig").contains(output)) {
        throw new UserError("unknown output \"" + output + "\"; use token or kubeconfig");
      }
      if (duration.compareTo(Duration.ofMinutes(10)) < 0
          || duration.compareTo(Duration.ofHours(48)) > 0) {
        throw new UserError("--duration " + duration.toMinutes() + "m is out of range; the"
            + " API server issues tokens of 10m to 48h");
      }
      try (KubernetesClient client = cluster.client()) {
        TeamResource t = find(client, team);
        String ns = namespaces(t).get(environment);
        if (ns == null) {
          throw new UserError("team " + team + " has no namespace in environment "
              + environment + " yet; it has: " + (namespaces(t).isEmpty() ? "none (is the"
                  + " operator running?)" : String.join(", ", namespaces(t).keySet())));
        }
        TokenRequest issued = client.serviceAccounts().inNamespace(ns)
            .withName(TeamObjects.CI_ACCOUNT).tokenRequest(new TokenRequestBuilder()
                .withNewSpec().withExpirationSeconds(duration.toSeconds()).endSpec().build());
        String token = issued.getStatus().getToken();
        PrintWriter out = spec.commandLine().getOut();
        out.print(output.equals("token") ? token + "\n"
            : kubeconfig(client, team + "-" + environment,
                TeamObjects.APPLICATIONS_NAMESPACE, token));
        out.flush();
        spec.commandLine().getErr().println("token for " + ns + "/" + TeamObjects.CI_ACCOUNT
            + ", valid until " + issued.getStatus().getExpirationTimestamp());
        return ExitCode.OK;
      }
    }

    /**
     * A kubeconfig for the same API server and CA, authenticated by the token only, in the
     * namespace the team's Applications are written to.
     */
    static String kubeconfig(KubernetesClient client, String name, String namespace,
        String token) {
      var config = client.getConfiguration();
      Map<String, Object> server = new LinkedHashMap<>();
      server.put("server", config.getMasterUrl().replaceAll("/$", ""));
      String ca = config.getCaCertData();
      if (ca == null && config.getCaCertFile() != null) {
        try {
          ca = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(
              Path.of(config.getCaCertFile())));
        } catch (IOException e) {
          throw new UserError("cannot read the cluster's CA " + config.getCaCertFile() + ": "
              + e.getMessage());
        }
      }
      if (ca != null) {
        server.put("certificate-authority-data", ca);
      } else if (config.isTrustCerts()) {
        server.put("insecure-skip-tls-verify", true);
      }
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("apiVersion", "v1");
      doc.put("kind", "Config");
      doc.put("clusters", List.of(Map.of("name", name, "cluster", server)));
      doc.put("users", List.of(Map.of("name", name, "user", Map.of("token", token))));
      doc.put("contexts", List.of(Map.of("name", name, "context", Map.of("cluster", name,
          "user", name, "namespace", namespace))));
      doc.put("current-context", name);
      return Manifests.yamlOf(doc);
    }
  }
}
