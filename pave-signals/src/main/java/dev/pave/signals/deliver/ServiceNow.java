package dev.pave.signals.deliver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pave.signals.Severity;
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
 * ServiceNow Table API ({@code /api/now/table/<table>}, incident by default). The record's
 * {@code correlation_id} is {@code pave:<incident id>} ({@code correlation_display} Pave), found
 * again with {@code sysparm_query=correlation_id=...^ORDERBYsys_created_on}. Updates are work
 * notes; the resolution sets state 6 (Resolved) with the resolution code and notes the
 * incident table's data policy requires; a reopening sets state 2 (In Progress). Impact and
 * urgency follow the severity, so the priority matrix gives P1 for critical.
 */
final class ServiceNow implements Tracker {
  static final String RESOLVED = "6";
  static final String IN_PROGRESS = "2";

  private final SinkConfig.ServiceNow cfg;
  private final Http http;
  private final String table;
  private final String auth;

  ServiceNow(SinkConfig.ServiceNow cfg) {
    this.cfg = cfg;
    this.http = new Http(cfg.name(), cfg.tls(), cfg.delivery().timeout());
    this.table = cfg.url().toString().replaceAll("/+$", "") + "/api/now/table/" + cfg.table();
    this.auth = cfg.user() != null && cfg.password() != null
        ? "Basic " + Base64.getEncoder().encodeToString((cfg.user() + ":"
            + cfg.password().text()).getBytes(StandardCharsets.UTF_8))
        : "Bearer " + cfg.token().text();
  }

  @Override
  public java.time.Duration settle() {
    return Tracker.settleOf(cfg.delivery().timeout());
  }

  @Override
  public String find(Incident i) throws DeliveryException {
    // '^' separates conditions in an encoded query; an incident id never contains one.
    String query = "correlation_id=" + TicketSink.correlationId(i) + "^ORDERBYsys_created_on";
    URI uri = URI.create(table + "?sysparm_query=" + URLEncoder.encode(query,
        StandardCharsets.UTF_8) + "&sysparm_fields=sys_id,number,state,correlation_id"
        + "&sysparm_limit=1");
    JsonNode result = Http.json(cfg.name(), http.expectOk(request(uri).GET().build(),
        "record search")).path("result");
    // An instance drops a condition on a field the table lacks and returns every record:
    // only a record that really carries the id counts.
    if (result.isArray() && !result.isEmpty() && TicketSink.correlationId(i).equals(
        result.get(0).path("correlation_id").asText())) {
      return result.get(0).path("sys_id").asText(null);
    }
    return null;
  }

  @Override
  public String create(Notice n) throws DeliveryException {
    Incident i = n.incident();
    Map<String, Object> body = new LinkedHashMap<>();
    String title = TicketSink.title(n);
    body.put("short_description", title.length() > 160 ? title.substring(0, 160) : title);
    body.put("description", TicketSink.text(n));
    body.put("correlation_id", TicketSink.correlationId(i));
    body.put("correlation_display", "Pave");
    body.put("impact", impact(i.severity()));
    body.put("urgency", urgency(i.severity()));
    if (cfg.assignmentGroup() != null) {
      body.put("assignment_group", cfg.assignmentGroup());
    }
    if (cfg.callerId() != null) {
      body.put("caller_id", cfg.callerId());
    }
    if (cfg.category() != null) {
      body.put("category", cfg.category());
    }
    HttpResponse<String> res = http.expectOk(request(URI.create(table))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Codec.encode(body))).build(), "record create");
    String id = Http.json(cfg.name(), res).path("result").path("sys_id").asText("");
    if (id.isEmpty()) {
      throw new DeliveryException(cfg.name() + ": record create answered without a sys_id",
          false);
    }
    return id;
  }

  @Override
  public void update(String sysId, Notice n) throws DeliveryException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("work_notes", TicketSink.text(n));
    body.put("impact", impact(n.incident().severity()));
    body.put("urgency", urgency(n.incident().severity()));
    patch(sysId, body, "record update");
  }

  @Override
  public void resolve(String sysId, Notice n) throws DeliveryException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("state", RESOLVED);
    body.put("close_code", cfg.resolveCode());
    body.put("close_notes", "Resolved by Pave: every alert of incident " + n.incident().id()
        + " has resolved.");
    patch(sysId, body, "record resolve");
  }

  @Override
  public void reopen(String sysId, Notice n) throws DeliveryException {
    patch(sysId, Map.of("state", IN_PROGRESS), "record reopen");
  }

  private void patch(String sysId, Map<String, Object> body, String what)
      throws DeliveryException {
    http.expectOk(request(URI.create(table + "/" + sysId))
        .header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(Codec.encode(body))).build(), what);
  }

  private HttpRequest.Builder request(URI uri) {
    return http.request(uri).header("Authorization", auth).header("Accept", "application/json");
  }

  static String impact(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> "1";
      case MEDIUM, LOW -> "2";
      default -> "3";
    };
  }

  static String urgency(Severity s) {
    return switch (s) {
      case CRITICAL -> "1";
      case HIGH, MEDIUM -> "2";
      default -> "3";
    };
  }
}
