package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Server-side printing: a GET or LIST whose Accept asks first for
 * {@code application/json;as=Table;g=meta.k8s.io} (as {@code kubectl get} does) is answered
 * with a meta.k8s.io/v1 Table whose columns are the real server's for the kind: the built-in
 * printers' columns (pods' READY/STATUS/RESTARTS, deployments' UP-TO-DATE, services'
 * CLUSTER-IP, ...; priority 1 columns are what {@code -o wide} adds), a custom resource's
 * additionalPrinterColumns, and NAME/CREATED AT for built-in kinds without a printer here.
 * Each row carries the object as the request's includeObject asks (metadata by default).
 */
final class Tables {
  private static final String NAME_DESCRIPTION = "Name must be unique within a namespace. Is "
      + "required when creating resources, although some resources may allow a client to "
      + "request the generation of an appropriate name automatically. Name is primarily "
      + "intended for creation idempotence and configuration definition. Cannot be updated. "
      + "More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/"
      + "names#names";
  private static final String AGE_DESCRIPTION = "CreationTimestamp is a timestamp representing "
      + "the server time when this object was created.";

  /** One column: its definition and how a cell is read from the object. */
  record Column(String name, String type, String format, int priority,
      Function<JsonNode, Object> cell) {
    static Column of(String name, Function<JsonNode, Object> cell) {
      return new Column(name, "string", "", 0, cell);
    }

    static Column integer(String name, Function<JsonNode, Object> cell) {
      return new Column(name, "integer", "", 0, cell);
    }

    Column wide() {
      return new Column(name, type, format, 1, cell);
    }
  }

  private static final Column NAME = new Column("Name", "string", "name", 0,
      o -> o.path("metadata").path("name").asText());
  private static final Column AGE = Column.of("Age", o -> age(o.path("metadata")
      .path("creationTimestamp")));

