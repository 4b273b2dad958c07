package dev.pave.signals.deliver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.incident.Incident;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.store.Codec;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Request Tracker 5 through REST2. The ticket's subject carries {@code [pave:INCIDENT-ID]},
 * searched with TicketSQL in the queue; updates become comments, the resolution sets the status
 * to resolved, a reopening back to open.
 */
final class RequestTracker implements Tracker {
  private final SinkConfig.RequestTracker cfg;
  private final Http http;
  private final String base;
  private final String auth;

  RequestTracker(SinkConfig.RequestTracker cfg) {
    this.cfg = cfg;
    this.http = new Http(cfg.name(), cfg.tls(), cfg.delivery().timeout());
    String u = cfg.url().toString();
    this.base = u.endsWith("/") ? u : u + "/";
    this.auth = "Basic " + Base64.getEncoder().encodeToString((cfg.user() + ":"
        + (cfg.password() == null ? "" : cfg.password().text())).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public java.time.Duration settle() {
    return Tracker.settleOf(cfg.delivery().timeout());
  }

  @Override
  public String find(Incident i) throws DeliveryException {
    String marker = TicketSink.correlationId(i);
    String query = "Queue = '" + cfg.queue().replace("'", "\\'") + "' AND Subject LIKE '"
        + marker + "'";
    URI uri = URI.create(base + "tickets?query=" + URLEncoder.encode(query,
        StandardCharsets.UTF_8) + "&fields=Subject&orderby=id&order=ASC");
    HttpResponse<String> res = http.expectOk(request(uri).GET().build(), "ticket search");
    for (JsonNode item : json(res).path("items")) {
      if (item.path("Subject").asText("").contains("[" + marker + "]")) {
        return item.path("id").asText();
      }
    }
    return null;
  }

  @Override
  public String create(Notice n) throws DeliveryException {
    Incident i = n.incident();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("Queue", cfg.queue());
    body.put("Subject", "[" + TicketSink.correlationId(i) + "] " + TicketSink.title(n));
    body.put("Content", TicketSink.text(n));
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

  @Override
  public void update(String ticket, Notice n) throws DeliveryException {
    http.expectOk(request(URI.create(base + "ticket/" + ticket + "/comment"))
        .header("Content-Type", "text/plain; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(TicketSink.text(n))).build(),
        "ticket comment");
  }

  @Override
  public void resolve(String ticket, Notice n) throws DeliveryException {
    status(ticket, "resolved");
  }

  @Override
  public void reopen(String ticket, Notice n) throws DeliveryException {
    status(ticket, "open");
  }

  private void status(String ticket, String status) throws DeliveryException {
    http.expectOk(request(URI.create(base + "ticket/" + ticket))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"Status\":\"" + status + "\"}")).build(),
        "ticket status");
  }

  private HttpRequest.Builder request(URI uri) {
    return http.request(uri).header("Authorization", auth).header("Accept", "application/json");
  }

  private JsonNode json(HttpResponse<String> res) throws DeliveryException {
    return Http.json(cfg.name(), res);
  }
}
