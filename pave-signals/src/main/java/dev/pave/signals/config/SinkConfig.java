package dev.pave.signals.config;

import java.net.URI;
import java.time.Duration;

/** One destination and how to deliver to it. */
public sealed interface SinkConfig {
  String name();

  Delivery delivery();

  /** Whether the sink is told of incident changes only (tickets, pages) or of every signal. */
  default boolean incidentsOnly() {
    return false;
  }

  /**
   * Retries with exponential backoff and full jitter from {@code initialBackoff} up to
   * {@code maxBackoff}; after {@code maxAttempts} or {@code maxAge} a notice goes to the dead
   * letters. The circuit opens after {@code breakerFailures} failures in a row for
   * {@code breakerOpenFor}. {@code partitions}: parallel ordered lanes (by incident).
   */
  record Delivery(Duration initialBackoff, Duration maxBackoff, int maxAttempts, Duration maxAge,
      int breakerFailures, Duration breakerOpenFor, int partitions, Duration timeout) {}

  /** Trust for TLS: a PEM CA bundle (from a file or a Secret), else the JVM's trust store. */
  record Tls(Secret caBundle) {}

  enum WebhookFormat { JSON, CLOUDEVENTS_STRUCTURED, CLOUDEVENTS_BINARY }

  enum SyslogBody { CEF, JSON }

  /**
   * {@code batch}: most notices per request. Above 1 every request carries a JSON array (of
   * canonical signals, or a CloudEvents batch); 1 sends one object per request.
   */
  record Webhook(String name, Delivery delivery, URI url, WebhookFormat format, Secret hmacSecret,
      Secret bearerToken, Tls tls, int batch) implements SinkConfig {}

  record Syslog(String name, Delivery delivery, String host, int port, Tls tls, SyslogBody body,
      dev.pave.signals.schema.Syslog.Format format) implements SinkConfig {}

  /** {@code batch}: most events per request (HEC takes several events in one body). */
  record SplunkHec(String name, Delivery delivery, URI url, Secret token, String index,
      String sourcetype, Tls tls, int batch) implements SinkConfig {}

  record RequestTracker(String name, Delivery delivery, URI url, String queue, String user,
      Secret password, Tls tls) implements SinkConfig {
    @Override
    public boolean incidentsOnly() {
      return true;
    }
  }

  record PagerDuty(String name, Delivery delivery, URI url, Secret routingKey, Tls tls)
      implements SinkConfig {
    @Override
    public boolean incidentsOnly() {
      return true;
    }
  }

  /**
   * ServiceNow Table API: one record per incident in {@code table}, found again by
   * {@code correlation_id}. {@code password} (with {@code user}) for Basic authentication, else
   * {@code token} as an OAuth bearer token.
   */
  record ServiceNow(String name, Delivery delivery, URI url, String table, String user,
      Secret password, Secret token, String assignmentGroup, String callerId, String category,
      String resolveCode, Tls tls) implements SinkConfig {
    @Override
    public boolean incidentsOnly() {
      return true;
    }
  }

  /**
   * Jira REST v3: one issue per incident in {@code project}, found again by the label
   * {@code pave-<incident id>} with JQL. {@code user} + {@code token}: Basic (Jira Cloud API
   * token); {@code token} alone: bearer (Data Center personal access token).
   * {@code searchSettle}: how long a create whose answer was lost waits before the search is
   * trusted to show it (the search index lags behind writes).
   */
  record Jira(String name, Delivery delivery, URI url, String project, String issueType,
      String user, Secret token, java.util.List<String> labels, String resolveTransition,
      String reopenTransition, java.time.Duration searchSettle, Tls tls) implements SinkConfig {
    @Override
    public boolean incidentsOnly() {
      return true;
    }
  }
}
