package dev.pave.signals.itsm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for Jira Cloud REST v3, following the documented behaviour of the calls Pave
 * makes: {@code POST /rest/api/3/issue} (project, issue type and summary required, summary at
 * most 255 characters, description an Atlassian Document, labels without spaces; 400 with
 * {@code {"errorMessages":[],"errors":{field:message}}}); {@code POST /rest/api/3/search/jql}
 * (JQL with {@code =} / {@code !=} on project, labels, status, statusCategory, key joined by
 * AND, ORDER BY created or key; unknown fields and unbounded queries refused; maxResults with
 * nextPageToken / isLast paging; an issue shows in search only {@code indexLagMillis} after
 * it was written, unless its id is in {@code reconcileIssues}, as the enhanced search is
 * eventually consistent); {@code GET /rest/api/3/issue/KEY}, {@code /transitions} and
 * {@code POST} of a transition (204) and of a comment (ADF); 404 for an unknown issue.
 * The workflow is To Do (new) -> In Progress (indeterminate) -> Done (done), any to any.
 */
final class FakeJira extends FakeApi {
  static final String API = "/rest/api/3/";
  static final Map<String, String[]> STATUSES = new LinkedHashMap<>();

  static {
    STATUSES.put("11", new String[] {"To Do", "new"});
    STATUSES.put("21", new String[] {"In Progress", "indeterminate"});
    STATUSES.put("31", new String[] {"Done", "done"});
  }

  /** A stored issue. */
  static final class Issue {
    final String id;
    final String key;
    final String project;
    final String summary;
    final JsonNode description;
    final List<String> labels;
    final long created;
    String status = "11";
    final List<JsonNode> comments = new ArrayList<>();

    Issue(String id, String key, String project, String summary, JsonNode description,
        List<String> labels, long created) {
      this.id = id;
      this.key = key;
      this.project = project;
      this.summary = summary;
      this.description = description;
      this.labels = labels;
      this.created = created;
    }

    String statusName() {
      return STATUSES.get(status)[0];
    }

    String category() {
      return STATUSES.get(status)[1];
    }
  }

  final Map<String, Issue> issues = new LinkedHashMap<>();
  final String project;
  volatile long indexLagMillis;
  private int next = 1;

  FakeJira(String project, String user, String token) {
    super(user, token, null);
    this.project = project;
  }

