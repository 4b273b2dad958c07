package dev.pave.signals.config;

import java.net.URI;
import java.nio.file.Path;
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

  /** Trust for TLS: a CA bundle file, else the JVM's trust store. */
  record Tls(Path caFile) {}

  enum WebhookFormat { JSON, CLOUDEVENTS_STRUCTURED, CLOUDEVENTS_BINARY }

  enum SyslogBody { CEF, JSON }

  record Webhook(String name, Delivery delivery, URI url, WebhookFormat format, Secret hmacSecret,
      Secret bearerToken, Tls tls) implements SinkConfig {}

  record Syslog(String name, Delivery delivery, String host, int port, Tls tls, SyslogBody body,
      dev.pave.signals.schema.Syslog.Format format) implements SinkConfig {}

  record SplunkHec(String name, Delivery delivery, URI url, Secret token, String index,
      String sourcetype, Tls tls) implements SinkConfig {}

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
}
