package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A scheduler and a kubelet in one small loop, standing in for a cluster's nodes: the nodes
 * exist, a pod is bound to the first node that can take it (its node selector and affinity,
 * the node's taints, and the requests still free there), a pod the nodes cannot take stays
 * Pending with the scheduler's Unschedulable condition, a bound pod becomes Running and
 * Ready, and a pod deleted gracefully is confirmed gone as its kubelet would.
 *
 * <p>Pods bound by name to a node this loop does not run keep whatever state they have, as
 * on a real cluster whose node has no kubelet.
 */
final class PodLifecycle extends Controller {
  /** The node that runs pods; the name the recorded test cluster's pod-running node had. */
  static final String NODE = "fake-run";
  /** A control-plane node that takes only pods tolerating its taint, as a real cluster has. */
  static final String CONTROL_PLANE = "e2e-control-plane";
  private static final Set<String> NODES = Set.of(NODE, CONTROL_PLANE);
  private static final String CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane";
  /** The image tag ending of a container that never becomes ready (the sandbox's convention). */
  static final String NEVER_READY = "-crashloop";

  private volatile boolean reschedule;
  /** How long a kubelet here takes to stop a deleted pod's containers, at most. */
  private static final long TERMINATION_MILLIS = 1000;
  /** Pods being stopped, by store key, with the time their deletion is confirmed. */
  private final Map<String, Long> terminating = new java.util.concurrent.ConcurrentHashMap<>();

  PodLifecycle() {
    super("pod-lifecycle");
  }

  @Override
  boolean wants(Store.Event e) {
    return e.key().startsWith("/pods/") || e.key().startsWith("/nodes/");
  }

  @Override
  long tickMillis() {
    return 250;
  }

  @Override
  void initial() {
    createNode(NODE, false);
    createNode(CONTROL_PLANE, true);
    for (ObjectNode pod : cluster.store().list("/pods/").items()) {
      process(pod);
    }
  }

  @Override
  void handle(Store.Event e) {
    if (e.key().startsWith("/nodes/") || e.type().equals("DELETED")) {
      // Room on a node, or a node itself, may have appeared: pending pods get another try.
      reschedule = true;
      return;
    }
    ObjectNode pod = cluster.store().get(e.key());
    if (pod != null) {
      process(pod);
    }
  }

  @Override
  void tick() {
    long now = System.currentTimeMillis();
    for (Map.Entry<String, Long> due : terminating.entrySet()) {
      if (due.getValue() <= now && terminating.remove(due.getKey(), due.getValue())) {
        ObjectNode pod = cluster.store().get(due.getKey());
        if (pod != null && pod.path("metadata").hasNonNull("deletionTimestamp")) {
          confirmDeletion(pod);
        }
      }
    }
    if (!reschedule) {
      return;
    }
    reschedule = false;
    for (ObjectNode pod : cluster.store().list("/pods/").items()) {
      if (pod.path("spec").path("nodeName").asText("").isEmpty()) {
        process(pod);
      }
    }
  }

  /**
   * Annotating a Node with this ({@code pave.dev/kubelet: stand-in}) makes this loop its
   * kubelet too: how a benchmark gives the embedded API room for thousands of pods.
   */
  static final String STAND_IN = "pave.dev/kubelet";

  /** Whether this loop is the kubelet of {@code node}. */
  private boolean runsHere(String node) {
    if (NODES.contains(node)) {
      return true;
    }
    if (node.isEmpty()) {
      return false;
    }
    ObjectNode n = cluster.store().get("/nodes//" + node);
    return n != null && "stand-in".equals(n.path("metadata").path("annotations").path(STAND_IN)
        .asText());
  }

  private void process(ObjectNode pod) {
    JsonNode meta = pod.path("metadata");
    String node = pod.path("spec").path("nodeName").asText("");
    if (meta.hasNonNull("deletionTimestamp")) {
      if (runsHere(node)) {
        // A kubelet stops the containers first: the recorded pods stayed terminating up to
        // about a second (within their grace period) before it confirmed them gone; the
        // deletion timelines show 2 pods for ~0.6 s (foreground) and ~1 s (background).
        long grace = meta.path("deletionGracePeriodSeconds").asLong(0);
        if (grace <= 0) {
          confirmDeletion(pod);
        } else {
          terminating.putIfAbsent(Store.key(podType(), meta.path("namespace").asText(),
              meta.path("name").asText()), System.currentTimeMillis()
              + Math.min(grace * 1000, TERMINATION_MILLIS));
        }
      }
      return;
    }
    if (node.isEmpty()) {
      String scheduler = pod.path("spec").path("schedulerName").asText("default-scheduler");
      if (scheduler.equals("default-scheduler")) {
        schedule(pod);
      }
      return;
    }
    String phase = pod.path("status").path("phase").asText("");
    if (runsHere(node) && !phase.equals("Running") && !phase.equals("Succeeded")
        && !phase.equals("Failed")) {
      start(pod, node);
    }
  }

  // ---- the scheduler ----

  private void schedule(ObjectNode pod) {
    List<ObjectNode> nodes = cluster.store().list("/nodes/").items();
    Map<String, Integer> reasons = new TreeMap<>();
    int preemptionCandidates = 0;
    for (ObjectNode node : nodes) {
      List<String> why = unfit(pod, node);
      if (why.isEmpty()) {
        bind(pod, node.path("metadata").path("name").asText());
        return;
      }
      why.forEach(w -> reasons.merge(w, 1, Integer::sum));
      if (why.stream().anyMatch(w -> w.startsWith("Insufficient") || w.equals("Too many pods"))) {
        preemptionCandidates++;
      }
    }
    List<String> counted = new ArrayList<>();
    reasons.forEach((w, n) -> counted.add(n + " " + w));
    counted.sort(null);
    int all = nodes.size();
    List<String> preemption = new ArrayList<>();
    if (preemptionCandidates > 0) {
      preemption.add(preemptionCandidates + " No preemption victims found for incoming pod");
    }
    if (all - preemptionCandidates > 0) {
      preemption.add((all - preemptionCandidates) + " Preemption is not helpful for scheduling");
    }
    String message = "0/" + all + " nodes are available"
        + (counted.isEmpty() ? "." : ": " + String.join(", ", counted) + ".")
        + " no new claims to deallocate, preemption: 0/" + all + " nodes are available"
        + (preemption.isEmpty() ? "." : ": " + String.join(", ", preemption) + ".");
    unschedulable(pod, message);
  }

  /** Why a node cannot take a pod, in the scheduler's words; empty when it can. */
  private List<String> unfit(ObjectNode pod, ObjectNode node) {
    JsonNode spec = pod.path("spec");
    if (node.path("spec").path("unschedulable").asBoolean()) {
      return List.of("node(s) were unschedulable");
    }
    for (JsonNode taint : node.path("spec").path("taints")) {
      String effect = taint.path("effect").asText();
      if ((effect.equals("NoSchedule") || effect.equals("NoExecute"))
          && !tolerated(spec.path("tolerations"), taint)) {
        return List.of("node(s) had untolerated taint(s)");
      }
    }
    JsonNode labels = node.path("metadata").path("labels");
    boolean selects = true;
    for (var it = spec.path("nodeSelector").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      selects &= e.getValue().asText().equals(labels.path(e.getKey()).asText(null));
    }
    JsonNode required = spec.path("affinity").path("nodeAffinity")
        .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms");
    if (!required.isMissingNode() && required.isArray() && !required.isEmpty()) {
      boolean anyTerm = false;
      for (JsonNode term : required) {
        anyTerm |= termMatches(term.path("matchExpressions"), labels);
      }
      selects &= anyTerm;
    }
    if (!selects) {
      return List.of("node(s) didn't match Pod's node affinity/selector");
    }
    return insufficient(pod, node);
  }

  private static boolean tolerated(JsonNode tolerations, JsonNode taint) {
    for (JsonNode t : tolerations) {
      String effect = t.path("effect").asText("");
      if (!effect.isEmpty() && !effect.equals(taint.path("effect").asText())) {
        continue;
      }
      String key = t.path("key").asText("");
      if (t.path("operator").asText("Equal").equals("Exists")) {
        if (key.isEmpty() || key.equals(taint.path("key").asText())) {
          return true;
        }
      } else if (key.equals(taint.path("key").asText())
          && t.path("value").asText("").equals(taint.path("value").asText(""))) {
        return true;
      }
    }
    return false;
  }

  private static boolean termMatches(JsonNode expressions, JsonNode labels) {
    for (JsonNode e : expressions) {
      String key = e.path("key").asText();
      String value = labels.path(key).asText(null);
      List<String> values = new ArrayList<>();
      e.path("values").forEach(v -> values.add(v.asText()));
      boolean ok = switch (e.path("operator").asText()) {
        case "In" -> value != null && values.contains(value);
        case "NotIn" -> value == null || !values.contains(value);
        case "Exists" -> value != null;
        case "DoesNotExist" -> value == null;
        case "Gt" -> value != null && values.size() == 1 && number(value) > number(values.get(0));
        case "Lt" -> value != null && values.size() == 1 && number(value) < number(values.get(0));
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static long number(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }

  /** The node's allocatable resources against the requests of the pods already there. */
  private List<String> insufficient(ObjectNode pod, ObjectNode node) {
    String name = node.path("metadata").path("name").asText();
    JsonNode allocatable = node.path("status").path("allocatable");
    BigDecimal cpu = BigDecimal.ZERO;
    BigDecimal memory = BigDecimal.ZERO;
    int pods = 0;
    for (ObjectNode other : cluster.store().list("/pods/").items()) {
      String phase = other.path("status").path("phase").asText("");
      if (!other.path("spec").path("nodeName").asText("").equals(name)
          || phase.equals("Succeeded") || phase.equals("Failed")) {
        continue;
      }
      cpu = cpu.add(request(other, "cpu"));
      memory = memory.add(request(other, "memory"));
      pods++;
    }
    List<String> why = new ArrayList<>();
    if (cpu.add(request(pod, "cpu")).compareTo(quantity(allocatable.path("cpu").asText("0")))
        > 0) {
      why.add("Insufficient cpu");
    }
    if (memory.add(request(pod, "memory"))
        .compareTo(quantity(allocatable.path("memory").asText("0"))) > 0) {
      why.add("Insufficient memory");
    }
    if (pods + 1 > quantity(allocatable.path("pods").asText("110")).intValue()) {
      why.add("Too many pods");
    }
    return why;
  }

  /** A pod's request of a resource: its containers' sum, or an init container's if larger. */
  private static BigDecimal request(JsonNode pod, String resource) {
    BigDecimal sum = BigDecimal.ZERO;
    for (JsonNode c : pod.path("spec").path("containers")) {
      sum = sum.add(containerRequest(c, resource));
    }
    for (JsonNode c : pod.path("spec").path("initContainers")) {
      sum = sum.max(containerRequest(c, resource));
    }
    return sum;
  }

  private static BigDecimal containerRequest(JsonNode c, String resource) {
    JsonNode r = c.path("resources");
    String q = r.path("requests").path(resource).asText(r.path("limits").path(resource)
        .asText("0"));
    return quantity(q);
  }

  /** A Kubernetes quantity ("500m", "16Gi", "1e3", "2") as a number of base units. */
  static BigDecimal quantity(String q) {
    String s = q.strip();
    String[][] suffixes = {{"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"},
        {"Ti", "1099511627776"}, {"Pi", "1125899906842624"}, {"Ei", "1152921504606846976"},
        {"n", "0.000000001"}, {"u", "0.000001"}, {"m", "0.001"}, {"k", "1000"},
        {"M", "1000000"}, {"G", "1000000000"}, {"T", "1000000000000"},
        {"P", "1000000000000000"}, {"E", "1000000000000000000"}};
    try {
      for (String[] suffix : suffixes) {
        if (s.endsWith(suffix[0])) {
          return new BigDecimal(s.substring(0, s.length() - suffix[0].length()))
              .multiply(new BigDecimal(suffix[1]));
        }
      }
      return new BigDecimal(s);
    } catch (NumberFormatException e) {
      return BigDecimal.ZERO;
    }
  }

  /** Binds as the binding subresource does: nodeName set, PodScheduled True. */
  private void bind(ObjectNode pod, String node) {
    Store store = cluster.store();
    String key = Store.key(podType(), pod.path("metadata").path("namespace").asText(),
        pod.path("metadata").path("name").asText());
    synchronized (store) {
      ObjectNode current = store.get(key);
      if (current == null || !sameVersion(current, pod)
          || !current.path("spec").path("nodeName").asText("").isEmpty()) {
        return;
      }
      current.with("spec").put("nodeName", node);
      ObjectNode status = current.with("status");
      setCondition(status, "PodScheduled", "True", null, null, null);
      if (!status.has("phase")) {
        status.put("phase", "Pending");
      }
      store.put(key, current);
    }
  }

  private void unschedulable(ObjectNode pod, String message) {
    ObjectNode status = pod.with("status");
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals("PodScheduled")
          && c.path("reason").asText().equals("Unschedulable")
          && c.path("message").asText().equals(message)) {
        return;
      }
    }
    status.put("phase", "Pending");
    setCondition(status, "PodScheduled", "False", "Unschedulable", message,
        pod.path("metadata").path("generation").asLong(1));
    writeStatus(pod);
  }

  // ---- the kubelet ----

  /**
   * Runs a pod as a kubelet reports it: every container started and ready, except those
   * whose image tag ends in {@value #NEVER_READY}, which stand for a container that keeps
   * crashing (CrashLoopBackOff), so the pod never becomes Ready.
   */
  private void start(ObjectNode pod, String node) {
    ObjectNode status = pod.with("status");
    String now = Json.now();
    status.put("phase", "Running");
    JsonNode scheduled = null;
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals("PodScheduled")) {
        scheduled = c;
      }
    }
    List<String> unready = new ArrayList<>();
    for (JsonNode c : pod.path("spec").path("containers")) {
      if (c.path("image").asText().endsWith(NEVER_READY)) {
        unready.add(c.path("name").asText());
      }
    }
    ArrayNode conditions = status.putArray("conditions");
    for (String type : List.of("PodReadyToStartContainers", "Initialized", "Ready",
        "ContainersReady")) {
      ObjectNode c = conditions.addObject().put("type", type);
      boolean waits = !unready.isEmpty() && (type.equals("Ready")
          || type.equals("ContainersReady"));
      // lastProbeTime is a non-pointer time the real server writes out as null
      c.put("status", waits ? "False" : "True").putNull("lastProbeTime")
          .put("lastTransitionTime", now);
      if (waits) {
        c.put("reason", "ContainersNotReady").put("message", "containers with unready status: ["
            + String.join(" ", unready) + "]");
      }
    }
    if (scheduled != null) {
      conditions.add(scheduled);
    } else {
      conditions.addObject().put("type", "PodScheduled").put("status", "True")
          .putNull("lastProbeTime").put("lastTransitionTime", now);
    }
    status.put("hostIP", "127.0.0.1");
    status.putArray("hostIPs").addObject().put("ip", "127.0.0.1");
    status.put("startTime", now);
    ArrayNode containers = status.putArray("containerStatuses");
    JsonNode meta = pod.path("metadata");
    String uid = meta.path("uid").asText();
    for (JsonNode c : pod.path("spec").path("containers")) {
      ObjectNode s = containers.addObject();
      String image = c.path("image").asText();
      String name = c.path("name").asText();
      String containerId = "fake://" + uid + "-" + name;
      s.put("name", name);
      if (unready.contains(name)) {
        s.putObject("state").putObject("waiting").put("reason", "CrashLoopBackOff")
            .put("message", "back-off 10s restarting failed container=" + name + " pod="
                + meta.path("name").asText() + "_" + meta.path("namespace").asText() + "("
                + uid + ")");
        s.putObject("lastState").putObject("terminated").put("exitCode", 1)
            .put("reason", "Error").put("startedAt", now).put("finishedAt", now)
            .put("containerID", containerId);
        s.put("ready", false).put("restartCount", 1);
      } else {
        s.putObject("state").putObject("running").put("startedAt", now);
        s.putObject("lastState");
        s.put("ready", true).put("restartCount", 0);
      }
      s.put("image", image).put("imageID", "fake://" + image).put("containerID", containerId)
          .put("started", !unready.contains(name));
    }
    if (!status.has("qosClass")) {
      status.put("qosClass", "BestEffort");
    }
    writeStatus(pod);
  }

  /** The kubelet's last word on a pod being deleted: gone now, whatever grace was left. */
  private void confirmDeletion(ObjectNode pod) {
    JsonNode meta = pod.path("metadata");
    ObjectNode options = Json.object();
    options.put("kind", "DeleteOptions").put("apiVersion", "v1").put("gracePeriodSeconds", 0);
    options.putObject("preconditions").put("uid", meta.path("uid").asText());
    cluster.internalWrite("DELETE", "/api/v1/namespaces/" + meta.path("namespace").asText()
        + "/pods/" + meta.path("name").asText(), options);
  }

  private void writeStatus(ObjectNode pod) {
    JsonNode meta = pod.path("metadata");
    cluster.internalWrite("PUT", "/api/v1/namespaces/" + meta.path("namespace").asText()
        + "/pods/" + meta.path("name").asText() + "/status", pod);
  }

  private static void setCondition(ObjectNode status, String type, String value, String reason,
      String message, Long observedGeneration) {
    ArrayNode kept = Json.array();
    for (JsonNode c : status.path("conditions")) {
      if (!c.path("type").asText().equals(type)) {
        kept.add(c);
      }
    }
    ObjectNode c = kept.addObject();
    c.put("type", type);
    if (observedGeneration != null) {
      c.put("observedGeneration", observedGeneration);
    }
    c.put("status", value).putNull("lastProbeTime").put("lastTransitionTime", Json.now());
    if (reason != null) {
      c.put("reason", reason).put("message", message);
    }
    status.set("conditions", kept);
  }

  private static boolean sameVersion(JsonNode a, JsonNode b) {
    return a.path("metadata").path("resourceVersion").asText()
        .equals(b.path("metadata").path("resourceVersion").asText());
  }

  private ResourceType podType() {
    return cluster.types().find("", "v1", "pods").orElseThrow();
  }

  // ---- the nodes ----

  private void createNode(String name, boolean controlPlane) {
    if (cluster.store().get("/nodes//" + name) != null) {
      return;
    }
    ObjectNode node = Json.object();
    node.put("apiVersion", "v1").put("kind", "Node");
    ObjectNode labels = node.putObject("metadata").put("name", name).putObject("labels");
    labels.put("beta.kubernetes.io/arch", "amd64").put("beta.kubernetes.io/os", "linux")
        .put("kubernetes.io/arch", "amd64").put("kubernetes.io/hostname", name)
        .put("kubernetes.io/os", "linux");
    ObjectNode spec = node.putObject("spec");
    if (controlPlane) {
      labels.put(CONTROL_PLANE_TAINT, "");
      spec.putArray("taints").addObject().put("key", CONTROL_PLANE_TAINT)
          .put("effect", "NoSchedule");
    } else {
      // The label the recorded test cluster's pod-running node carried, so recorded
      // workloads that select it are scheduled here.
      labels.put("testbed/runs-pods", "true");
    }
    Response created = cluster.internalWrite("POST", "/api/v1/nodes", node);
    if (created.status() != 201) {
      return;
    }
    ObjectNode stored;
    try {
      stored = (ObjectNode) Json.parse(created.body());
    } catch (java.io.IOException e) {
      return;
    }
    ObjectNode status = stored.putObject("status");
    for (String field : List.of("capacity", "allocatable")) {
      status.putObject(field).put("cpu", "4").put("ephemeral-storage", "100Gi")
          .put("memory", "16Gi").put("pods", "110");
    }
    ArrayNode conditions = status.putArray("conditions");
    String now = Json.now();
    String[][] c = {
        {"MemoryPressure", "False", "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available"},
        {"DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
        {"PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
        {"Ready", "True", "KubeletReady", "kubelet is posting ready status"}};
    for (String[] x : c) {
      conditions.addObject().put("type", x[0]).put("status", x[1])
          .put("lastHeartbeatTime", now).put("lastTransitionTime", now).put("reason", x[2])
          .put("message", x[3]);
    }
    ArrayNode addresses = status.putArray("addresses");
    addresses.addObject().put("type", "InternalIP").put("address", "127.0.0.1");
    addresses.addObject().put("type", "Hostname").put("address", name);
    status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", 10250);
    status.putObject("nodeInfo").put("machineID", "").put("systemUUID", "").put("bootID", "")
        .put("kernelVersion", "").put("osImage", "pave-cluster").put("containerRuntimeVersion",
            "fake://1.0").put("kubeletVersion", "v1.36.2").put("kubeProxyVersion", "")
        .put("operatingSystem", "linux").put("architecture", "amd64");
    cluster.internalWrite("PUT", "/api/v1/nodes/" + name + "/status", stored);
  }
}
