package dev.pave.signals.deliver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.incident.Incident;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.store.Codec;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jira REST v3. The issue carries the label {@code pave-<incident id>}, found again with
 * {@code POST /rest/api/3/search/jql} ({@code project = KEY AND labels = "pave-..." ORDER BY
 * created ASC}). Description and comments are Atlassian Document Format. The resolution and a
 * reopening are workflow transitions: the one named in the configuration, else the first whose
 * target status is in the done (resp. to-do) category; an issue already there is left alone.
 * The search index lags behind writes, so a create whose outcome is unknown waits the timeout
 * plus {@code searchSettle} (at least three timeouts) before the search decides whether to
 * create again.
 */
final class Jira implements Tracker {
  private final SinkConfig.Jira cfg;
  private final Http http;
  private final String api;
  private final String auth;

  Jira(SinkConfig.Jira cfg) {
    this.cfg = cfg;
    this.http = new Http(cfg.name(), cfg.tls(), cfg.delivery().timeout());
    this.api = cfg.url().toString().replaceAll("/+$", "") + "/rest/api/3/";
    this.auth = cfg.user() != null
        ? "Basic " + Base64.getEncoder().encodeToString((cfg.user() + ":"
            + cfg.token().text()).getBytes(StandardCharsets.UTF_8))
        : "Bearer " + cfg.token().text();
  }

  /** The label an incident's issue carries: labels cannot hold ':' in JQL unquoted, '-' is fine. */
  static String label(Incident i) {
    return "pave-" + i.id();
  }

  @Override
  public Duration settle() {
    // The search index lags behind writes (searchSettle) on top of the request itself.
    Duration indexed = cfg.delivery().timeout().plus(cfg.searchSettle());
    Duration committed = Tracker.settleOf(cfg.delivery().timeout());
    return indexed.compareTo(committed) > 0 ? indexed : committed;
  }

  @Override
  public String find(Incident i) throws DeliveryException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("jql", "project = \"" + cfg.project() + "\" AND labels = \"" + label(i)
        + "\" ORDER BY created ASC");
    body.put("fields", List.of("status", "labels"));
    body.put("maxResults", 1);
    JsonNode issues = Http.json(cfg.name(), post("search/jql", body, "issue search"))
        .path("issues");
    return issues.isArray() && !issues.isEmpty() ? issues.get(0).path("key").asText(null) : null;
  }

  @Override
  public String create(Notice n) throws DeliveryException {
    Incident i = n.incident();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("project", Map.of("key", cfg.project()));
    fields.put("issuetype", Map.of("name", cfg.issueType()));
    String title = TicketSink.title(n);
    fields.put("summary", title.length() > 255 ? title.substring(0, 255) : title);
    fields.put("description", adf(TicketSink.text(n)));
    List<String> labels = new ArrayList<>(cfg.labels());
    labels.add(label(i));
    fields.put("labels", labels);
    String key = Http.json(cfg.name(), post("issue", Map.of("fields", fields), "issue create"))
        .path("key").asText("");
    if (key.isEmpty()) {
      throw new DeliveryException(cfg.name() + ": issue create answered without a key", false);
    }
    return key;
  }

  @Override
  public void update(String key, Notice n) throws DeliveryException {
    post("issue/" + key + "/comment", Map.of("body", adf(TicketSink.text(n))), "comment");
  }

  @Override
  public void resolve(String key, Notice n) throws DeliveryException {
    transition(key, "done", cfg.resolveTransition());
  }

  @Override
  public void reopen(String key, Notice n) throws DeliveryException {
    transition(key, "new", cfg.reopenTransition());
  }

  /** Moves the issue into a status of {@code category} (new, indeterminate, done). */
  private void transition(String key, String category, String named) throws DeliveryException {
    JsonNode issue = Http.json(cfg.name(), http.expectOk(request(URI.create(api + "issue/"
        + key + "?fields=status")).GET().build(), "issue status"));
    if (category.equals(issue.at("/fields/status/statusCategory/key").asText())) {
      return;
    }
    JsonNode ts = Http.json(cfg.name(), http.expectOk(request(URI.create(api + "issue/" + key
        + "/transitions")).GET().build(), "transitions")).path("transitions");
    String id = null;
    List<String> names = new ArrayList<>();
    for (JsonNode t : ts) {
      names.add(t.path("name").asText());
      boolean match = named != null ? named.equals(t.path("name").asText())
          : category.equals(t.at("/to/statusCategory/key").asText());
      if (match && id == null) {
        id = t.path("id").asText();
      }
    }
    if (id == null) {
      throw new DeliveryException(cfg.name() + ": issue " + key + " has no transition "
          + (named != null ? "named \"" + named + "\"" : "to a " + category + " status")
          + "; available: " + String.join(", ", names), true);
    }
    post("issue/" + key + "/transitions", Map.of("transition", Map.of("id", id)), "transition");
  }

  private HttpResponse<String> post(String path, Object body, String what)
      throws DeliveryException {
    return http.expectOk(request(URI.create(api + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Codec.encode(body))).build(), what);
  }

  private HttpRequest.Builder request(URI uri) {
    return http.request(uri).header("Authorization", auth).header("Accept", "application/json");
  }

  /** Plain text as an Atlassian Document: one paragraph per block, hard breaks inside. */
  static Map<String, Object> adf(String text) {
    List<Object> paragraphs = new ArrayList<>();
    for (String block : text.strip().split("\n\n")) {
      List<Object> inline = new ArrayList<>();
      String[] lines = block.split("\n");
      for (int i = 0; i < lines.length; i++) {
        if (i > 0) {
          inline.add(Map.of("type", "hardBreak"));
        }
        if (!lines[i].isEmpty()) {
          inline.add(Map.of("type", "text", "text", lines[i]));
        }
      }
      paragraphs.add(Map.of("type", "paragraph", "content", inline));
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("type", "doc");
    doc.put("version", 1);
    doc.put("content", paragraphs);
    return doc;
  }
}
