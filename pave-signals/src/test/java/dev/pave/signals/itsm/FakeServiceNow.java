package dev.pave.signals.itsm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A local stand-in for the ServiceNow Table API on one table ({@code incident}), following the
 * documented behaviour: {@code GET /api/now/table/incident} with {@code sysparm_query} (encoded
 * query: {@code ^} AND, {@code ^OR} OR, {@code =}, {@code !=}, {@code LIKE},
 * {@code STARTSWITH}, {@code ORDERBY}, {@code ORDERBYDESC}; a condition on a field the table
 * does not have is ignored, as on an instance with the default
 * {@code glide.invalid_query.returns_no_rows=false}), {@code sysparm_fields},
 * {@code sysparm_limit} and {@code sysparm_offset} with {@code X-Total-Count} and {@code Link}
 * headers; {@code POST} (201, unknown fields silently dropped, values stored as strings);
 * {@code PATCH}/{@code PUT} by sys_id (404 when absent); work notes kept as a journal, not a
 * field; the incident table's data policy (state 6 needs close_code and close_notes: 403);
 * error bodies {@code {"error":{"message","detail"},"status":"failure"}}.
 */
final class FakeServiceNow extends FakeApi {
  static final String TABLE_PATH = "/api/now/table/incident";
  static final List<String> FIELDS = List.of("sys_id", "number", "state", "short_description",
      "description", "correlation_id", "correlation_display", "impact", "urgency", "priority",
      "assignment_group", "caller_id", "category", "close_code", "close_notes",
      "sys_created_on", "sys_updated_on", "work_notes");

  /** A stored record and its work notes. */
  record Row(Map<String, String> fields, List<String> workNotes) {}

  final Map<String, Row> records = new LinkedHashMap<>();
  private int number = 10000;
  private long clock = 1_700_000_000L;

  FakeServiceNow(String user, String password) {
    super(user, password, null);
  }

  @Override
  Object unauthorized() {
    return error("User Not Authenticated", "Required to provide Auth information");
  }

  @Override
  Object unreadable(String detail) {
    return error("Exception while reading request", "The payload is not valid JSON.");
  }