  static Map<String, Object> errors(List<String> messages, Map<String, String> fields) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("errorMessages", messages);
    m.put("errors", fields);
    return m;
  }

  @Override
  Object unauthorized() {
    return errors(List.of("You are not authenticated. Authentication required to perform this"
        + " operation."), Map.of());
  }

  @Override
  Object unreadable(String detail) {
    return errors(List.of("Unexpected character in the request body: " + detail), Map.of());
  }

  @Override
  Answer handle(String method, String path, Map<String, String> q, JsonNode body, String raw) {
    if (!path.startsWith(API)) {
      return new Answer(404, null);
    }
    String p = path.substring(API.length());
    if (method.equals("POST") && p.equals("issue")) {
      return create(body);
    }
    if (method.equals("POST") && p.equals("search/jql")) {
      return search(body);
    }
    Matcher m = Pattern.compile("^issue/([^/]+)(/transitions|/comment)?$").matcher(p);
    if (!m.matches()) {
      return new Answer(404, errors(List.of("No resource for " + method + " " + path),
          Map.of()));
    }
    Issue issue = byKey(m.group(1));
    if (issue == null) {
      return new Answer(404, errors(List.of("Issue does not exist or you do not have"
          + " permission to see it."), Map.of()));
    }
    String sub = m.group(2) == null ? "" : m.group(2);
    return switch (method + " " + sub) {
      case "GET " -> new Answer(200, view(issue));
      case "GET /transitions" -> new Answer(200, Map.of("transitions", transitions(issue)));
      case "POST /transitions" -> transition(issue, body);
      case "POST /comment" -> comment(issue, body);
      default -> new Answer(405, null);
    };
  }

  private Issue byKey(String key) {
    for (Issue i : issues.values()) {
      if (i.key.equals(key) || i.id.equals(key)) {
        return i;
      }
    }
    return null;
  }

  private Answer create(JsonNode body) {
    JsonNode f = body == null ? null : body.path("fields");
    Map<String, String> errs = new LinkedHashMap<>();
    if (f == null || !f.isObject()) {
      return new Answer(400, errors(List.of("Issue fields are required."), Map.of()));
    }
    if (!project.equals(f.at("/project/key").asText())) {
      errs.put("project", "valid project is required");
    }
    if (!f.at("/issuetype/name").isTextual() && !f.at("/issuetype/id").isTextual()) {
      errs.put("issuetype", "Specify an issue type");
    }
    String summary = f.path("summary").asText("");
    if (summary.isBlank()) {
      errs.put("summary", "You must specify a summary of the issue.");
    } else if (summary.length() > 255) {
      errs.put("summary", "Summary must be less than 255 characters.");
    }
    if (f.has("description") && !isAdf(f.get("description"))) {
      errs.put("description", "Operation value must be an Atlassian Document (see the"
          + " Atlassian Document Format)");
    }
    List<String> labels = new ArrayList<>();
    for (JsonNode l : f.path("labels")) {
      if (l.asText().matches(".*\\s.*") || l.asText().isEmpty()) {
        errs.put("labels", "The label '" + l.asText() + "' contains spaces which is invalid.");
      }
      labels.add(l.asText());
    }
    if (!errs.isEmpty()) {
      return new Answer(400, errors(List.of(), errs));
    }
    String id = String.valueOf(10000 + next);
    Issue i = new Issue(id, project + "-" + next++, project, summary, f.get("description"),
        labels, System.currentTimeMillis());
    issues.put(id, i);
    if (loseAnswer()) {
      throw new Drop();
    }
    return new Answer(201, Map.of("id", id, "key", i.key, "self", url() + API + "issue/" + id));
  }

  private static final Pattern CLAUSE = Pattern.compile(
      "^\\s*([A-Za-z]+)\\s*(!=|=)\\s*(\"([^\"]*)\"|([^\\s\"]+))\\s*$");

  private Answer search(JsonNode body) {
    String jql = body == null ? "" : body.path("jql").asText("");
    String order = null;
    boolean desc = false;
    Matcher om = Pattern.compile("(?i)\\s+ORDER\\s+BY\\s+(\\w+)(\\s+(ASC|DESC))?\\s*$")
        .matcher(jql);
    if (om.find()) {
      order = om.group(1);
      desc = "DESC".equalsIgnoreCase(om.group(3));
      jql = jql.substring(0, om.start());
    }
    List<String[]> clauses = new ArrayList<>();
    if (!jql.isBlank()) {
      for (String c : jql.split("(?i)\\s+AND\\s+")) {
        Matcher m = CLAUSE.matcher(c);
        if (!m.matches()) {
          return new Answer(400, errors(List.of("Error in the JQL Query: cannot read '" + c
              + "'."), Map.of()));
        }
        String field = m.group(1);
        if (!List.of("project", "labels", "status", "statusCategory", "key").contains(field)) {
          return new Answer(400, errors(List.of("Field '" + field + "' does not exist or you do"
              + " not have permission to view it."), Map.of()));
        }
        clauses.add(new String[] {field, m.group(2), m.group(4) != null ? m.group(4)
            : m.group(5)});
      }
    }
    if (clauses.isEmpty()) {
      return new Answer(400, errors(List.of("Unbounded JQL queries are not allowed here. Please"
          + " add a search restriction to your query."), Map.of()));
    }
    List<String> reconcile = new ArrayList<>();
    body.path("reconcileIssues").forEach(n -> reconcile.add(n.asText()));
    long now = System.currentTimeMillis();
    List<Issue> hits = new ArrayList<>();
    for (Issue i : issues.values()) {
      boolean indexed = now - i.created >= indexLagMillis || reconcile.contains(i.id);
      if (indexed && clauses.stream().allMatch(c -> matches(i, c))) {
        hits.add(i);
      }
    }
    if ("key".equalsIgnoreCase(order) || "created".equalsIgnoreCase(order)) {
      Comparator<Issue> c = Comparator.comparingLong(i -> i.created);
      c = c.thenComparing(i -> Integer.parseInt(i.id));
      hits.sort(desc ? c.reversed() : c);
    }
    int max = Math.min(5000, body.path("maxResults").asInt(50));
    int start = body.hasNonNull("nextPageToken")
        ? Integer.parseInt(body.get("nextPageToken").asText()) : 0;
    List<Object> page = new ArrayList<>();
    for (int k = start; k < Math.min(hits.size(), start + max); k++) {
      page.add(view(hits.get(k)));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("issues", page);
    boolean last = start + max >= hits.size();
    out.put("isLast", last);
    if (!last) {
      out.put("nextPageToken", String.valueOf(start + max));
    }
    return new Answer(200, out);
  }

  private static boolean matches(Issue i, String[] c) {
    boolean eq = switch (c[0]) {
      case "project" -> i.project.equalsIgnoreCase(c[2]);
      case "labels" -> i.labels.contains(c[2]);
      case "status" -> i.statusName().equalsIgnoreCase(c[2]);
      case "statusCategory" -> i.category().equalsIgnoreCase(c[2])
          || i.statusName().equalsIgnoreCase(c[2]);
      default -> i.key.equals(c[2]);
    };
    return c[1].equals("=") == eq;
  }

  private List<Object> transitions(Issue i) {
    List<Object> out = new ArrayList<>();
    STATUSES.forEach((id, s) -> {
      if (!id.equals(i.status)) {
        out.add(Map.of("id", id, "name", s[0], "to", Map.of("name", s[0], "statusCategory",
            Map.of("key", s[1]))));
      }
    });
    return out;
  }

  private Answer transition(Issue i, JsonNode body) {
    String id = body == null ? "" : body.at("/transition/id").asText("");
    if (!STATUSES.containsKey(id) || id.equals(i.status)) {
      return new Answer(400, errors(List.of("Transition id '" + id + "' is not valid for this"
          + " issue."), Map.of()));
    }
    i.status = id;
    return new Answer(204, null);
  }

  private Answer comment(Issue i, JsonNode body) {
    if (body == null || !isAdf(body.get("body"))) {
      return new Answer(400, errors(List.of(), Map.of("comment", "Comment body is not valid!")));
    }
    i.comments.add(body.get("body"));
    return new Answer(201, Map.of("id", String.valueOf(i.comments.size()), "body",
        body.get("body")));
  }

  private Map<String, Object> view(Issue i) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("summary", i.summary);
    fields.put("labels", i.labels);
    fields.put("status", Map.of("name", i.statusName(), "statusCategory",
        Map.of("key", i.category())));
    return Map.of("id", i.id, "key", i.key, "fields", fields);
  }

  /** A document: type doc, version 1, block nodes of text (non-empty) and hard breaks. */
  static boolean isAdf(JsonNode d) {
    if (d == null || !"doc".equals(d.path("type").asText()) || d.path("version").asInt() != 1
        || !d.path("content").isArray()) {
      return false;
    }
    for (JsonNode block : d.get("content")) {
      if (!"paragraph".equals(block.path("type").asText())) {
        return false;
      }
      for (JsonNode inline : block.path("content")) {
        String t = inline.path("type").asText();
        if (t.equals("text") ? inline.path("text").asText("").isEmpty()
            : !t.equals("hardBreak")) {
          return false;
        }
      }
    }
    return true;
  }

  /** The plain text of a document, paragraphs separated by blank lines. */
  static String text(JsonNode d) {
    StringBuilder b = new StringBuilder();
    for (JsonNode block : d.path("content")) {
      for (JsonNode inline : block.path("content")) {
        b.append(inline.path("type").asText().equals("hardBreak") ? "\n"
            : inline.path("text").asText());
      }
      b.append("\n\n");
    }
    return b.toString();
  }
}
