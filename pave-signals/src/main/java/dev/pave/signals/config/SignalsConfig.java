package dev.pave.signals.config;

import dev.pave.signals.enrich.CatalogEntry;
import dev.pave.signals.incident.IncidentRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The whole pipeline's configuration, as read from one YAML file (docs/signals.md,
 * "Configuration"). Secrets have been read from their files; they never appear in toString.
 */
public record SignalsConfig(Intake intake, Database database, Duration retention,
    CatalogSource catalog, IncidentRules incidents, List<SinkConfig> sinks, List<Route> routes,
    dev.pave.insights.Costs costs) {

  /** Without stated costs: the insights' cost answers the measured counts only. */
  public SignalsConfig(Intake intake, Database database, Duration retention,
      CatalogSource catalog, IncidentRules incidents, List<SinkConfig> sinks,
      List<Route> routes) {
    this(intake, database, retention, catalog, incidents, sinks, routes, null);
  }

  /** The HTTP intake. {@code queue}: signals waiting for the journal before 429 is answered. */
  public record Intake(String address, int port, int queue, Duration ackTimeout,
      Credentials alertmanager, Credentials cloudevents, Credentials api) {}

  /** Who may call an endpoint: a bearer token, an HMAC secret, either, or nobody configured. */
  public record Credentials(Secret bearerToken, Secret hmacSecret) {
    public static final Credentials NONE = new Credentials(null, null);

    public boolean required() {
      return bearerToken != null || hmacSecret != null;
    }
  }

  /**
   * {@code url} "embedded" starts PostgreSQL from the bundled binaries in {@code dataDirectory};
   * any other value is a JDBC URL.
   */
  public record Database(String url, Path dataDirectory, int port, String user, Secret password,
      int poolSize) {
    public boolean embedded() {
      return "embedded".equals(url);
    }
  }

  /** Where the catalog comes from: the cluster's Application resources, a static list, or both. */
  public record CatalogSource(Kubernetes kubernetes, List<CatalogEntry> applications) {}

  /**
   * The cluster to read Applications, ApplicationRevisions and Events from, and the namespace
   * whose SignalSink resources add sinks ("" for none).
   */
  public record Kubernetes(String kubeconfig, String context, String cluster,
      List<String> namespaces, boolean events, Duration resync, String sinkNamespace) {}

  /** Which sinks a signal goes to; empty sets match everything. */
  public record Route(List<String> sinks, List<String> teams, List<String> environments,
      List<dev.pave.signals.Severity> severities, List<dev.pave.signals.SignalType> types) {}
}
