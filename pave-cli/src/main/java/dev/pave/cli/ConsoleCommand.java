package dev.pave.cli;

import dev.pave.console.Auth;
import dev.pave.console.Console;
import dev.pave.signals.config.SignalsConfig;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Database;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pave console}: the web console and its REST API against a cluster. */
@Command(name = "console",
    mixinStandardHelpOptions = true,
    header = "Serve the web console and its REST API for a cluster.",
    description = "Watches the cluster's Applications and workloads and serves the catalog,"
        + " service pages, rollbacks, policies, signals and adoption at /, the API at /api/v1"
        + " (OpenAPI at /api/openapi.yaml). Without --oidc-issuer it runs in sandbox mode and"
        + " prints a one-time admin token. Runs until interrupted.",
    footer = {"", "Examples:",
        "  pave console --context kind-dev",
        "  pave console --signals-config signals.yaml --port 8081",
        "  pave console --db jdbc:postgresql://db/pave --db-user pave --db-password-file pw \\",
        "      --public-url https://pave.example.com --oidc-issuer https://sso.example.com \\",
        "      --oidc-client-id pave-console --oidc-client-secret-file oidc-secret \\",
        "      --oidc-group platform=platform-admin --oidc-group payments-devs=team-member:payments",
        "", "Exit codes: 0 stopped, 1 failed to start, 2 invalid input or usage."})
