package dev.pave.console;

import dev.pave.console.access.ClientAddress;
import dev.pave.console.access.Sessions;
import dev.pave.console.web.Server;
import dev.pave.policy.PolicySettings;
import dev.pave.policy.Severity;
import dev.pave.signals.pipeline.Pipeline;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The web console and its REST API in one server. Start it with {@link #start(Settings)}; stop
 * it with {@link #close()}.
 *
 * <pre>{@code
 * Console console = Console.start(Console.Settings.builder()
 *     .kubernetes(client).dataSource(ds).signals(pipeline)
 *     .auth(Auth.sandbox()).port(0).build());
 * System.out.println("open " + console.url() + "/login with " + console.adminToken().get());
 * }</pre>
 */
public final class Console implements AutoCloseable {
  private final Server server;

  private Console(Server server) {
    this.server = server;
  }

  /**
   * What the console needs. Build with {@link #builder()}.
   *
   * @param host address to bind (default 127.0.0.1)
   * @param port port to bind (default 8080; 0 takes any free port)
   * @param publicUrl the URL people reach the console at, when not http://host:port (behind a
   *     TLS-terminating proxy: https://..., which also makes cookies Secure)
   * @param kubernetes the cluster; the console watches Applications, workloads, Environments
   *     and PolicyExceptions through informers
   * @param dataSource PostgreSQL for tokens, sessions, login limits and the audit log (the one
   *     pave-signals uses is fine: the console keeps its own tables and migration history;
   *     replicas on one database share sessions)
   * @param signals the pave-signals pipeline, for incidents, timelines, deliveries, replays and
   *     for writing audit entries into the timeline; null runs the console without them
   * @param defaultEnvironment the environment of an Application without the
   *     pave.dev/environment label, as the operator's
   * @param links dashboard link name to URL template ({app}, {env}, {team}, {namespace},
   *     {instance}), shown on every service page
   * @param log where the console reports what it does (never secrets)
   * @param trustedProxies addresses or CIDR ranges of the reverse proxies in front of the
   *     console, whose X-Forwarded-For names the client for login rate limits; empty (the
   *     default) uses the peer address
   * @param sessionIdle a session ends after this long without a request (default 8 hours)
   * @param sessionLifetime a session ends this long after login whatever happens (default 12
   *     hours), and with the API token that opened it
   * @param policies the policy settings admission denies with (packs, parameters such as the
   *     registries allow-list, exceptions from files, the deny threshold), so the catalog and
   *     service pages give admission's verdict (default: every built-in pack, denying at high,
   *     as the operator does by default)
   */
  public record Settings(String host, int port, URI publicUrl, KubernetesClient kubernetes,
      DataSource dataSource, Pipeline signals, Clock clock, Auth auth,
      String defaultEnvironment, Map<String, String> links, Consumer<String> log,
      List<String> trustedProxies, Duration sessionIdle, Duration sessionLifetime,
      PolicySettings policies) {
    public Settings {
      Objects.requireNonNull(kubernetes, "kubernetes");
      Objects.requireNonNull(dataSource, "dataSource");
      Objects.requireNonNull(auth, "auth");
      host = host == null ? "127.0.0.1" : host;
      clock = clock == null ? Clock.systemUTC() : clock;
      defaultEnvironment = defaultEnvironment == null ? "dev" : defaultEnvironment;
      links = links == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(links));
      log = log == null ? s -> { } : log;
      trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
      sessionIdle = sessionIdle == null ? Sessions.DEFAULT_IDLE : sessionIdle;
      sessionLifetime = sessionLifetime == null ? Sessions.DEFAULT_ABSOLUTE : sessionLifetime;
      policies = policies == null ? PolicySettings.builtIn(Map.of(), Severity.HIGH) : policies;
      new Sessions.Lifetimes(sessionIdle, sessionLifetime);
      new ClientAddress(trustedProxies);
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + ": must be 0-65535");
      }
    }

    public static Builder builder() {
      return new Builder();
    }
  }

  /** Builds {@link Settings}; only the cluster, the database and the auth mode are required. */
  public static final class Builder {
    private String host;
    private int port = 8080;
    private URI publicUrl;
    private KubernetesClient kubernetes;
    private DataSource dataSource;
    private Pipeline signals;
    private Clock clock;
    private Auth auth;
    private String defaultEnvironment;
    private final Map<String, String> links = new LinkedHashMap<>();
    private Consumer<String> log;
    private final List<String> trustedProxies = new ArrayList<>();
    private Duration sessionIdle;
    private Duration sessionLifetime;
    private PolicySettings policies;

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder publicUrl(URI url) {
      this.publicUrl = url;
      return this;
    }

    public Builder kubernetes(KubernetesClient client) {
      this.kubernetes = client;
      return this;
    }

    public Builder dataSource(DataSource ds) {
      this.dataSource = ds;
      return this;
    }

    public Builder signals(Pipeline pipeline) {
      this.signals = pipeline;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder auth(Auth auth) {
      this.auth = auth;
      return this;
    }

    public Builder defaultEnvironment(String env) {
      this.defaultEnvironment = env;
      return this;
    }

    public Builder link(String name, String urlTemplate) {
      links.put(name, urlTemplate);
      return this;
    }

    public Builder log(Consumer<String> log) {
      this.log = log;
      return this;
    }

    /** A reverse proxy (address or CIDR range) whose X-Forwarded-For is believed. */
    public Builder trustedProxy(String addressOrRange) {
      trustedProxies.add(addressOrRange);
      return this;
    }

    public Builder sessionIdle(Duration idle) {
      this.sessionIdle = idle;
      return this;
    }

    public Builder sessionLifetime(Duration lifetime) {
      this.sessionLifetime = lifetime;
      return this;
    }

    /** The policy settings admission uses; see {@link Settings#policies()}. */
    public Builder policies(PolicySettings policies) {
      this.policies = policies;
      return this;
    }

    public Settings build() {
      return new Settings(host, port, publicUrl, kubernetes, dataSource, signals, clock, auth,
          defaultEnvironment, links, log, trustedProxies, sessionIdle, sessionLifetime,
          policies);
    }
  }

  /**
   * Migrates the console's tables, starts the informers and waits for their first listing,
   * then opens the HTTP server.
   */
  public static Console start(Settings settings) {
    return new Console(Server.start(settings));
  }

  /** Where the console listens, e.g. http://127.0.0.1:8080. */
  public URI url() {
    return server.url();
  }

  /** The port the server listens on (useful with port 0 and a public URL). */
  public int port() {
    return server.port();
  }

  /**
   * In sandbox mode, the one-time admin token: exchange it at {@code /login} (which uses it
   * up) or send it as {@code Authorization: Bearer} to the API. Empty once exchanged, after a
   * restart, and in OIDC mode.
   */
  public Optional<String> adminToken() {
    return server.adminToken();
  }

  /** The mutating routes, for the authorisation tests: every one must refuse the wrong caller. */
  public static java.util.List<Server.Route> mutatingRoutes() {
    return Server.MUTATING;
  }

  static String randomToken() {
    return Sessions.random();
  }

  @Override
  public void close() {
    server.close();
  }
}
