package dev.pave.signals.config;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one sink: an entry of {@code sinks:} in the configuration file, or the spec of a
 * SignalSink resource. The fields depend on the type; credentials come from the
 * {@link SecretSource} (files or Secrets), so both places are validated by this one reader.
 */
public final class Sinks {
  public static final List<String> TYPES = List.of("webhook", "syslog", "splunk-hec",
      "request-tracker", "servicenow", "jira", "pagerduty");
  private static final String[] COMMON = {"type", "retry", "breaker", "partitions",
      "timeout", "tls"};

  private Sinks() {}

  /** The name must be a DNS label; routes refer to it. */
  static String name(Fields f) {
    String name = f.required("name", "a name routes refer to");
    if (name != null && !name.matches("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")) {
      f.problem("name", "expected a DNS label (lowercase letters, digits, '-'), got \"" + name
          + "\"");
    }
    return name;
  }

  static SinkConfig read(Fields f, SecretSource secrets) {
    return read(f, name(f), secrets, "name");
  }

  /**
   * Reads a sink called {@code name} from {@code f}; {@code extra} are further fields the
   * caller reads itself.
   */
  static SinkConfig read(Fields f, String name, SecretSource secrets, String... extra) {
    String type = f.required("type", String.join(", ", TYPES));
    if (type == null) {
      return null;
    }
    SinkConfig.Delivery d = delivery(f);
    SinkConfig.Tls tls = tls(f, secrets);
    Allowed a = new Allowed(f, secrets, extra);
    switch (type) {
      case "webhook" -> {
        a.allow(List.of("url", "format", "batch"), "hmacSecret", "bearerToken");
        Map<String, SinkConfig.WebhookFormat> formats = new LinkedHashMap<>();
        formats.put("json", SinkConfig.WebhookFormat.JSON);
        formats.put("cloudevents-structured", SinkConfig.WebhookFormat.CLOUDEVENTS_STRUCTURED);
        formats.put("cloudevents-binary", SinkConfig.WebhookFormat.CLOUDEVENTS_BINARY);
        SinkConfig.WebhookFormat format = f.choice("format", formats,
            SinkConfig.WebhookFormat.CLOUDEVENTS_STRUCTURED);
        int batch = f.integer("batch", 1, 1, 1000);
        if (batch > 1 && format == SinkConfig.WebhookFormat.CLOUDEVENTS_BINARY) {
          f.problem("batch", "a binary CloudEvent is one event per request, so batch must be 1"
              + " with format cloudevents-binary; use cloudevents-structured (sent as a"
              + " CloudEvents batch) or json to send " + batch + " per request");
        }
        return new SinkConfig.Webhook(name, d, ConfigReader.uri(f, "url", true), format,
            secrets.read(f, "hmacSecret"), secrets.read(f, "bearerToken"), tls, batch);
      }
      case "syslog" -> {
        a.allow(List.of("host", "port", "body", "facility", "hostname", "appName",
            "enterpriseId"));
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
        a.allow(List.of("url", "index", "sourcetype", "batch"), "token");
        SinkConfig.SplunkHec s = new SinkConfig.SplunkHec(name, d,
            ConfigReader.uri(f, "url", true), secrets.read(f, "token"),
            f.string("index", null), f.string("sourcetype", "pave:signal"), tls,
            f.integer("batch", 1, 1, 1000));
        required(f, secrets, "token", "the HEC token");
        return s;
      }
      case "request-tracker" -> {
        a.allow(List.of("url", "queue", "user"), "password");
        return new SinkConfig.RequestTracker(name, d, ConfigReader.uri(f, "url", true),
            f.string("queue", "General"), f.required("user", "the RT user"),
            secrets.read(f, "password"), tls);
      }
      case "servicenow" -> {
        a.allow(List.of("url", "table", "user", "assignmentGroup", "callerId", "category",
            "resolveCode"), "password", "token");
        String user = f.string("user", null);
        Secret password = secrets.read(f, "password");
        Secret token = secrets.read(f, "token");
        if (user != null && password == null && !f.has(secrets.field("password"))) {
          f.problem(secrets.field("password"), "missing required field \""
              + secrets.field("password") + "\": the password of user " + user);
        }
        if (user == null && !f.has(secrets.field("token"))) {
          f.problem("user", "missing credentials: user with " + secrets.field("password")
              + " (Basic), or " + secrets.field("token") + " (OAuth bearer token)");
        }
        String table = f.string("table", "incident");
        if (!table.matches("^[a-z0-9_]{1,80}$")) {
          f.problem("table", "expected a table name such as incident, got \"" + table + "\"");
        }
        return new SinkConfig.ServiceNow(name, d, ConfigReader.uri(f, "url", true), table,
            user, password, token, f.string("assignmentGroup", null),
            f.string("callerId", null), f.string("category", null),
            f.string("resolveCode", "Solution provided"), tls);
      }
      case "jira" -> {
        a.allow(List.of("url", "project", "issueType", "user", "labels", "resolveTransition",
            "reopenTransition", "searchSettle"), "token");
        String project = f.required("project", "the project key, such as OPS");
        if (project != null && !project.matches("^[A-Z][A-Z0-9_]{0,49}$")) {
          f.problem("project", "expected a project key (capital letters, digits, '_'), got \""
              + project + "\"");
        }
        List<String> labels = f.strings("labels");
        for (int i = 0; i < labels.size(); i++) {
          if (labels.get(i).isBlank() || labels.get(i).matches(".*\\s.*")) {
            f.problem("labels[" + i + "]", "a Jira label cannot contain spaces, got \""
                + labels.get(i) + "\"");
          }
        }
        required(f, secrets, "token", "the API token (with user) or personal access token");
        return new SinkConfig.Jira(name, d, ConfigReader.uri(f, "url", true), project,
            f.string("issueType", "Task"), f.string("user", null), secrets.read(f, "token"),
            List.copyOf(labels), f.string("resolveTransition", null),
            f.string("reopenTransition", null),
            f.duration("searchSettle", Duration.ofSeconds(30)), tls);
      }
      case "pagerduty" -> {
        a.allow(List.of("url"), "routingKey");
        URI url = ConfigReader.uri(f, "url", false);
        required(f, secrets, "routingKey", "the integration's routing key");
        return new SinkConfig.PagerDuty(name, d,
            url == null ? URI.create("https://events.pagerduty.com/v2/enqueue") : url,
            secrets.read(f, "routingKey"), tls);
      }
      default -> {
        f.problem("type", "unknown sink type \"" + type + "\""
            + dev.pave.spec.Suggest.didYouMean(type, TYPES) + " Valid: "
            + String.join(", ", TYPES) + ".");
        return null;
      }
    }
  }

  private static void required(Fields f, SecretSource secrets, String name, String what) {
    String field = secrets.field(name);
    if (!f.has(field)) {
      f.problem(field, "missing required field \"" + field + "\": " + what);
    }
  }

  /** The fields a sink of one type may have: the common ones, the caller's, the type's. */
  private record Allowed(Fields f, SecretSource secrets, String[] extra) {
    void allow(List<String> plain, String... credentials) {
      List<String> all = new java.util.ArrayList<>(List.of(extra));
      all.addAll(List.of(COMMON));
      all.addAll(plain);
      for (String c : credentials) {
        all.add(secrets.field(c));
      }
      f.allow(all.toArray(String[]::new));
    }
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

  private static SinkConfig.Tls tls(Fields f, SecretSource secrets) {
    if (!f.has("tls")) {
      return null;
    }
    Fields t = f.object("tls");
    t.allow(secrets.field("ca"));
    return new SinkConfig.Tls(secrets.read(t, "ca"));
  }
}
