package dev.pave.signals.deliver;

import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.incident.Change;
import dev.pave.signals.incident.Incident;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.store.Codec;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PagerDuty Events API v2: trigger on open, reopen and updates, resolve on resolution, with the
 * incident id as dedup_key, so retries and restarts never page twice for one incident.
 */
public final class PagerDutySink implements Sink {
  private final SinkConfig.PagerDuty cfg;
  private final Http http;

  public PagerDutySink(SinkConfig.PagerDuty cfg) {
    this.cfg = cfg;
    this.http = new Http(cfg.name(), cfg.tls(), cfg.delivery().timeout());
  }

  @Override
  public String name() {
    return cfg.name();
  }

  @Override
  public void deliver(Notice n) throws DeliveryException {
    Incident i = n.incident();
    if (i == null || n.change() == Change.NONE) {
      return;
    }
    var e = n.signal().enrichment();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("routing_key", cfg.routingKey().text());
    body.put("event_action", i.state() == Incident.State.RESOLVED ? "resolve" : "trigger");
    body.put("dedup_key", i.id());
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("summary", summary(n));
    payload.put("source", e.app() != null ? e.app() + "/" + e.environment()
        : n.signal().signal().subject().namespace());
    payload.put("severity", switch (i.severity()) {
      case CRITICAL -> "critical";
      case HIGH -> "error";
      case MEDIUM -> "warning";
      default -> "info";
    });
    payload.put("timestamp", n.signal().signal().time().toString());
    if (e.team() != null) {
      payload.put("group", e.team());
    }
    payload.put("class", n.signal().signal().type().wire());
    payload.put("custom_details", dev.pave.signals.schema.SignalJson.enrichment(e));
    body.put("payload", payload);
    if (e.runbook() != null) {
      body.put("links", java.util.List.of(Map.of("href", e.runbook(), "text", "Runbook")));
    }
    HttpRequest r = http.request(cfg.url()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Codec.encode(body))).build();
    http.expectOk(r, "PagerDuty");
  }

  static String summary(Notice n) {
    var e = n.signal().enrichment();
    String s = n.incident().title() + (e.app() != null ? " in " + e.app() + "/"
        + e.environment() : "");
    return s.length() > 1024 ? s.substring(0, 1024) : s;
  }
}
