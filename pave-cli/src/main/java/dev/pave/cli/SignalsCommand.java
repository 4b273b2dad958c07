package dev.pave.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.signals.cluster.ClusterWatch;
import dev.pave.signals.cluster.SignalSinkResources;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.config.SignalsConfig;
import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.deliver.Deliverer;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.pipeline.Router;
import dev.pave.signals.store.Database;
import dev.pave.signals.store.Store;
import dev.pave.spec.Problem;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pave signals}: the signal pipeline, and {@code pave signals replay} for dead letters. */
@Command(name = "signals",
    mixinStandardHelpOptions = true,
    header = "Run the signal pipeline: enrich alerts and events, deliver them durably.",
    description = "Takes Alertmanager webhooks, CloudEvents and the cluster's Events, enriches"
        + " each with the owning team, on-call, runbook and release, journals it in PostgreSQL"
        + " before acknowledging, groups incidents and delivers to webhook, syslog, Splunk,"
        + " Request Tracker, ServiceNow, Jira and PagerDuty sinks; with a cluster, also to the"
        + " sinks of its SignalSink resources. See docs/signals.md.",
    footer = {"", "Examples:",
        "  pave signals --config examples/signals.yaml",
        "  pave signals replay --config signals.yaml --list",
        "  pave signals replay --config signals.yaml --sink tickets",
        "", "Exit codes: 0 stopped cleanly, 1 failure, 2 invalid configuration."},
    subcommands = {SignalsCommand.Replay.class})