  /** The built-in printers, by group and resource (as {@code deployments.apps}). */
  private static final Map<String, List<Column>> PRINTERS = Map.ofEntries(
      Map.entry("pods", List.of(NAME,
          Column.of("Ready", o -> readyContainers(o) + "/" + o.path("spec").path("containers")
              .size()),
          Column.of("Status", Tables::podStatus),
          Column.of("Restarts", o -> Integer.toString(restarts(o))),
          AGE,
          Column.of("IP", o -> orNone(o.path("status").path("podIP"))).wide(),
          Column.of("Node", o -> orNone(o.path("spec").path("nodeName"))).wide(),
          Column.of("Nominated Node", o -> orNone(o.path("status")
              .path("nominatedNodeName"))).wide(),
          Column.of("Readiness Gates", o -> readinessGates(o)).wide())),
      Map.entry("deployments.apps", List.of(NAME,
          Column.of("Ready", o -> count(o, "status", "readyReplicas") + "/"
              + count(o, "spec", "replicas")),
          Column.integer("Up-to-date", o -> count(o, "status", "updatedReplicas")),
          Column.integer("Available", o -> count(o, "status", "availableReplicas")),
          AGE,
          Column.of("Containers", o -> containers(o, "name")).wide(),
          Column.of("Images", o -> containers(o, "image")).wide(),
          Column.of("Selector", o -> selector(o.path("spec").path("selector"))).wide())),
      Map.entry("replicasets.apps", List.of(NAME,
          Column.integer("Desired", o -> count(o, "spec", "replicas")),
          Column.integer("Current", o -> count(o, "status", "replicas")),
          Column.integer("Ready", o -> count(o, "status", "readyReplicas")),
          AGE,
          Column.of("Containers", o -> containers(o, "name")).wide(),
          Column.of("Images", o -> containers(o, "image")).wide(),
          Column.of("Selector", o -> selector(o.path("spec").path("selector"))).wide())),
      Map.entry("statefulsets.apps", List.of(NAME,
          Column.of("Ready", o -> count(o, "status", "readyReplicas") + "/"
              + count(o, "spec", "replicas")),
          AGE,
          Column.of("Containers", o -> containers(o, "name")).wide(),
          Column.of("Images", o -> containers(o, "image")).wide())),
      Map.entry("services", List.of(NAME,
          Column.of("Type", o -> o.path("spec").path("type").asText()),
          Column.of("Cluster-IP", o -> orNone(o.path("spec").path("clusterIP"))),
          Column.of("External-IP", Tables::externalIp),
          Column.of("Port(s)", Tables::ports),
          AGE,
          Column.of("Selector", o -> labels(o.path("spec").path("selector"))).wide())),
      Map.entry("configmaps", List.of(NAME,
          Column.integer("Data", o -> o.path("data").size() + o.path("binaryData").size()),
          AGE)),
      Map.entry("secrets", List.of(NAME,
          Column.of("Type", o -> o.path("type").asText()),
          Column.integer("Data", o -> o.path("data").size()),
          AGE)),
      Map.entry("serviceaccounts", List.of(NAME,
          Column.integer("Secrets", o -> o.path("secrets").size()),
          AGE)),
      Map.entry("namespaces", List.of(NAME,
          Column.of("Status", o -> o.path("status").path("phase").asText()),
          AGE)),
      Map.entry("nodes", List.of(NAME,
          Column.of("Status", Tables::nodeStatus),
          Column.of("Roles", Tables::roles),
          AGE,
          Column.of("Version", o -> o.path("status").path("nodeInfo").path("kubeletVersion")
              .asText()),
          Column.of("Internal-IP", o -> address(o, "InternalIP")).wide(),
          Column.of("External-IP", o -> address(o, "ExternalIP")).wide())),
      Map.entry("horizontalpodautoscalers.autoscaling", List.of(NAME,
          Column.of("Reference", o -> o.path("spec").path("scaleTargetRef").path("kind")
              .asText() + "/" + o.path("spec").path("scaleTargetRef").path("name").asText()),
          Column.of("Targets", Tables::targets),
          Column.of("MinPods", o -> o.path("spec").has("minReplicas")
              ? o.path("spec").path("minReplicas").asText() : "<unset>"),
          Column.integer("MaxPods", o -> o.path("spec").path("maxReplicas").asInt()),
          Column.integer("Replicas", o -> count(o, "status", "currentReplicas")),
          AGE)),
      Map.entry("rolebindings.rbac.authorization.k8s.io", List.of(NAME,
          Column.of("Role", o -> o.path("roleRef").path("kind").asText() + "/"
              + o.path("roleRef").path("name").asText()),
          AGE)),
      Map.entry("clusterrolebindings.rbac.authorization.k8s.io", List.of(NAME,
          Column.of("Role", o -> o.path("roleRef").path("kind").asText() + "/"
              + o.path("roleRef").path("name").asText()),
          AGE)));

  /** Built-in kinds without a printer: apimachinery's default table convertor. */
  private static final List<Column> DEFAULT = List.of(NAME,
      new Column("Created At", "date", "", 0,
          o -> o.path("metadata").path("creationTimestamp").asText(null)));

  private final Store store;

  Tables(Store store) {
    this.store = store;
  }

  /** Whether the client asks for a Table before anything else, as kubectl get does. */
  static boolean asked(Request r) {
    String accept = r.header("accept");
    if (accept == null) {
      return false;
    }
    // only a JSON Table is written; a protobuf Table asked for first is negotiated as usual
    String first = accept.split(",")[0].replace(" ", "");
    return first.startsWith("application/json;") && first.contains("as=Table")
        && first.contains("g=meta.k8s.io");
  }

  /** The answer of a read as a Table; other answers (errors) as they are. */
  Response table(Target t, Request r, Response answer) {
    if (answer.status() != 200 || !answer.contentType().equals("application/json")) {
      return answer;
    }
    ObjectNode read;
    try {
      read = (ObjectNode) Json.parse(answer.body());
    } catch (java.io.IOException e) {
      return answer;
    }
    List<JsonNode> objects = new ArrayList<>();
    ObjectNode meta = Json.object();
    if (read.has("items")) {
      read.path("items").forEach(objects::add);
      meta.setAll((ObjectNode) read.path("metadata"));
    } else {
      objects.add(read);
      meta.put("resourceVersion", read.path("metadata").path("resourceVersion").asText());
    }
    return Response.json(200, build(t.type(), r, objects, meta, true), answer.warnings());
  }