  static Map<String, Object> error(String message, String detail) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("error", Map.of("message", message, "detail", detail));
    e.put("status", "failure");
    return e;
  }

  @Override
  Answer handle(String method, String path, Map<String, String> q, JsonNode body, String raw) {
    if (!path.startsWith(TABLE_PATH)) {
      return new Answer(400, error("Invalid table " + path, ""));
    }
    String rest = path.substring(TABLE_PATH.length());
    if (rest.isEmpty() || rest.equals("/")) {
      return switch (method) {
        case "GET" -> list(q);
        case "POST" -> create(body);
        default -> new Answer(405, error("Method not Supported", "HTTP method " + method
            + " is not supported for this resource"));
      };
    }
    String sysId = rest.substring(1);
    Row row = records.get(sysId);
    if (row == null) {
      return new Answer(404, error("No Record found",
          "Record doesn't exist or ACL restricts the record retrieval"));
    }
    return switch (method) {
      case "GET" -> new Answer(200, Map.of("result", view(row, q.get("sysparm_fields"))));
      case "PATCH", "PUT" -> update(row, body);
      default -> new Answer(405, error("Method not Supported", method));
    };
  }

  private Answer create(JsonNode body) {
    if (body == null || !body.isObject()) {
      return new Answer(400, error("Exception while reading request",
          "The payload is not valid JSON."));
    }
    Map<String, String> f = new LinkedHashMap<>();
    for (String k : FIELDS) {
      f.put(k, "");
    }
    String sysId = HexFormat.of().formatHex(randomBytes());
    f.put("sys_id", sysId);
    f.put("number", "INC00" + ++number);
    f.put("state", "1");
    f.put("impact", "3");
    f.put("urgency", "3");
    f.put("sys_created_on", time());
    Row row = new Row(f, new ArrayList<>());
    Answer refused = apply(row, body);
    if (refused != null) {
      return refused;
    }
    records.put(sysId, row);
    if (loseAnswer()) {
      throw new Drop();
    }
    return new Answer(201, Map.of("result", view(row, null)), Map.of("Location",
        url() + TABLE_PATH + "/" + sysId));
  }

  private Answer update(Row row, JsonNode body) {
    if (body == null || !body.isObject()) {
      return new Answer(400, error("Exception while reading request",
          "The payload is not valid JSON."));
    }
    Row next = new Row(new LinkedHashMap<>(row.fields()), new ArrayList<>(row.workNotes()));
    Answer refused = apply(next, body);
    if (refused != null) {
      return refused;
    }
    row.fields().putAll(next.fields());
    row.workNotes().clear();
    row.workNotes().addAll(next.workNotes());
    return new Answer(200, Map.of("result", view(row, null)));
  }

  /** Sets the known fields (values as strings), checks the data policy; null when accepted. */
  private Answer apply(Row row, JsonNode body) {
    var it = body.fields();
    while (it.hasNext()) {
      var e = it.next();
      String k = e.getKey();
      String v = e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString();
      if (k.equals("work_notes")) {
        if (!v.isEmpty()) {
          row.workNotes().add(v);
        }
      } else if (FIELDS.contains(k) && !k.startsWith("sys_") && !k.equals("number")) {
        row.fields().put(k, v);
      }
    }
    Map<String, String> f = row.fields();
    int p = Integer.parseInt(f.get("impact")) + Integer.parseInt(f.get("urgency")) - 1;
    f.put("priority", String.valueOf(Math.min(5, p)));
    if (f.get("state").equals("6") && (f.get("close_code").isEmpty()
        || f.get("close_notes").isEmpty())) {
      return new Answer(403, error("Operation Failed", "Data Policy Exception: \n The following"
          + " fields are mandatory: Resolution code, Resolution notes"));
    }
    f.put("sys_updated_on", time());
    return null;
  }

  private Answer list(Map<String, String> q) {
    List<Row> rows = new ArrayList<>(records.values());
    String query = q.getOrDefault("sysparm_query", "");
    List<List<String[]>> orGroups = new ArrayList<>();
    Comparator<Row> order = null;
    for (String part : query.isEmpty() ? new String[0] : query.split("\\^")) {
      if (part.startsWith("ORDERBYDESC")) {
        Comparator<Row> c = Comparator.comparing(r -> r.fields().getOrDefault(
            part.substring(11), ""));
        order = order == null ? c.reversed() : order.thenComparing(c.reversed());
      } else if (part.startsWith("ORDERBY")) {
        Comparator<Row> c = Comparator.comparing(r -> r.fields().getOrDefault(
            part.substring(7), ""));
        order = order == null ? c : order.thenComparing(c);
      } else if (part.startsWith("OR") && !orGroups.isEmpty()) {
        orGroups.get(orGroups.size() - 1).add(condition(part.substring(2)));
      } else {
        List<String[]> g = new ArrayList<>();
        g.add(condition(part));
        orGroups.add(g);
      }
    }
    List<Row> matched = new ArrayList<>();
    for (Row r : rows) {
      boolean all = true;
      for (List<String[]> g : orGroups) {
        boolean any = false;
        boolean valid = false;
        for (String[] c : g) {
          if (c == null || !FIELDS.contains(c[0])) {
            continue; // an invalid condition is dropped, not failed
          }
          valid = true;
          any |= test(r.fields().getOrDefault(c[0], ""), c[1], c[2]);
        }
        all &= !valid || any;
      }
      if (all) {
        matched.add(r);
      }
    }
    if (order != null) {
      matched.sort(order);
    }
    int total = matched.size();
    int offset = Integer.parseInt(q.getOrDefault("sysparm_offset", "0"));
    int limit = Integer.parseInt(q.getOrDefault("sysparm_limit", "10000"));
    List<Object> page = new ArrayList<>();
    for (int i = offset; i < Math.min(total, offset + limit); i++) {
      page.add(view(matched.get(i), q.get("sysparm_fields")));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Total-Count", String.valueOf(total));
    List<String> links = new ArrayList<>();
    String base = url() + TABLE_PATH + "?sysparm_limit=" + limit + "&sysparm_offset=";
    links.add("<" + base + 0 + ">;rel=\"first\"");
    if (offset > 0) {
      links.add("<" + base + Math.max(0, offset - limit) + ">;rel=\"prev\"");
    }
    if (offset + limit < total) {
      links.add("<" + base + (offset + limit) + ">;rel=\"next\"");
    }
    links.add("<" + base + Math.max(0, (total - 1) / Math.max(1, limit) * limit)
        + ">;rel=\"last\"");
    headers.put("Link", String.join(",", links));
    return new Answer(200, Map.of("result", page), headers);
  }

  private static String[] condition(String c) {
    for (String op : new String[] {"!=", "STARTSWITH", "LIKE", "="}) {
      int i = c.indexOf(op);
      if (i > 0) {
        return new String[] {c.substring(0, i), op, c.substring(i + op.length())};
      }
    }
    return null;
  }

  private static boolean test(String value, String op, String operand) {
    return switch (op) {
      case "=" -> value.equals(operand);
      case "!=" -> !value.equals(operand);
      case "LIKE" -> value.toLowerCase().contains(operand.toLowerCase());
      default -> value.startsWith(operand);
    };
  }

  private static Map<String, String> view(Row r, String fields) {
    Map<String, String> out = new LinkedHashMap<>();
    if (fields == null || fields.isEmpty()) {
      out.putAll(r.fields());
      return out;
    }
    for (String f : fields.split(",")) {
      if (r.fields().containsKey(f)) {
        out.put(f, r.fields().get(f));
      }
    }
    return out;
  }

  private String time() {
    long t = clock++;
    return java.time.LocalDateTime.ofEpochSecond(t, 0, java.time.ZoneOffset.UTC).format(
        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[16];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }
}