final class ConsoleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterOptions cluster;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address to listen on (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = {"-p", "--port"}, defaultValue = "8080", paramLabel = "PORT",
      description = "Port (default ${DEFAULT-VALUE}; 0 takes a free one).")
  int port;

  @Option(names = "--public-url", paramLabel = "URL", description = "URL people reach the"
      + " console at, behind a TLS proxy (https makes cookies Secure).")
  URI publicUrl;

  @Option(names = "--db", defaultValue = "embedded", paramLabel = "JDBC-URL",
      description = "PostgreSQL for tokens and the audit log, or embedded (default).")
  String db;

  @Option(names = "--db-user", defaultValue = "postgres", paramLabel = "USER",
      description = "Database user (default ${DEFAULT-VALUE}).")
  String dbUser;

  @Option(names = "--db-password-file", paramLabel = "FILE", description = "File holding the"
      + " database password.")
  Path dbPasswordFile;

  @Option(names = "--data-dir", defaultValue = ".pave/console-db", paramLabel = "DIR",
      description = "Data directory of the embedded PostgreSQL (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--signals-config", paramLabel = "FILE", description = "Also run pave"
      + " signals with this configuration in this process; the console then shows its"
      + " incidents, timelines and deliveries and uses its database.")
  Path signalsConfig;

  @Option(names = "--oidc-issuer", paramLabel = "URL", description = "OpenID Connect issuer.")
  URI issuer;

  @Option(names = "--oidc-client-id", paramLabel = "ID", description = "OIDC client id.")
  String clientId;

  @Option(names = "--oidc-client-secret-file", paramLabel = "FILE",
      description = "File holding the client secret (omit for a public client).")
  Path clientSecretFile;

  @Option(names = "--oidc-redirect-url", paramLabel = "URL", description = "Callback URL"
      + " registered with the provider (default <public URL>/login/callback).")
  URI redirectUrl;

  @Option(names = "--oidc-group-claim", defaultValue = "groups", paramLabel = "CLAIM",
      description = "ID token claim listing the groups (default ${DEFAULT-VALUE}).")
  String groupClaim;

  @Option(names = "--oidc-group", paramLabel = "GROUP=ROLE[:TEAM]",
      description = "Role a group grants (repeatable): platform-admin, viewer, or"
          + " team-admin/team-member with a team.")
  List<String> groups = new ArrayList<>();

  @Option(names = "--link", paramLabel = "NAME=URL", description = "Link on every service"
      + " page, a URL template with {app}, {env}, {team}, {namespace}, {instance} (repeatable).")
  List<String> links = new ArrayList<>();

  @Option(names = "--trusted-proxy", paramLabel = "ADDRESS|CIDR", description = "Reverse"
      + " proxy whose X-Forwarded-For names the client for login rate limits (repeatable),"
      + " e.g. 10.0.0.0/8; without one every client behind a proxy shares one limit.")
  List<String> trustedProxies = new ArrayList<>();

  @Option(names = "--session-idle", defaultValue = "8h", paramLabel = "DURATION",
      converter = DurationConverter.class, description = "A session ends after this long"
          + " without a request (default ${DEFAULT-VALUE}).")
  java.time.Duration sessionIdle;

  @Option(names = "--session-lifetime", defaultValue = "12h", paramLabel = "DURATION",
      converter = DurationConverter.class, description = "A session ends this long after"
          + " login, and with the API token it was opened with (default ${DEFAULT-VALUE}).")
  java.time.Duration sessionLifetime;

  @Option(names = "--default-environment", defaultValue = "dev", paramLabel = "ENV",
      description = "Environment of Applications without the pave.dev/environment label"
          + " (default ${DEFAULT-VALUE}).")
  String defaultEnvironment;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Auth auth = auth();
    try {
      // Checked before a database or cluster is touched, so a typo fails at once.
      new dev.pave.console.access.ClientAddress(trustedProxies);
      new dev.pave.console.access.Sessions.Lifetimes(sessionIdle, sessionLifetime);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    SignalsConfig signalsCfg = signalsConfig == null ? null
        : SignalsCommand.read(signalsConfig, err);
    List<AutoCloseable> open = new ArrayList<>();
    try {
      KubernetesClient client = cluster.client();
      open.add(0, client);
      Pipeline pipeline = null;
      Database database;
      if (signalsCfg != null) {
        database = Database.open(signalsCfg.database());
        open.add(0, database);
        pipeline = Pipeline.start(signalsCfg, database, Clock.systemUTC(), line -> {
          err.println(line);
          err.flush();
        });
        open.add(0, pipeline);
      } else if ("embedded".equals(db)) {
        out.println("starting embedded PostgreSQL in " + dataDir);
        out.flush();
        database = Database.open(new SignalsConfig.Database("embedded", dataDir, 0, null, null,
            4));
        open.add(0, database);
      } else {
        String password = dbPasswordFile == null ? null
            : Files.readString(dbPasswordFile).strip();
        database = Database.open(db, dbUser, password, 4);
        open.add(0, database);
      }
      Console.Builder b = Console.Settings.builder().kubernetes(client)
          .dataSource(database.dataSource()).signals(pipeline).auth(auth).host(host)
          .port(port).publicUrl(publicUrl).defaultEnvironment(defaultEnvironment)
          .sessionIdle(sessionIdle).sessionLifetime(sessionLifetime)
          .log(line -> {
            err.println(line);
            err.flush();
          });
      trustedProxies.forEach(b::trustedProxy);
      for (String l : links) {
        int eq = l.indexOf('=');
        if (eq <= 0) {
          throw new UserError("--link \"" + l + "\": expected NAME=URL");
        }
        b.link(l.substring(0, eq), l.substring(eq + 1));
      }
      Console console;
      try {
        console = Console.start(b.build());
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
      open.add(0, console);
      out.println("pave console: " + console.url() + " (database " + database.description()
          + (pipeline == null ? "; no signals" : "; signals on port " + pipeline.port()) + ")");
      console.adminToken().ifPresent(t -> {
        err.println("sandbox admin token (works once at " + console.url() + "/login): " + t);
        err.flush();
      });
      out.flush();
      CountDownLatch stopped = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        closeAll(open);
        stopped.countDown();
      }, "pave-console-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        stopped.await();
      } catch (InterruptedException e) {
        // Stopped from within the JVM (tests, an embedding program): stop cleanly as well.
        Runtime.getRuntime().removeShutdownHook(hook);
        closeAll(open);
        out.println("pave console: stopped");
        out.flush();
      }
      return ExitCode.OK;
    } catch (RuntimeException | java.io.IOException e) {
      closeAll(open);
      throw e;
    }
  }

  private static void closeAll(List<AutoCloseable> open) {
    for (AutoCloseable c : List.copyOf(open)) {
      try {
        c.close();
      } catch (Exception ignored) {
        // stopping anyway
      }
      open.remove(c);
    }
  }

  private Auth auth() {
    if (issuer == null) {
      if (clientId != null || !groups.isEmpty()) {
        throw new UserError("--oidc-client-id and --oidc-group need --oidc-issuer");
      }
      return Auth.sandbox();
    }
    if (clientId == null) {
      throw new UserError("--oidc-issuer needs --oidc-client-id");
    }
    if (clientSecretFile != null && !Files.isReadable(clientSecretFile)) {
      throw new UserError(clientSecretFile + ": cannot read the client secret file");
    }
    URI redirect = redirectUrl;
    if (redirect == null) {
      URI base = publicUrl != null ? publicUrl
          : URI.create("http://" + host + ":" + port);
      redirect = URI.create(base.toString().replaceAll("/+$", "") + "/login/callback");
    }
    List<Auth.GroupMapping> mappings = new ArrayList<>();
    for (String g : groups) {
      try {
        mappings.add(Auth.GroupMapping.parse(g));
      } catch (IllegalArgumentException e) {
        throw new UserError("--oidc-group " + e.getMessage());
      }
    }
    return Auth.oidc(issuer, clientId, clientSecretFile, redirect, groupClaim, mappings);
  }
}