final class SignalsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // Checked in call(), not by picocli: a required option here would be required before
  // `replay` too, which takes its own.
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "The signals configuration (YAML); required.")
  Path config;

  @Option(names = "--status-every", defaultValue = "60s", paramLabel = "DURATION",
      description = "How often to print journal, backlog and delivery counts (default"
          + " ${DEFAULT-VALUE}; 0s for never).")
  String statusEvery;

  /** Javalin wraps the JDK's BindException in its own; either says the port is taken. */
  static boolean portInUse(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException
          || t.getClass().getSimpleName().equals("JavalinBindException")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Integer call() throws Exception {
    if (config == null) {
      throw new picocli.CommandLine.MissingParameterException(spec.commandLine(),
          spec.findOption("--config"), "Missing required option: '--config=FILE'");
    }
    SignalsConfig cfg = read(config, spec.commandLine().getErr());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration every = duration(statusEvery);
    if (cfg.database().embedded()) {
      out.println("starting embedded PostgreSQL in " + cfg.database().dataDirectory());
      out.flush();
    }
    Database db = Database.open(cfg.database());
    Pipeline pipeline;
    try {
      pipeline = Pipeline.start(cfg, db, Clock.systemUTC(), line -> {
        err.println(line);
        err.flush();
      });
    } catch (Exception e) {
      db.close();
      if (portInUse(e)) {
        throw new UserError("cannot listen on " + cfg.intake().address() + ":"
            + cfg.intake().port() + ": the port is in use (another pave signals?); change"
            + " intake.port (0: any free port) or intake.address in " + config, ExitCode.FAILURE);
      }
      throw e;
    }
    if (cfg.catalog().kubernetes() != null) {
      SignalsConfig.Kubernetes k = cfg.catalog().kubernetes();
      Config kc = k.kubeconfig() != null
          ? Config.fromKubeconfig(k.context(), Files.readString(Path.of(k.kubeconfig())),
              k.kubeconfig())
          : Config.autoConfigure(k.context());
      KubernetesClient client = new KubernetesClientBuilder().withConfig(kc).build();
      if (!k.sinkNamespace().isEmpty()) {
        if (client.apiextensions().v1().customResourceDefinitions()
            .withName(SignalSinkResources.PLURAL + ".pave.dev").get() != null) {
          pipeline.attach(new SignalSinkResources(client, k.sinkNamespace(),
              cfg.sinks().stream().map(SinkConfig::name).collect(Collectors.toSet()),
              pipeline::resourceSinks, Clock.systemUTC(), line -> {
                err.println(line);
                err.flush();
              }).start());
          out.println("watching SignalSink resources in namespace " + k.sinkNamespace());
        } else {
          out.println("no SignalSink resource type in the cluster (deploy/crds/"
              + "signalsinks.pave.dev.yaml); sinks come from the configuration file only");
        }
      }
      pipeline.attach(new ClusterWatch(client, k, cfg.catalog().applications(),
          pipeline::catalog, pipeline.ingest()::submit, Clock.systemUTC(), line -> {
            err.println(line);
            err.flush();
          }).start());
    }
    out.println("pave signals: listening on http://" + cfg.intake().address() + ":"
        + pipeline.port() + " (POST /api/v1/alertmanager, POST /api/v1/cloudevents,"
        + " GET /api/v1/timeline); journal in " + db.description() + "; sinks: "
        + (cfg.sinks().isEmpty() ? "none" : cfg.sinks().stream().map(SinkConfig::name)
            .collect(Collectors.joining(", "))));
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      pipeline.close();
      try {
        db.close();
      } catch (Exception ignored) {
        // exiting anyway
      }
      stopped.countDown();
    }, "pave-signals-shutdown"));
    while (!stopped.await(every.isZero() ? Long.MAX_VALUE : every.toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS)) {
      out.println(status(pipeline));
      out.flush();
    }
    return ExitCode.OK;
  }

  static String status(Pipeline p) {
    StringBuilder b = new StringBuilder("status:");
    try {
      b.append(" journal ").append(p.store().journalSize()).append(", backlog ")
          .append(p.store().outboxSize()).append(", dead letters ")
          .append(p.store().deadLetters(null).size());
    } catch (Exception e) {
      b.append(" database not reachable");
    }
    for (int i = 0; i < p.deliverers().size(); i++) {
      Deliverer d = p.deliverers().get(i);
      b.append("; ").append(d.sinkName()).append(" delivered ")
          .append(d.delivered()).append(" failed ").append(d.failed()).append(" circuit ")
          .append(d.breaker().state(java.time.Instant.now()).name().toLowerCase());
    }
    return b.toString();
  }

  static SignalsConfig read(Path file, PrintWriter err) {
    ConfigReader.Result r = ConfigReader.read(file);
    if (!r.problems().isEmpty()) {
      for (Problem p : r.problems()) {
        err.println(p.format());
      }
      err.flush();
      throw new UserError(r.problems().size() + " problem(s) in " + file);
    }
    return r.config();
  }

  static Duration duration(String s) {
    var m = java.util.regex.Pattern.compile("^(\\d+)(s|m|h)$").matcher(s);
    if (!m.matches()) {
      throw new UserError("--status-every: expected a duration such as 30s, 5m or 1h, got \""
          + s + "\"");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /** {@code pave signals replay}: list dead letters, or put them back into the outbox. */
  @Command(name = "replay",
      mixinStandardHelpOptions = true,
      header = "List dead letters or deliver them again.",
      description = "Dead letters are notices a sink refused for good or that ran out of"
          + " attempts. Replaying puts them back at the end of their sink's outbox with fresh"
          + " attempts; a running pipeline delivers them. Ticket sinks skip notices older than"
          + " what the ticket already shows.",
      footer = {"", "Examples:",
          "  pave signals replay --config signals.yaml --list -o json",
          "  pave signals replay --config signals.yaml --sink tickets",
          "  pave signals replay --config signals.yaml --id 42"})
  static final class Replay implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
        description = "The signals configuration (YAML).")
    Path config;

    @Option(names = "--sink", paramLabel = "NAME", description = "Only this sink.")
    String sink;

    @Option(names = "--id", paramLabel = "N", description = "Only the dead letter with this number.")
    Long id;

    @Option(names = "--list", description = "List instead of replaying.")
    boolean list;

    @Option(names = {"-o", "--output"}, defaultValue = "table",
        description = "For --list: table, yaml or json (default ${DEFAULT-VALUE}).")
    String output;

    @Override
    public Integer call() throws Exception {
      SignalsConfig cfg = read(config, spec.commandLine().getErr());
      PrintWriter out = spec.commandLine().getOut();
      if (sink != null && cfg.sinks().stream().noneMatch(s -> s.name().equals(sink))) {
        throw new UserError("no sink is called \"" + sink + "\"; sinks: " + cfg.sinks().stream()
            .map(SinkConfig::name).collect(Collectors.joining(", ")));
      }
      if (!List.of("table", "yaml", "json").contains(output)) {
        throw new UserError("unknown output \"" + output + "\"; use table, yaml or json");
      }
      try (Database db = Database.open(cfg.database(), true)) {
        Store store = new Store(db.dataSource());
        if (list) {
          List<Store.DeadLetter> dead = store.deadLetters(sink).stream()
              .filter(d -> id == null || d.seq() == id).toList();
          List<Map<String, Object>> rows = dead.stream().map(d -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.seq());
            m.put("sink", d.sink());
            m.put("signal", d.signalId());
            m.put("orderingKey", d.orderingKey());
            m.put("attempts", d.attempts());
            m.put("deadAt", d.deadAt().toString());
            m.put("lastError", d.lastError());
            return m;
          }).toList();
          switch (output) {
            case "json" -> out.println(JsonMapper.builder()
                .enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(rows));
            case "yaml" -> out.print(dev.pave.render.Manifests.yamlOf(rows));
            default -> {
              out.printf("%-6s %-16s %-32s %-8s %-20s %s%n", "ID", "SINK", "SIGNAL", "ATTEMPTS",
                  "DEAD-AT", "LAST-ERROR");
              for (Store.DeadLetter d : dead) {
                out.printf("%-6d %-16s %-32s %-8d %-20s %s%n", d.seq(), d.sink(), d.signalId(),
                    d.attempts(), d.deadAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                    d.lastError());
              }
            }
          }
          out.flush();
          return ExitCode.OK;
        }
        Map<String, Integer> lanes = new LinkedHashMap<>();
        cfg.sinks().forEach(s -> lanes.put(s.name(), s.delivery().partitions()));
        int n = store.replay(sink, id, (s, key) -> Router.lane(key, lanes.getOrDefault(s, 1)),
            Clock.systemUTC().instant());
        out.println("replayed " + n + " dead letter(s)" + (sink == null ? "" : " of " + sink));
        out.flush();
        return n == 0 && id != null ? ExitCode.FAILURE : ExitCode.OK;
      }
    }
  }
}
