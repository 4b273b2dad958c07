package dev.pave.signals.config;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads one entry of {@code sinks:}; the fields depend on its type. */
final class Sinks {
  static final List<String> TYPES = List.of("webhook", "syslog", "splunk-hec", "request-tracker",
      "pagerduty");
  private static final String[] COMMON = {"name", "type", "retry", "breaker", "partitions",
      "timeout", "tls"};

  private Sinks() {}

  static SinkConfig read(Fields f, ConfigReader.Secrets secrets) {
    String name = f.required("name", "a name routes refer to");
    if (name != null && !name.matches("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")) {
      f.problem("name", "expected a DNS label (lowercase letters, digits, '-'), got \"" + name
          + "\"");
    }
    String type = f.required("type", String.join(", ", TYPES));
    if (type == null) {
      return null;
    }
    SinkConfig.Delivery d = delivery(f);
    SinkConfig.Tls tls = tls(f, secrets);
    switch (type) {
      case "webhook" -> {
        allow(f, "url", "format", "hmacSecretFile", "bearerTokenFile");
        Map<String, SinkConfig.WebhookFormat> formats = new LinkedHashMap<>();
        formats.put("json", SinkConfig.WebhookFormat.JSON);
        formats.put("cloudevents-structured", SinkConfig.WebhookFormat.CLOUDEVENTS_STRUCTURED);
        formats.put("cloudevents-binary", SinkConfig.WebhookFormat.CLOUDEVENTS_BINARY);
        return new SinkConfig.Webhook(name, d, ConfigReader.uri(f, "url", true),
            f.choice("format", formats, SinkConfig.WebhookFormat.CLOUDEVENTS_STRUCTURED),
            secrets.read(f, "hmacSecretFile"), secrets.read(f, "bearerTokenFile"), tls);
      }
      case "syslog" -> {
        allow(f, "host", "port", "body", "facility", "hostname", "appName", "enterpriseId");
        Map<String, SinkConfig.SyslogBody> bodies = new LinkedHashMap<>();
        bodies.put("cef", SinkConfig.SyslogBody.CEF);
        bodies.put("json", SinkConfig.SyslogBody.JSON);
        var df = dev.pave.signals.schema.Syslog.Format.DEFAULT;
        return new SinkConfig.Syslog(name, d, f.required("host", "the syslog receiver's host"),
            f.integer("port", tls == null ? 514 : 6514, 1, 65535), tls,
            f.choice("body", bodies, SinkConfig.SyslogBody.CEF),
            new dev.pave.signals.schema.Syslog.Format(f.integer("facility", df.facility(), 0, 23),
                f.string("hostname", df.hostname()), f.string("appName", df.appName()),
                f.integer("enterpriseId", df.enterpriseId(), 1, Integer.MAX_VALUE)));
      }
      case "splunk-hec" -> {
        allow(f, "url", "tokenFile", "index", "sourcetype");
        SinkConfig.SplunkHec s = new SinkConfig.SplunkHec(name, d,
            ConfigReader.uri(f, "url", true), secrets.read(f, "tokenFile"),
            f.string("index", null), f.string("sourcetype", "pave:signal"), tls);
        if (!f.has("tokenFile")) {
          f.problem("tokenFile", "missing required field \"tokenFile\": the HEC token file");
        }
        return s;
      }
      case "request-tracker" -> {
        allow(f, "url", "queue", "user", "passwordFile");
        return new SinkConfig.RequestTracker(name, d, ConfigReader.uri(f, "url", true),
            f.string("queue", "General"), f.required("user", "the RT user"),
            secrets.read(f, "passwordFile"), tls);
      }
      case "pagerduty" -> {
        allow(f, "url", "routingKeyFile");
        URI url = ConfigReader.uri(f, "url", false);
        if (!f.has("routingKeyFile")) {
          f.problem("routingKeyFile", "missing required field \"routingKeyFile\": the"
              + " integration's routing key file");
        }
        return new SinkConfig.PagerDuty(name, d,
            url == null ? URI.create("https://events.pagerduty.com/v2/enqueue") : url,
            secrets.read(f, "routingKeyFile"), tls);
      }
      default -> {
        f.problem("type", "unknown sink type \"" + type + "\""
            + dev.pave.spec.Suggest.didYouMean(type, TYPES) + " Valid: "
            + String.join(", ", TYPES) + ".");
        return null;
      }
    }
  }

  private static void allow(Fields f, String... specific) {
    String[] all = new String[COMMON.length + specific.length];
    System.arraycopy(COMMON, 0, all, 0, COMMON.length);
    System.arraycopy(specific, 0, all, COMMON.length, specific.length);
    f.allow(all);
  }

  private static SinkConfig.Delivery delivery(Fields f) {
    Fields r = f.object("retry");
    r.allow("initialBackoff", "maxBackoff", "maxAttempts", "maxAge");
    Fields b = f.object("breaker");
    b.allow("failures", "openFor");
    return new SinkConfig.Delivery(r.duration("initialBackoff", Duration.ofMillis(500)),
        r.duration("maxBackoff", Duration.ofMinutes(5)),
        r.integer("maxAttempts", 1000, 1, 1_000_000), r.duration("maxAge", Duration.ofDays(2)),
        b.integer("failures", 5, 1, 1000), b.duration("openFor", Duration.ofSeconds(30)),
        f.integer("partitions", 4, 1, 64), f.duration("timeout", Duration.ofSeconds(10)));
  }

  private static SinkConfig.Tls tls(Fields f, ConfigReader.Secrets secrets) {
    if (!f.has("tls")) {
      return null;
    }
    Fields t = f.object("tls");
    t.allow("caFile");
    return new SinkConfig.Tls(secrets.path(t, "caFile"));
  }
}