  /**
   * A watch's sink whose events carry their object as a one-row Table, as the real server
   * sends them to {@code kubectl get -w}: column definitions in the first event only.
   */
  Watches.Sink watching(Target t, Request r, Watches.Sink sink) {
    boolean[] first = {true};
    return new Watches.Sink() {
      @Override
      public void start() throws java.io.IOException {
        sink.start();
      }

      @Override
      public void line(byte[] line) throws java.io.IOException {
        ObjectNode event;
        try {
          event = (ObjectNode) Json.parse(line);
        } catch (java.io.IOException | ClassCastException e) {
          sink.line(line);
          return;
        }
        String type = event.path("type").asText();
        JsonNode object = event.path("object");
        if (!List.of("ADDED", "MODIFIED", "DELETED").contains(type) || !object.isObject()) {
          sink.line(line);
          return;
        }
        ObjectNode meta = Json.object();
        meta.put("resourceVersion", object.path("metadata").path("resourceVersion").asText());
        event.set("object", build(t.type(), r, List.of(object), meta, first[0]));
        first[0] = false;
        byte[] bytes = Json.bytes(event);
        byte[] out = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        out[bytes.length] = '\n';
        sink.line(out);
      }
    };
  }

  private ObjectNode build(ResourceType type, Request r, List<JsonNode> objects, ObjectNode meta,
      boolean withColumns) {
    List<Column> columns = columns(type);
    ObjectNode table = Json.object();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    table.set("metadata", meta);
    ArrayNode definitions = table.putArray("columnDefinitions");
    for (Column c : withColumns ? columns : List.<Column>of()) {
      ObjectNode d = definitions.addObject();
      d.put("name", c.name());
      d.put("type", c.type());
      d.put("format", c.format());
      d.put("description", c == NAME ? NAME_DESCRIPTION : c == AGE ? AGE_DESCRIPTION
          : "Custom resource definition column (in JSONPath format): " + c.name());
      d.put("priority", c.priority());
    }
    if (!withColumns) {
      table.remove("columnDefinitions");
    }
    ArrayNode rows = table.putArray("rows");
    String include = r.param("includeObject") == null ? "Metadata" : r.param("includeObject");
    for (JsonNode o : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column c : columns) {
        cells.add(Json.MAPPER.valueToTree(cellOf(c, o)));
      }
      if (include.equals("Object")) {
        ObjectNode full = Json.object();
        full.put("kind", type.kind());
        full.put("apiVersion", type.apiVersion());
        full.setAll((ObjectNode) o);
        row.set("object", full);
      } else if (!include.equals("None")) {
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", o.path("metadata"));
      }
    }
    return table;
  }

  private static Object cellOf(Column c, JsonNode o) {
    try {
      return c.cell().apply(o);
    } catch (RuntimeException e) {
      return null; // a malformed object prints an empty cell rather than failing the list
    }
  }

  private List<Column> columns(ResourceType type) {
    if (!type.custom()) {
      return PRINTERS.getOrDefault(type.groupResource(), DEFAULT);
    }
    List<Column> columns = new ArrayList<>(List.of(NAME));
    ObjectNode crd = store.get("apiextensions.k8s.io/customresourcedefinitions//"
        + ResourceTypes.crdName(type));
    JsonNode printed = null;
    if (crd != null) {
      for (JsonNode v : crd.path("spec").path("versions")) {
        if (v.path("name").asText().equals(type.version())) {
          printed = v.get("additionalPrinterColumns");
        }
      }
    }
    if (printed == null) {
      // the default every CRD version gets when it declares none
      columns.add(AGE);
      return columns;
    }
    for (JsonNode p : printed) {
      String path = p.path("jsonPath").asText();
      String kind = p.path("type").asText("string");
      Function<JsonNode, Object> cell = kind.equals("date")
          ? o -> at(o, path).isMissingNode() || at(o, path).isNull() ? null : age(at(o, path))
          : o -> plain(at(o, path));
      columns.add(new Column(p.path("name").asText(), kind, p.path("format").asText(""),
          p.path("priority").asInt(0), cell));
    }
    return columns;
  }

  /** A simple JSONPath as CRDs write them ({@code .spec.replicas}, {@code .a.b[0].c}). */
  static JsonNode at(JsonNode o, String path) {
    JsonNode at = o;
    String p = path.replaceAll("^\\{|\\}$", "");
    for (String part : p.split("\\.")) {
      if (part.isEmpty()) {
        continue;
      }
      String field = part;
      Integer index = null;
      int bracket = part.indexOf('[');
      if (bracket >= 0 && part.endsWith("]")) {
        field = part.substring(0, bracket);
        try {
          index = Integer.parseInt(part.substring(bracket + 1, part.length() - 1));
        } catch (NumberFormatException e) {
          return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
      }
      at = field.isEmpty() ? at : at.path(field);
      if (index != null) {
        at = at.path(index);
      }
    }
    return at;
  }

  private static Object plain(JsonNode v) {
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isIntegralNumber()) {
      return v.asLong();
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    return v.toString();
  }

  /** Age as the real server prints it (apimachinery's duration.HumanDuration). */
  static String age(JsonNode timestamp) {
    if (timestamp == null || !timestamp.isTextual()) {
      return "<unknown>";
    }
    Instant at;
    try {
      at = Instant.parse(timestamp.asText());
    } catch (RuntimeException e) {
      return "<unknown>";
    }
    return human(Duration.between(at, Instant.now()));
  }

  static String human(Duration d) {
    long seconds = d.getSeconds();
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 120) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 180) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long days = (hours / 24) % 365;
      return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
    }
    return hours / 24 / 365 + "y";
  }

  private static long count(JsonNode o, String part, String field) {
    return o.path(part).path(field).asLong(0);
  }

  private static String orNone(JsonNode v) {
    return v.isTextual() && !v.asText().isEmpty() ? v.asText() : "<none>";
  }

  private static int readyContainers(JsonNode pod) {
    int ready = 0;
    for (JsonNode c : pod.path("status").path("containerStatuses")) {
      if (c.path("ready").asBoolean()) {
        ready++;
      }
    }
    return ready;
  }

  private static int restarts(JsonNode pod) {
    int n = 0;
    for (JsonNode c : pod.path("status").path("containerStatuses")) {
      n += c.path("restartCount").asInt();
    }
    return n;
  }

  /** printPod's reason: the phase, a container's waiting or terminated reason, Terminating. */
  private static String podStatus(JsonNode pod) {
    JsonNode status = pod.path("status");
    String reason = status.path("reason").asText(status.path("phase").asText());
    boolean running = false;
    List<JsonNode> statuses = new ArrayList<>();
    status.path("containerStatuses").forEach(statuses::add);
    for (int i = statuses.size() - 1; i >= 0; i--) {
      JsonNode state = statuses.get(i).path("state");
      if (!state.path("waiting").path("reason").asText().isEmpty()) {
        reason = state.path("waiting").path("reason").asText();
      } else if (state.has("terminated")) {
        JsonNode t = state.path("terminated");
        reason = !t.path("reason").asText().isEmpty() ? t.path("reason").asText()
            : t.path("signal").asInt() != 0 ? "Signal:" + t.path("signal").asInt()
            : "ExitCode:" + t.path("exitCode").asInt();
      } else if (statuses.get(i).path("ready").asBoolean() && state.has("running")) {
        running = true;
      }
    }
    if (reason.equals("Completed") && running) {
      reason = "Running";
    }
    if (pod.path("metadata").has("deletionTimestamp")) {
      reason = "NodeLost".equals(status.path("reason").asText()) ? "Unknown" : "Terminating";
    }
    return reason;
  }

  private static String readinessGates(JsonNode pod) {
    JsonNode gates = pod.path("spec").path("readinessGates");
    if (gates.isEmpty()) {
      return "<none>";
    }
    int ready = 0;
    for (JsonNode g : gates) {
      for (JsonNode c : pod.path("status").path("conditions")) {
        if (c.path("type").asText().equals(g.path("conditionType").asText())
            && c.path("status").asText().equals("True")) {
          ready++;
        }
      }
    }
    return ready + "/" + gates.size();
  }

  private static String containers(JsonNode o, String field) {
    List<String> out = new ArrayList<>();
    for (JsonNode c : o.path("spec").path("template").path("spec").path("containers")) {
      out.add(c.path(field).asText());
    }
    return String.join(",", out);
  }

  /** A label selector as metav1.FormatLabelSelector prints it. */
  private static String selector(JsonNode s) {
    if (s.isMissingNode() || s.isNull()) {
      return "<none>";
    }
    List<String> parts = new ArrayList<>();
    TreeMap<String, String> matchLabels = new TreeMap<>();
    s.path("matchLabels").fields().forEachRemaining(e -> matchLabels.put(e.getKey(),
        e.getValue().asText()));
    matchLabels.forEach((k, v) -> parts.add(k + "=" + v));
    for (JsonNode e : s.path("matchExpressions")) {
      String op = e.path("operator").asText();
      List<String> values = new ArrayList<>();
      e.path("values").forEach(v -> values.add(v.asText()));
      String key = e.path("key").asText();
      parts.add(switch (op) {
        case "In" -> key + " in (" + String.join(",", values) + ")";
        case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
        case "Exists" -> key;
        case "DoesNotExist" -> "!" + key;
        default -> key + " " + op;
      });
    }
    return parts.isEmpty() ? "<none>" : String.join(",", parts);
  }

  private static String labels(JsonNode map) {
    if (!map.isObject() || map.isEmpty()) {
      return "<none>";
    }
    List<String> parts = new ArrayList<>();
    map.fieldNames().forEachRemaining(k -> parts.add(k + "=" + map.get(k).asText()));
    java.util.Collections.sort(parts);
    return String.join(",", parts);
  }

  private static String externalIp(JsonNode svc) {
    String type = svc.path("spec").path("type").asText();
    List<String> ips = new ArrayList<>();
    svc.path("spec").path("externalIPs").forEach(ip -> ips.add(ip.asText()));
    if (type.equals("LoadBalancer")) {
      for (JsonNode in : svc.path("status").path("loadBalancer").path("ingress")) {
        ips.add(in.has("ip") ? in.path("ip").asText() : in.path("hostname").asText());
      }
      return ips.isEmpty() ? "<pending>" : String.join(",", ips);
    }
    if (type.equals("ExternalName")) {
      return svc.path("spec").path("externalName").asText();
    }
    return ips.isEmpty() ? "<none>" : String.join(",", ips);
  }

  private static String ports(JsonNode svc) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : svc.path("spec").path("ports")) {
      String node = p.has("nodePort") ? ":" + p.path("nodePort").asText() : "";
      out.add(p.path("port").asText() + node + "/" + p.path("protocol").asText("TCP"));
    }
    return out.isEmpty() ? "<none>" : String.join(",", out);
  }

  private static String nodeStatus(JsonNode node) {
    String status = "Unknown";
    for (JsonNode c : node.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        status = c.path("status").asText().equals("True") ? "Ready" : "NotReady";
      }
    }
    return node.path("spec").path("unschedulable").asBoolean()
        ? status + ",SchedulingDisabled" : status;
  }

  private static String roles(JsonNode node) {
    List<String> roles = new ArrayList<>();
    node.path("metadata").path("labels").fieldNames().forEachRemaining(k -> {
      if (k.startsWith("node-role.kubernetes.io/")) {
        roles.add(k.substring("node-role.kubernetes.io/".length()));
      } else if (k.equals("kubernetes.io/role")) {
        roles.add(node.path("metadata").path("labels").path(k).asText());
      }
    });
    java.util.Collections.sort(roles);
    return roles.isEmpty() ? "<none>" : String.join(",", roles);
  }

  private static String address(JsonNode node, String type) {
    for (JsonNode a : node.path("status").path("addresses")) {
      if (a.path("type").asText().equals(type)) {
        return a.path("address").asText();
      }
    }
    return "<none>";
  }

  /** An HPA's metrics as printed: current (unknown until metrics exist) over target. */
  private static String targets(JsonNode hpa) {
    List<String> out = new ArrayList<>();
    if (hpa.path("spec").has("targetCPUUtilizationPercentage")) {
      // autoscaling/v1's one metric
      return "cpu: <unknown>/" + hpa.path("spec").path("targetCPUUtilizationPercentage")
          .asText() + "%";
    }
    for (JsonNode m : hpa.path("spec").path("metrics")) {
      JsonNode res = m.path("resource");
      if (m.path("type").asText().equals("Resource")
          && res.path("target").has("averageUtilization")) {
        out.add(res.path("name").asText() + ": <unknown>/"
            + res.path("target").path("averageUtilization").asText() + "%");
      } else {
        out.add("<unknown>");
      }
    }
    return out.isEmpty() ? "<none>" : String.join(", ", out);
  }
}
