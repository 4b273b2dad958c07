package dev.pave.signals.deliver;

import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.schema.Ecs;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.store.Codec;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splunk HTTP Event Collector: {@code POST /services/collector/event} with
 * {@code Authorization: Splunk TOKEN}; the event is the ECS document, indexed fields carry the
 * identity. HEC's 200 comes before indexing; indexer acknowledgement is not used.
 */
public final class SplunkHecSink implements Sink {
  private final SinkConfig.SplunkHec cfg;
  private final Http http;
  private final URI endpoint;

  public SplunkHecSink(SinkConfig.SplunkHec cfg) {
    this.cfg = cfg;
    this.http = new Http(cfg.name(), cfg.tls(), cfg.delivery().timeout());
    String base = cfg.url().toString();
    this.endpoint = URI.create(base.endsWith("/services/collector/event") ? base
        : base.replaceAll("/$", "") + "/services/collector/event");
  }

  @Override
  public String name() {
    return cfg.name();
  }

  @Override
  public int batchSize() {
    return cfg.batch();
  }

  @Override
  public void deliver(Notice n) throws DeliveryException {
    deliverAll(List.of(n));
  }

  /** HEC takes several event objects one after the other in one body. */
  @Override
  public void deliverAll(List<Notice> notices) throws DeliveryException {
    StringBuilder body = new StringBuilder();
    for (Notice n : notices) {
      body.append(Codec.encode(event(n))).append('\n');
    }
    HttpRequest r = http.request(endpoint).header("Authorization", "Splunk "
        + cfg.token().text()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    http.expectOk(r, "HEC");
  }

  private Map<String, Object> event(Notice n) {
    var s = n.signal().signal();
    var e = n.signal().enrichment();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", s.time().toEpochMilli() / 1000.0);
    m.put("host", e.cluster() != null ? e.cluster() : "pave-signals");
    m.put("source", "pave-signals:" + s.origin().provider());
    m.put("sourcetype", cfg.sourcetype());
    if (cfg.index() != null) {
      m.put("index", cfg.index());
    }
    m.put("event", Ecs.of(n));
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("signal_id", s.id());
    fields.put("enrichment", e.level().wire());
    if (e.app() != null) {
      fields.put("app", e.app());
      fields.put("environment", e.environment());
    }
    if (e.team() != null) {
      fields.put("team", e.team());
    }
    if (n.incident() != null) {
      fields.put("incident", n.incident().id());
    }
    m.put("fields", fields);
    return m;
  }
}
