package dev.pave.signals.deliver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.incident.Change;
import dev.pave.signals.incident.Incident;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.store.Codec;
import dev.pave.signals.store.Store;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Request Tracker 5 through REST2: exactly one ticket per incident. The ticket's subject carries
 * {@code [pave:INCIDENT-ID]}; before creating, the queue is searched for it, so a create that
 * succeeded just before a crash is found instead of repeated. Updates become comments, the
 * resolution sets the status to resolved, a reopening back to open. The newest incident version
 * applied is kept, so a repeated or replayed older notice changes nothing.
 */
public final class RequestTrackerSink implements Sink {
  private final SinkConfig.RequestTracker cfg;
  private final Store store;
  private final Http http;
  private final String base;
  private final String auth;

  public RequestTrackerSink(SinkConfig.RequestTracker cfg, Store store) {
    this.cfg = cfg;
    this.store = store;
    this.http = new Http(cfg.name(), cfg.tls(), cfg.delivery().timeout());
    String u = cfg.url().toString();
    this.base = u.endsWith("/") ? u : u + "/";
    this.auth = "Basic " + Base64.getEncoder().encodeToString((cfg.user() + ":"
        + (cfg.password() == null ? "" : cfg.password().text())).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String name() {
    return cfg.name();
  }

  /** The correlation marker in the subject: {@code pave:<incident id>}. */
  public static String marker(Incident i) {
    return "pave:" + i.id();
  }

  @Override
  public void deliver(Notice n) throws DeliveryException {
    Incident i = n.incident();
    if (i == null || n.change() == Change.NONE) {
      return;
    }
    Store.Ticket stored;
    try {
      stored = store.ticket(cfg.name(), i.id());
    } catch (SQLException e) {
      throw new DeliveryException(cfg.name() + ": ticket map not readable: " + e.getMessage(),
          false);
    }
    if (stored != null && i.version() <= stored.version()) {
      return;
    }
    String ticket = stored != null ? stored.ticket() : search(i);
    boolean fresh = false;
    if (ticket == null) {
      ticket = create(n);
      fresh = true;
      remember(i, ticket);
    }
    boolean foundAfterCrash = stored == null && !fresh;
    if (!fresh && !(foundAfterCrash && n.change() == Change.OPENED)) {
      comment(ticket, text(n));
    }
    if (i.state() == Incident.State.RESOLVED) {
      setStatus(ticket, "resolved");
    } else if (n.change() == Change.REOPENED) {
      setStatus(ticket, "open");
    }
    remember(i, ticket);
  }

  private void remember(Incident i, String ticket) throws DeliveryException {
    try {
      store.saveTicket(cfg.name(), i.id(), new Store.Ticket(ticket, i.version()));
    } catch (SQLException e) {
      throw new DeliveryException(cfg.name() + ": ticket " + ticket + " not recorded: "
          + e.getMessage(), false);
    }
  }

  String search(Incident i) throws DeliveryException {
    String query = "Queue = '" + cfg.queue().replace("'", "\\'") + "' AND Subject LIKE '"
        + marker(i) + "'";
    URI uri = URI.create(base + "tickets?query=" + URLEncoder.encode(query,
        StandardCharsets.UTF_8) + "&fields=Subject");
    HttpResponse<String> res = http.expectOk(request(uri).GET().build(), "ticket search");
    JsonNode items = json(res).path("items");
    for (JsonNode item : items) {
      String subject = item.path("Subject").asText("");
      if (subject.contains("[" + marker(i) + "]")) {
        return item.path("id").asText();
      }
    }
    return null;
  }

  private String create(Notice n) throws DeliveryException {
    Incident i = n.incident();
    var e = n.signal().enrichment();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("Queue", cfg.queue());
    String where = e.app() != null ? " in " + e.app() + "/" + e.environment() : "";
    body.put("Subject", "[" + marker(i) + "] " + i.title() + where);
    body.put("Content", text(n));
    body.put("ContentType", "text/plain");
    body.put("Priority", switch (i.severity()) {
      case CRITICAL -> 90;
      case HIGH -> 70;
      case MEDIUM -> 50;
      default -> 30;
    });
    HttpResponse<String> res = http.expectOk(request(URI.create(base + "ticket"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Codec.encode(body))).build(), "ticket create");
    String id = json(res).path("id").asText("");
    if (id.isEmpty()) {
      throw new DeliveryException(cfg.name() + ": ticket create answered without an id", false);
    }
    return id;
  }

  private void comment(String ticket, String text) throws DeliveryException {
    http.expectOk(request(URI.create(base + "ticket/" + ticket + "/comment"))
        .header("Content-Type", "text/plain; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(text)).build(), "ticket comment");
  }

  private void setStatus(String ticket, String status) throws DeliveryException {
    http.expectOk(request(URI.create(base + "ticket/" + ticket))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"Status\":\"" + status + "\"}")).build(),
        "ticket status");
  }

  private HttpRequest.Builder request(URI uri) {
    return http.request(uri).header("Authorization", auth).header("Accept", "application/json");
  }

  private JsonNode json(HttpResponse<String> res) throws DeliveryException {
    try {
      return Codec.json().readTree(res.body());
    } catch (java.io.IOException ex) {
      throw new DeliveryException(cfg.name() + ": answer is not JSON", false);
    }
  }

  /** The ticket text: what happened and the platform's context. */
  static String text(Notice n) {
    var s = n.signal().signal();
    var e = n.signal().enrichment();
    Incident i = n.incident();
    StringBuilder b = new StringBuilder();
    b.append("Incident ").append(i.id()).append(": ").append(n.change().wire())
        .append(" (").append(i.state().wire()).append(i.flapping() ? ", flapping" : "")
        .append(", ").append(i.firingCount()).append(" firing)\n");
    b.append(s.title()).append(": ").append(s.summary()).append(" [").append(s.status().wire())
        .append(" at ").append(s.time()).append("]\n\n");
    line(b, "Application", e.app() == null ? null : e.app() + " in " + e.environment());
    line(b, "Team", e.team());
    line(b, "Owner", e.owner());
    line(b, "On call", e.onCall());
    line(b, "Runbook", e.runbook());
    line(b, "Tier", e.tier());
    line(b, "Cluster", e.cluster());
    line(b, "Revision", e.revision() == null ? null : e.revision() + " deployed "
        + e.lastDeployAt() + " by " + e.lastDeployBy());
    b.append("Enrichment: ").append(e.level().wire());
    if (!e.missing().isEmpty()) {
      b.append(" (missing ").append(String.join(", ", e.missing())).append(')');
    }
    b.append('\n');
    return b.toString();
  }

  private static void line(StringBuilder b, String k, String v) {
    if (v != null) {
      b.append(k).append(": ").append(v).append('\n');
    }
  }
}
