package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The built-in kinds' own rules as a real server's registry strategies and API defaulting
 * apply them: the defaults that appear in every answer (pod templates, Deployments, Services
 * with their allocated cluster IP, Namespaces) and the validation whose messages clients and
 * tests read. Custom resources are {@link CustomSchema}'s.
 */
final class BuiltInStrategy implements Strategy {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789";
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern SUBDOMAIN = Pattern.compile(
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  static final String LABEL_MESSAGE = "a lowercase RFC 1123 label must consist of lower case "
      + "alphanumeric characters or '-', and must start and end with an alphanumeric character "
      + "(e.g. 'my-name',  or '123-abc', regex used for validation is "
      + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  static final String SUBDOMAIN_MESSAGE = "a lowercase RFC 1123 subdomain must consist of lower "
      + "case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
      + "character (e.g. 'example.com', regex used for validation is "
      + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  private static final Pattern QUALIFIED_NAME = Pattern.compile(
      "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern LABEL_VALUE = Pattern.compile(
      "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final String LABEL_VALUE_MESSAGE = "a valid label must be an empty string or "
      + "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
      + "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
      + "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final String IMMUTABLE_WHEN_SET = "field is immutable when `immutable` is set";
  private static final String SERVICE_ACCOUNT_MOUNT =
      "/var/run/secrets/kubernetes.io/serviceaccount";

  /** Cluster IPs handed out, so that no two Services share one. */
  private final Set<String> allocated = new HashSet<>(Set.of("10.96.0.1", "10.96.0.10"));
  private final Set<Integer> nodePorts = new HashSet<>();

  // ---- defaults ----

  @Override
  public void defaults(ResourceType t, ObjectNode o, ObjectNode old, List<String> warnings) {
    if (t.custom()) {
      return;
    }
    ObjectNode spec = o.get("spec") instanceof ObjectNode s ? s : null;
    if (old == null && !o.has("status")) {
      // Status structs that are not pointers: a new object answers with them, empty.
      switch (t.group() + "/" + t.kind()) {
        case "apps/Deployment", "batch/Job", "batch/CronJob" -> o.putObject("status");
        case "apps/ReplicaSet", "/ReplicationController" -> o.putObject("status")
            .put("replicas", 0);
        case "apps/StatefulSet" -> o.putObject("status").put("replicas", 0)
            .put("availableReplicas", 0);
        case "apps/DaemonSet" -> o.putObject("status").put("currentNumberScheduled", 0)
            .put("numberMisscheduled", 0).put("desiredNumberScheduled", 0)
            .put("numberReady", 0);
        case "/PersistentVolumeClaim" -> o.putObject("status").put("phase", "Pending");
        default -> { }
      }
    }
    switch (t.group() + "/" + t.kind()) {
      case "/Namespace" -> namespace(o, old);
      case "/Service" -> service(o, old);
      case "/Pod" -> pod(o, old);
      case "/Secret" -> {
        if (!o.hasNonNull("type") || o.get("type").asText().isEmpty()) {
          o.put("type", "Opaque");
        }
        stringData(o);
      }
      case "/ReplicationController" -> {
        if (spec != null) {
          putIfAbsent(spec, "replicas", 1);
          template(spec);
          JsonNode labels = spec.path("template").path("metadata").path("labels");
          if (spec.path("selector").isEmpty() && labels.isObject()) {
            spec.set("selector", labels.deepCopy());
          }
        }
      }
      case "apps/Deployment" -> {
        if (spec != null) {
          deployment(spec);
        }
      }
      case "apps/ReplicaSet" -> {
        if (spec != null) {
          putIfAbsent(spec, "replicas", 1);
          template(spec);
        }
      }
      case "apps/StatefulSet" -> {
        if (spec != null) {
          statefulSet(spec);
        }
      }
      case "apps/DaemonSet" -> {
        if (spec != null) {
          daemonSet(spec);
        }
      }
      case "batch/Job" -> {
        if (spec != null) {
          job(o, spec, old);
        }
      }
      case "batch/CronJob" -> {
        if (spec != null) {
          cronJob(spec);
        }
      }
      default -> { }
    }
  }

  /** stringData is write-only: its entries land in data, base64-encoded, over data's own. */
  private static void stringData(ObjectNode o) {
    if (!(o.get("stringData") instanceof ObjectNode strings)) {
      o.remove("stringData");
      return;
    }
    ObjectNode data = o.get("data") instanceof ObjectNode d ? d : o.putObject("data");
    strings.fields().forEachRemaining(e -> data.put(e.getKey(), java.util.Base64.getEncoder()
        .encodeToString(e.getValue().asText("").getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    o.remove("stringData");
  }

  private static void namespace(ObjectNode o, ObjectNode old) {
    ObjectNode meta = Json.meta(o);
    meta.with("labels").put("kubernetes.io/metadata.name", meta.path("name").asText());
    if (old == null) {
      ObjectNode spec = o.with("spec");
      ArrayNode finalizers = spec.get("finalizers") instanceof ArrayNode a ? a
          : spec.putArray("finalizers");
      if (!contains(finalizers, "kubernetes")) {
        finalizers.add("kubernetes");
      }
      if (!o.path("status").hasNonNull("phase")) {
        o.with("status").put("phase", "Active");
      }
    }
  }

  private void service(ObjectNode o, ObjectNode old) {
    ObjectNode spec = o.with("spec");
    JsonNode oldSpec = old == null ? null : old.path("spec");
    String type = text(spec, "type");
    if (type == null) {
      type = "ClusterIP";
      spec.put("type", type);
    }
    putIfAbsent(spec, "sessionAffinity", "None");
    if (spec.get("ports") instanceof ArrayNode ports) {
      for (JsonNode p : ports) {
        if (p instanceof ObjectNode port) {
          putIfAbsent(port, "protocol", "TCP");
          if (!port.has("targetPort") && port.has("port")) {
            port.set("targetPort", port.get("port"));
          }
        }
      }
    }
    if (type.equals("ExternalName")) {
      return;
    }
    // An update that leaves the allocated values out keeps them, as the real registry does.
    if (oldSpec != null) {
      for (String f : List.of("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy")) {
        if (!spec.hasNonNull(f) && oldSpec.hasNonNull(f)) {
          spec.set(f, oldSpec.get(f).deepCopy());
        }
      }
    }
    if (spec.hasNonNull("clusterIP") && !spec.hasNonNull("clusterIPs")) {
      spec.putArray("clusterIPs").add(spec.get("clusterIP").asText());
    } else if (!spec.hasNonNull("clusterIP") && spec.path("clusterIPs").size() > 0) {
      spec.put("clusterIP", spec.get("clusterIPs").get(0).asText());
    }
    if (!spec.hasNonNull("clusterIP") || spec.get("clusterIP").asText().isEmpty()) {
      String ip = allocateIp();
      spec.put("clusterIP", ip);
      spec.putArray("clusterIPs").add(ip);
    }
    if (!spec.has("ipFamilies")) {
      spec.putArray("ipFamilies").add("IPv4");
    }
    putIfAbsent(spec, "ipFamilyPolicy", "SingleStack");
    putIfAbsent(spec, "internalTrafficPolicy", "Cluster");
    if (type.equals("NodePort") || type.equals("LoadBalancer")) {
      putIfAbsent(spec, "externalTrafficPolicy", "Cluster");
      if (type.equals("LoadBalancer")) {
        putIfAbsent(spec, "allocateLoadBalancerNodePorts", true);
      }
      for (JsonNode p : spec.path("ports")) {
        if (p instanceof ObjectNode port && !port.has("nodePort")) {
          port.put("nodePort", oldNodePort(oldSpec, port));
        }
      }
    }
    if (old == null && !o.has("status")) {
      o.putObject("status").putObject("loadBalancer");
    }
  }

  private int oldNodePort(JsonNode oldSpec, ObjectNode port) {
    if (oldSpec != null) {
      for (JsonNode p : oldSpec.path("ports")) {
        if (p.path("port").equals(port.path("port")) && p.has("nodePort")) {
          return p.get("nodePort").asInt();
        }
      }
    }
    synchronized (nodePorts) {
      int n;
      do {
        n = 30000 + RANDOM.nextInt(2768);
      } while (!nodePorts.add(n));
      return n;
    }
  }

  /** A free address of the service range 10.96.0.0/12. */
  private String allocateIp() {
    synchronized (allocated) {
      while (true) {
        int host = 1 + RANDOM.nextInt((1 << 20) - 2);
        String ip = "10." + (96 + (host >> 16)) + "." + ((host >> 8) & 255) + "." + (host & 255);
        if (allocated.add(ip)) {
          return ip;
        }
      }
    }
  }

  private static void pod(ObjectNode o, ObjectNode old) {
    ObjectNode spec = o.with("spec");
    podSpec(spec);
    if (old != null) {
      return;
    }
    // What the ServiceAccount, Priority and DefaultTolerationSeconds admission plugins add.
    putIfAbsent(spec, "serviceAccountName", spec.hasNonNull("serviceAccount")
        ? spec.get("serviceAccount").asText() : "default");
    putIfAbsent(spec, "serviceAccount", spec.get("serviceAccountName").asText());
    if (spec.path("automountServiceAccountToken").asBoolean(true) && !mountsToken(spec)) {
      String volume = "kube-api-access-" + suffix();
      ArrayNode volumes = spec.get("volumes") instanceof ArrayNode a ? a
          : Json.array();
      volumes.insert(0, tokenVolume(volume));
      spec.set("volumes", volumes);
      for (String list : List.of("initContainers", "containers")) {
        for (JsonNode c : spec.path(list)) {
          if (c instanceof ObjectNode container) {
            ArrayNode mounts = container.get("volumeMounts") instanceof ArrayNode m ? m
                : container.putArray("volumeMounts");
            mounts.addObject().put("name", volume).put("readOnly", true)
                .put("mountPath", SERVICE_ACCOUNT_MOUNT);
          }
        }
      }
    }
    ArrayNode tolerations = spec.get("tolerations") instanceof ArrayNode a ? a : null;
    for (String key : List.of("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")) {
      if (!tolerates(tolerations, key)) {
        if (tolerations == null) {
          tolerations = spec.putArray("tolerations");
        }
        tolerations.addObject().put("key", key).put("operator", "Exists")
            .put("effect", "NoExecute").put("tolerationSeconds", 300);
      }
    }
    putIfAbsent(spec, "priority", 0);
    putIfAbsent(spec, "enableServiceLinks", true);
    putIfAbsent(spec, "preemptionPolicy", "PreemptLowerPriority");
    ObjectNode status = o.with("status");
    putIfAbsent(status, "phase", "Pending");
    putIfAbsent(status, "qosClass", qosClass(spec));
  }

  private static boolean mountsToken(ObjectNode spec) {
    for (JsonNode c : spec.path("containers")) {
      for (JsonNode m : c.path("volumeMounts")) {
        if (SERVICE_ACCOUNT_MOUNT.equals(m.path("mountPath").asText())) {
          return true;
        }
      }
    }
    return false;
  }

  private static ObjectNode tokenVolume(String name) {
    ObjectNode v = Json.object();
    v.put("name", name);
    ObjectNode projected = v.putObject("projected");
    ArrayNode sources = projected.putArray("sources");
    sources.addObject().putObject("serviceAccountToken").put("expirationSeconds", 3607)
        .put("path", "token");
    ObjectNode ca = sources.addObject().putObject("configMap");
    ca.put("name", "kube-root-ca.crt");
    ca.putArray("items").addObject().put("key", "ca.crt").put("path", "ca.crt");
    ObjectNode ns = sources.addObject().putObject("downwardAPI");
    ns.putArray("items").addObject().put("path", "namespace").putObject("fieldRef")
        .put("apiVersion", "v1").put("fieldPath", "metadata.namespace");
    ObjectNode serviceCa = sources.addObject().putObject("configMap");
    serviceCa.put("name", "openshift-service-ca.crt");
    serviceCa.putArray("items").addObject().put("key", "service-ca.crt")
        .put("path", "service-ca.crt");
    projected.put("defaultMode", 420);
    return v;
  }

  private static boolean tolerates(ArrayNode tolerations, String key) {
    if (tolerations == null) {
      return false;
    }
    for (JsonNode t : tolerations) {
      String k = t.path("key").asText("");
      String effect = t.path("effect").asText("");
      if ((k.isEmpty() && "Exists".equals(t.path("operator").asText()) || k.equals(key))
          && (effect.isEmpty() || effect.equals("NoExecute"))) {
        return true;
      }
    }
    return false;
  }

  private static String qosClass(JsonNode spec) {
    boolean any = false;
    boolean guaranteed = true;
    for (String list : List.of("initContainers", "containers")) {
      for (JsonNode c : spec.path(list)) {
        JsonNode requests = c.path("resources").path("requests");
        JsonNode limits = c.path("resources").path("limits");
        if (requests.size() > 0 || limits.size() > 0) {
          any = true;
        }
        for (String r : List.of("cpu", "memory")) {
          if (!limits.has(r) || requests.has(r) && !requests.get(r).equals(limits.get(r))) {
            guaranteed = false;
          }
        }
      }
    }
    return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
  }

  private static void deployment(ObjectNode spec) {
    putIfAbsent(spec, "replicas", 1);
    template(spec);
    ObjectNode strategy = spec.with("strategy");
    putIfAbsent(strategy, "type", "RollingUpdate");
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      ObjectNode rolling = strategy.with("rollingUpdate");
      putIfAbsent(rolling, "maxUnavailable", "25%");
      putIfAbsent(rolling, "maxSurge", "25%");
    }
    putIfAbsent(spec, "revisionHistoryLimit", 10);
    putIfAbsent(spec, "progressDeadlineSeconds", 600);
  }

  private static void statefulSet(ObjectNode spec) {
    putIfAbsent(spec, "replicas", 1);
    template(spec);
    putIfAbsent(spec, "podManagementPolicy", "OrderedReady");
    ObjectNode strategy = spec.with("updateStrategy");
    putIfAbsent(strategy, "type", "RollingUpdate");
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      putIfAbsent(strategy.with("rollingUpdate"), "partition", 0);
    }
    putIfAbsent(spec, "revisionHistoryLimit", 10);
    ObjectNode retention = spec.with("persistentVolumeClaimRetentionPolicy");
    putIfAbsent(retention, "whenDeleted", "Retain");
    putIfAbsent(retention, "whenScaled", "Retain");
    for (JsonNode claim : spec.path("volumeClaimTemplates")) {
      if (claim.path("spec") instanceof ObjectNode s) {
        putIfAbsent(s, "volumeMode", "Filesystem");
      }
      if (claim instanceof ObjectNode c && !c.has("status")) {
        c.putObject("status").put("phase", "Pending");
      }
    }
  }

  private static void daemonSet(ObjectNode spec) {
    template(spec);
    ObjectNode strategy = spec.with("updateStrategy");
    putIfAbsent(strategy, "type", "RollingUpdate");
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      ObjectNode rolling = strategy.with("rollingUpdate");
      putIfAbsent(rolling, "maxUnavailable", 1);
      putIfAbsent(rolling, "maxSurge", 0);
    }
    putIfAbsent(spec, "revisionHistoryLimit", 10);
  }

  private static void job(ObjectNode o, ObjectNode spec, ObjectNode old) {
    template(spec);
    if (!spec.has("parallelism")) {
      spec.put("parallelism", 1);
    }
    if (!spec.has("completions") && !"Indexed".equals(text(spec, "completionMode"))) {
      spec.put("completions", 1);
    }
    putIfAbsent(spec, "backoffLimit", 6);
    putIfAbsent(spec, "completionMode", "NonIndexed");
    putIfAbsent(spec, "suspend", false);
    putIfAbsent(spec, "podReplacementPolicy", "TerminatingOrFailed");
    if (spec.path("manualSelector").asBoolean(false) || old != null) {
      return;
    }
    // Without a manual selector the Job's uid selects its pods, as the real registry generates.
    JsonNode meta = o.path("metadata");
    String uid = meta.path("uid").asText();
    String name = meta.path("name").asText();
    if (!spec.has("selector")) {
      spec.putObject("selector").putObject("matchLabels")
          .put("batch.kubernetes.io/controller-uid", uid);
    }
    ObjectNode labels = spec.with("template").with("metadata").with("labels");
    putIfAbsent(labels, "batch.kubernetes.io/controller-uid", uid);
    putIfAbsent(labels, "batch.kubernetes.io/job-name", name);
    putIfAbsent(labels, "controller-uid", uid);
    putIfAbsent(labels, "job-name", name);
  }

  private static void cronJob(ObjectNode spec) {
    putIfAbsent(spec, "concurrencyPolicy", "Allow");
    putIfAbsent(spec, "suspend", false);
    putIfAbsent(spec, "successfulJobsHistoryLimit", 3);
    putIfAbsent(spec, "failedJobsHistoryLimit", 1);
    if (spec.path("jobTemplate").path("spec") instanceof ObjectNode jobSpec) {
      template(jobSpec);
    }
  }

  private static void template(ObjectNode spec) {
    if (spec.path("template").path("spec") instanceof ObjectNode podSpec) {
      podSpec(podSpec);
    }
  }

  /** What SetDefaults_PodSpec and the container defaulters fill in, templates included. */
  static void podSpec(ObjectNode spec) {
    putIfAbsent(spec, "restartPolicy", "Always");
    putIfAbsent(spec, "terminationGracePeriodSeconds", 30);
    putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
    putIfAbsent(spec, "securityContext", Json.object());
    putIfAbsent(spec, "schedulerName", "default-scheduler");
    for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (JsonNode c : spec.path(list)) {
        if (c instanceof ObjectNode container) {
          container(container);
        }
      }
    }
    for (JsonNode v : spec.path("volumes")) {
      for (String source : List.of("configMap", "secret", "downwardAPI", "projected")) {
        if (v.path(source) instanceof ObjectNode s) {
          putIfAbsent(s, "defaultMode", 420);
        }
      }
      if (v.path("hostPath") instanceof ObjectNode h) {
        putIfAbsent(h, "type", "");
      }
    }
  }

  private static void container(ObjectNode c) {
    putIfAbsent(c, "resources", Json.object());
    putIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
    putIfAbsent(c, "terminationMessagePolicy", "File");
    putIfAbsent(c, "imagePullPolicy", pullPolicy(c.path("image").asText("")));
    for (JsonNode p : c.path("ports")) {
      if (p instanceof ObjectNode port) {
        putIfAbsent(port, "protocol", "TCP");
      }
    }
    for (JsonNode e : c.path("env")) {
      if (e.path("valueFrom").path("fieldRef") instanceof ObjectNode ref) {
        putIfAbsent(ref, "apiVersion", "v1");
      }
    }
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      if (c.path(probe) instanceof ObjectNode p) {
        putIfAbsent(p, "timeoutSeconds", 1);
        putIfAbsent(p, "periodSeconds", 10);
        putIfAbsent(p, "successThreshold", 1);
        putIfAbsent(p, "failureThreshold", 3);
        if (p.path("httpGet") instanceof ObjectNode get) {
          putIfAbsent(get, "scheme", "HTTP");
        }
      }
    }
  }

  /** Always for images without a tag or tagged latest (and not pinned by digest). */
  static String pullPolicy(String image) {
    if (image.contains("@")) {
      return "IfNotPresent";
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    if (colon <= slash || image.substring(colon + 1).equals("latest")) {
      return "Always";
    }
    return "IfNotPresent";
  }

  // ---- validation ----

  @Override
  public List<ApiException.Cause> validate(ResourceType t, ObjectNode o, ObjectNode old) {
    List<ApiException.Cause> causes = new ArrayList<>();
    if (t.custom()) {
      return causes;
    }
    String kind = t.group() + "/" + t.kind();
    // Events are named and checked by their own strategy (Events), as on a real server.
    if (kind.endsWith("/Event")) {
      return causes;
    }
    metadataUpdate(o, old, causes);
    metadataUpdate(o, old, causes);
    name(t, o, causes);
    metadata(o, old, causes);
    JsonNode spec = o.path("spec");
    JsonNode oldSpec = old == null ? null : old.path("spec");
    switch (kind) {
      case "/ConfigMap", "/Secret" -> {
        keys(o, causes);
        immutable(o, old, causes);
        if (kind.equals("/Secret") && old != null
            && !o.path("type").equals(old.path("type"))) {
          causes.add(invalid("type", o.path("type"), "field is immutable"));
        }
      }
      case "/Service" -> service(spec, oldSpec, causes);
      case "/Pod" -> podSpec(spec, "spec", causes);
      case "/ReplicationController" -> {
        replicas(spec, causes);
        podSpec(spec.path("template").path("spec"), "spec.template.spec", causes);
      }
      case "rbac.authorization.k8s.io/RoleBinding",
          "rbac.authorization.k8s.io/ClusterRoleBinding" -> roleRef(o, old, causes);
      case "apps/Deployment" -> deployment(spec, oldSpec, causes);
      case "apps/ReplicaSet", "apps/DaemonSet", "apps/StatefulSet" ->
          workload(kind, spec, oldSpec, causes);
      case "batch/Job" -> job(spec, oldSpec, causes);
      case "batch/CronJob" -> {
        JsonNode template = spec.path("jobTemplate").path("spec").path("template");
        podSpec(template.path("spec"), "spec.jobTemplate.spec.template.spec", causes);
        restartPolicy(template.path("spec"), "spec.jobTemplate.spec.template.spec", causes);
      }
      default -> { }
    }
    return causes;
  }

  /**
   * What the registry's common update checks find in metadata. The real server makes them
   * twice, once for every kind and once in the kind's own rules, and reports both.
   */
  static void metadataUpdate(ObjectNode o, ObjectNode old, List<ApiException.Cause> causes) {
    if (old == null || !old.path("metadata").hasNonNull("deletionTimestamp")) {
      return;
    }
    Set<String> before = new HashSet<>();
    old.path("metadata").path("finalizers").forEach(f -> before.add(f.asText()));
    TreeSet<String> added = new TreeSet<>();
    o.path("metadata").path("finalizers").forEach(f -> {
      if (!before.contains(f.asText())) {
        added.add(f.asText());
      }
    });
    if (!added.isEmpty()) {
      StringBuilder list = new StringBuilder("[]string{");
      int i = 0;
      for (String f : added) {
        list.append(i++ == 0 ? "" : ", ").append(quote(f));
      }
      causes.add(forbidden("metadata.finalizers", "no new finalizers can be added if the "
          + "object is being deleted, found new finalizers " + list + "}"));
    }
  }

  /** ValidateObjectMeta's checks beyond the name: labels and owner references. */
  static void metadata(ObjectNode o, ObjectNode old, List<ApiException.Cause> causes) {
    JsonNode meta = o.path("metadata");
    for (Iterator<Map.Entry<String, JsonNode>> it = meta.path("labels").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      for (String problem : qualifiedNameProblems(e.getKey())) {
        causes.add(invalid("metadata.labels", text(e.getKey()), problem));
      }
      String v = e.getValue().asText("");
      if (v.length() > 63) {
        causes.add(invalid("metadata.labels", e.getValue(),
            "must be no more than 63 characters"));
      }
      if (!LABEL_VALUE.matcher(v).matches()) {
        causes.add(invalid("metadata.labels", e.getValue(), LABEL_VALUE_MESSAGE));
      }
    }
    JsonNode refs = meta.path("ownerReferences");
    String firstController = null;
    for (JsonNode ref : refs) {
      String apiVersion = ref.path("apiVersion").asText("");
      String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
      if (version.isEmpty()) {
        causes.add(invalid("metadata.ownerReferences.apiVersion", text(apiVersion),
            "version must not be empty"));
      }
      for (String f : List.of("kind", "name", "uid")) {
        if (ref.path(f).asText("").isEmpty()) {
          causes.add(invalid("metadata.ownerReferences." + f, text(ref.path(f).asText("")),
              "must not be empty"));
        }
      }
      if (ref.path("controller").asBoolean(false)) {
        String name = ref.path("kind").asText("") + "/" + ref.path("name").asText("");
        if (firstController == null) {
          firstController = name;
        } else {
          causes.add(invalid("metadata.ownerReferences", ownerReferences(refs), "Only one "
              + "reference can have Controller set to true. Found \"true\" in references for "
              + firstController + " and " + name));
        }
      }
    }
  }

  /** Owner references as Go writes them: its field order, unset pointers left out. */
  private static JsonNode ownerReferences(JsonNode refs) {
    ArrayNode out = Json.array();
    for (JsonNode ref : refs) {
      ObjectNode r = out.addObject();
      for (String f : List.of("apiVersion", "kind", "name", "uid")) {
        r.put(f, ref.path(f).asText(""));
      }
      for (String f : List.of("controller", "blockOwnerDeletion")) {
        if (ref.path(f).isBoolean()) {
          r.put(f, ref.get(f).asBoolean());
        }
      }
    }
    return out;
  }

  static List<String> qualifiedNameProblems(String key) {
    List<String> problems = new ArrayList<>();
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty()) {
        problems.add("prefix part must be non-empty");
      } else {
        for (String p : subdomainProblems(prefix)) {
          problems.add("prefix part " + p);
        }
      }
    }
    if (name.isEmpty()) {
      problems.add("name part must be non-empty");
    } else {
      if (name.length() > 63) {
        problems.add("name part must be no more than 63 characters");
      }
      if (!QUALIFIED_NAME.matcher(name).matches()) {
        problems.add("name part must consist of alphanumeric characters, '-', '_' or '.', and "
            + "must start and end with an alphanumeric character (e.g. 'MyName',  or "
            + "'my.name',  or '123-abc', regex used for validation is "
            + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
      }
    }
    return problems;
  }

  /** metadata.name as each kind's registry checks it. */
  private static void name(ResourceType t, ObjectNode o, List<ApiException.Cause> causes) {
    String name = o.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      return;
    }
    boolean label = t.group().isEmpty()
        && (t.plural().equals("namespaces") || t.plural().equals("services"));
    if (t.group().startsWith("rbac.")) {
      pathSegment(name, causes);
      return;
    }
    for (String problem : label ? labelProblems(name) : subdomainProblems(name)) {
      causes.add(invalid("metadata.name", Json.MAPPER.getNodeFactory().textNode(name), problem));
    }
  }

  private static void pathSegment(String name, List<ApiException.Cause> causes) {
    if (name.equals(".") || name.equals("..")) {
      causes.add(invalid("metadata.name", Json.MAPPER.getNodeFactory().textNode(name),
          "may not be '" + name + "'"));
    }
    for (String bad : List.of("/", "%")) {
      if (name.contains(bad)) {
        causes.add(invalid("metadata.name", Json.MAPPER.getNodeFactory().textNode(name),
            "may not contain '" + bad + "'"));
      }
    }
  }

  static List<String> labelProblems(String value) {
    List<String> problems = new ArrayList<>();
    if (value.length() > 63) {
      problems.add("must be no more than 63 characters");
    }
    if (!LABEL.matcher(value).matches()) {
      problems.add(LABEL_MESSAGE);
    }
    return problems;
  }

  static List<String> subdomainProblems(String value) {
    List<String> problems = new ArrayList<>();
    if (value.length() > 253) {
      problems.add("must be no more than 253 characters");
    }
    if (!SUBDOMAIN.matcher(value).matches()) {
      problems.add(SUBDOMAIN_MESSAGE);
    }
    return problems;
  }

  private static void immutable(ObjectNode o, ObjectNode old, List<ApiException.Cause> causes) {
    if (old == null || !old.path("immutable").asBoolean(false)) {
      return;
    }
    for (String f : List.of("data", "stringData", "binaryData")) {
      if (!empty(o.path(f)).equals(empty(old.path(f)))) {
        causes.add(forbidden(f, IMMUTABLE_WHEN_SET));
      }
    }
    if (!o.path("immutable").asBoolean(false)) {
      causes.add(forbidden("immutable", IMMUTABLE_WHEN_SET));
    }
  }

  /** Keys of data and binaryData must be usable as file names. */
  private static void keys(ObjectNode o, List<ApiException.Cause> causes) {
    for (String f : List.of("data", "binaryData")) {
      for (Iterator<String> it = o.path(f).fieldNames(); it.hasNext(); ) {
        String key = it.next();
        String at = f + "[" + key + "]";
        if (!CONFIG_KEY.matcher(key).matches()) {
          causes.add(invalid(at, text(key), "a valid config key must consist of alphanumeric "
              + "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', "
              + "regex used for validation is '[-._a-zA-Z0-9]+')"));
        } else if (key.equals(".") || key.equals("..")) {
          causes.add(invalid(at, text(key), "must not be '" + key + "'"));
        } else if (key.startsWith("..")) {
          causes.add(invalid(at, text(key), "must not start with '..'"));
        }
        if (key.length() > 253) {
          causes.add(invalid(at, text(key), "must be no more than 253 characters"));
        }
      }
    }
  }

  private static JsonNode empty(JsonNode n) {
    return n.isMissingNode() || n.isNull() || n.isEmpty() ? Json.object() : n;
  }

  private static void service(JsonNode spec, JsonNode oldSpec, List<ApiException.Cause> causes) {
    if (oldSpec != null) {
      clusterIp(spec, oldSpec, causes);
    }
    JsonNode ports = spec.path("ports");
    boolean headless = "None".equals(spec.path("clusterIP").asText());
    if (ports.isEmpty() && !headless && !"ExternalName".equals(spec.path("type").asText())) {
      causes.add(required("spec.ports", ""));
    }
    Set<String> names = new HashSet<>();
    int i = 0;
    for (JsonNode port : ports) {
      String at = "spec.ports[" + i++ + "]";
      String name = port.path("name").asText("");
      if (ports.size() > 1 && name.isEmpty()) {
        causes.add(required(at + ".name", ""));
      } else if (!name.isEmpty()) {
        for (String problem : labelProblems(name)) {
          causes.add(invalid(at + ".name", port.get("name"), problem));
        }
        if (!names.add(name)) {
          causes.add(duplicate(at + ".name", port.get("name")));
        }
      }
      long number = port.path("port").asLong(0);
      if (number < 1 || number > 65535) {
        causes.add(invalid(at + ".port", port.path("port").isMissingNode()
            ? Json.MAPPER.getNodeFactory().numberNode(0) : port.get("port"),
            "must be between 1 and 65535, inclusive"));
      }
    }
  }

  private static void clusterIp(JsonNode spec, JsonNode oldSpec,
      List<ApiException.Cause> causes) {
    JsonNode before = oldSpec.path("clusterIPs");
    JsonNode now = spec.path("clusterIPs");
    boolean wasExternalName = "ExternalName".equals(oldSpec.path("type").asText());
    if (!wasExternalName && before.size() > 0 && now.size() > 0
        && !before.get(0).equals(now.get(0))) {
      causes.add(invalid("spec.clusterIPs[0]", now, "may not change once set"));
    }
  }

  /** A binding's role is fixed once made; the value is shown with the Go field names. */
  private static void roleRef(ObjectNode o, ObjectNode old, List<ApiException.Cause> causes) {
    if (old == null || o.path("roleRef").equals(old.path("roleRef"))) {
      return;
    }
    JsonNode ref = o.path("roleRef");
    ObjectNode shown = Json.object();
    shown.put("APIGroup", ref.path("apiGroup").asText(""));
    shown.put("Kind", ref.path("kind").asText(""));
    shown.put("Name", ref.path("name").asText(""));
    causes.add(invalid("roleRef", shown, "cannot change roleRef"));
  }

  private static void replicas(JsonNode spec, List<ApiException.Cause> causes) {
    JsonNode r = spec.path("replicas");
    if (r.isNumber() && r.asLong() < 0) {
      causes.add(invalid("spec.replicas", r, "must be greater than or equal to 0"));
    }
  }

  private static void deployment(JsonNode spec, JsonNode oldSpec,
      List<ApiException.Cause> causes) {
    replicas(spec, causes);
    selector(spec, "deployment", causes);
    templateMatches(spec, causes);
    podSpec(spec.path("template").path("spec"), "spec.template.spec", causes);
    String restart = spec.path("template").path("spec").path("restartPolicy").asText("Always");
    if (!restart.equals("Always")) {
      causes.add(notSupported("spec.template.spec.restartPolicy", restart, List.of("Always")));
    }
    JsonNode strategy = spec.path("strategy");
    if ("Recreate".equals(strategy.path("type").asText()) && strategy.has("rollingUpdate")) {
      causes.add(forbidden("spec.strategy.rollingUpdate",
          "may not be specified when strategy `type` is 'Recreate'"));
    }
    JsonNode rolling = strategy.path("rollingUpdate");
    if (rolling.isObject() && intOrPercent(rolling.path("maxUnavailable")) == 0
        && intOrPercent(rolling.path("maxSurge")) == 0) {
      causes.add(invalid("spec.strategy.rollingUpdate.maxUnavailable",
          rolling.path("maxUnavailable").isMissingNode() ? NullNode.instance
              : rolling.path("maxUnavailable"), "may not be 0 when `maxSurge` is 0"));
    }
    for (String f : List.of("minReadySeconds", "revisionHistoryLimit",
        "progressDeadlineSeconds")) {
      JsonNode v = spec.path(f);
      if (v.isNumber() && v.asLong() < 0) {
        causes.add(invalid("spec." + f, v, "must be greater than or equal to 0"));
      }
    }
    JsonNode deadline = spec.path("progressDeadlineSeconds");
    if (deadline.isNumber() && deadline.asLong() <= spec.path("minReadySeconds").asLong(0)) {
      causes.add(invalid("spec.progressDeadlineSeconds", deadline,
          "must be greater than minReadySeconds"));
    }
    if (oldSpec != null) {
      immutableField(spec, oldSpec, "selector", causes);
    }
  }

  private static void workload(String kind, JsonNode spec, JsonNode oldSpec,
      List<ApiException.Cause> causes) {
    if (!kind.equals("apps/DaemonSet")) {
      replicas(spec, causes);
    }
    // ReplicaSets word their empty selector as Deployments do.
    selector(spec, kind.equals("apps/ReplicaSet") ? "deployment"
        : kind.substring(5).toLowerCase(), causes);
    templateMatches(spec, causes);
    podSpec(spec.path("template").path("spec"), "spec.template.spec", causes);
    String restart = spec.path("template").path("spec").path("restartPolicy").asText("Always");
    if (!restart.equals("Always")) {
      causes.add(notSupported("spec.template.spec.restartPolicy", restart, List.of("Always")));
    }
    if (oldSpec == null) {
      return;
    }
    if (kind.equals("apps/StatefulSet")) {
      ObjectNode a = ((ObjectNode) spec).deepCopy();
      ObjectNode b = ((ObjectNode) oldSpec).deepCopy();
      for (String f : List.of("replicas", "ordinals", "template", "updateStrategy",
          "persistentVolumeClaimRetentionPolicy", "minReadySeconds")) {
        a.remove(f);
        b.remove(f);
      }
      if (!a.equals(b)) {
        causes.add(forbidden("spec", "updates to statefulset spec for fields other than "
            + "'replicas', 'ordinals', 'template', 'updateStrategy', "
            + "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
      }
    } else {
      immutableField(spec, oldSpec, "selector", causes);
    }
  }

  private static void job(JsonNode spec, JsonNode oldSpec, List<ApiException.Cause> causes) {
    JsonNode parallelism = spec.path("parallelism");
    if (parallelism.isNumber() && parallelism.asLong() < 0) {
      causes.add(invalid("spec.parallelism", parallelism, "must be greater than or equal to 0"));
    }
    if (!spec.has("selector")) {
      causes.add(required("spec.selector", ""));
    } else {
      templateMatches(spec, causes);
    }
    podSpec(spec.path("template").path("spec"), "spec.template.spec", causes);
    restartPolicy(spec.path("template").path("spec"), "spec.template.spec", causes);
    if (oldSpec != null) {
      immutableField(spec, oldSpec, "selector", causes);
      immutableField(spec, oldSpec, "completionMode", causes);
    }
  }

  private static void restartPolicy(JsonNode podSpec, String path,
      List<ApiException.Cause> causes) {
    String restart = podSpec.path("restartPolicy").asText("Always");
    if (!restart.equals("OnFailure") && !restart.equals("Never")) {
      causes.add(notSupported(path + ".restartPolicy", restart, List.of("OnFailure", "Never")));
    }
  }

  private static void selector(JsonNode spec, String what, List<ApiException.Cause> causes) {
    JsonNode selector = spec.path("selector");
    if (selector.isMissingNode() || selector.isNull()) {
      causes.add(required("spec.selector", ""));
    } else if (selector.path("matchLabels").size() + selector.path("matchExpressions").size()
        == 0) {
      causes.add(invalid("spec.selector", selector, "empty selector is invalid for " + what));
    }
  }

  /** Whether the selector selects the template's labels; no selector selects nothing. */
  private static void templateMatches(JsonNode spec, List<ApiException.Cause> causes) {
    JsonNode selector = spec.path("selector");
    JsonNode labels = spec.path("template").path("metadata").path("labels");
    boolean none = selector.isMissingNode() || selector.isNull();
    boolean empty = !none && selector.path("matchLabels").size()
        + selector.path("matchExpressions").size() == 0;
    if (empty) {
      return;
    }
    if (none || !selects(selector, labels)) {
      causes.add(invalid("spec.template.metadata.labels",
          labels.isMissingNode() ? NullNode.instance : labels,
          "`selector` does not match template `labels`"));
    }
  }

  private static boolean selects(JsonNode selector, JsonNode labels) {
    for (Iterator<Map.Entry<String, JsonNode>> it = selector.path("matchLabels").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    for (JsonNode r : selector.path("matchExpressions")) {
      String key = r.path("key").asText();
      boolean has = labels.has(key);
      String value = labels.path(key).asText();
      Set<String> values = new HashSet<>();
      r.path("values").forEach(v -> values.add(v.asText()));
      boolean ok = switch (r.path("operator").asText()) {
        case "In" -> has && values.contains(value);
        case "NotIn" -> !has || !values.contains(value);
        case "Exists" -> has;
        case "DoesNotExist" -> !has;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static void immutableField(JsonNode spec, JsonNode oldSpec, String field,
      List<ApiException.Cause> causes) {
    JsonNode now = spec.path(field);
    if (!now.equals(oldSpec.path(field))) {
      causes.add(invalid("spec." + field, now.isMissingNode() ? NullNode.instance : now,
          "field is immutable"));
    }
  }

  /** The checks of ValidatePodSpec whose messages clients meet most. */
  private static void podSpec(JsonNode spec, String path, List<ApiException.Cause> causes) {
    JsonNode containers = spec.path("containers");
    Set<String> names = new HashSet<>();
    if (containers.isEmpty()) {
      causes.add(required(path + ".containers", ""));
    } else {
      container(containers, path + ".containers", names, causes);
    }
    container(spec.path("initContainers"), path + ".initContainers", names, causes);
  }

  private static void container(JsonNode list, String path, Set<String> names,
      List<ApiException.Cause> causes) {
    int i = 0;
    for (JsonNode c : list) {
      String at = path + "[" + i++ + "]";
      String name = c.path("name").asText("");
      if (name.isEmpty()) {
        causes.add(required(at + ".name", ""));
      } else {
        for (String problem : labelProblems(name)) {
          causes.add(invalid(at + ".name", c.get("name"), problem));
        }
      }
      if (!name.isEmpty() && !names.add(name)) {
        causes.add(duplicate(at + ".name", c.get("name")));
      }
      if (c.path("image").asText("").isEmpty()) {
        causes.add(required(at + ".image", ""));
      }
      int p = 0;
      for (JsonNode port : c.path("ports")) {
        String portPath = at + ".ports[" + p++ + "].containerPort";
        JsonNode n = port.path("containerPort");
        if (!n.isNumber() || n.asLong() == 0) {
          causes.add(required(portPath, ""));
        } else if (n.asLong() < 1 || n.asLong() > 65535) {
          causes.add(invalid(portPath, n, "must be between 1 and 65535, inclusive"));
        }
      }
    }
  }

  // ---- field errors, worded as the real server words them ----

  static ApiException.Cause required(String field, String detail) {
    return new ApiException.Cause("FieldValueRequired",
        "Required value" + (detail.isEmpty() ? "" : ": " + detail), field);
  }

  static ApiException.Cause invalid(String field, JsonNode value, String detail) {
    return new ApiException.Cause("FieldValueInvalid", "Invalid value: " + value(value)
        + (detail.isEmpty() ? "" : ": " + detail), field);
  }

  static ApiException.Cause typeInvalid(String field, JsonNode value, String detail) {
    return new ApiException.Cause("FieldValueTypeInvalid", "Invalid value: " + value(value)
        + ": " + detail, field);
  }

  static ApiException.Cause forbidden(String field, String detail) {
    return new ApiException.Cause("FieldValueForbidden", "Forbidden: " + detail, field);
  }

  static ApiException.Cause duplicate(String field, JsonNode value) {
    return new ApiException.Cause("FieldValueDuplicate", "Duplicate value: " + value(value),
        field);
  }

  static ApiException.Cause notSupported(String field, String value, List<String> supported) {
    StringBuilder m = new StringBuilder("Unsupported value: ").append(quote(value))
        .append(": supported values: ");
    for (int i = 0; i < supported.size(); i++) {
      m.append(i == 0 ? "" : ", ").append(quote(supported.get(i)));
    }
    return new ApiException.Cause("FieldValueNotSupported", m.toString(), field);
  }

  /** A value as field errors print it: strings quoted, everything else as compact JSON. */
  static String value(JsonNode v) {
    if (v == null || v.isMissingNode() || v.isNull()) {
      return "null";
    }
    return v.toString();
  }

  static String quote(String s) {
    return Json.MAPPER.getNodeFactory().textNode(s).toString();
  }

  private static JsonNode text(String s) {
    return Json.MAPPER.getNodeFactory().textNode(s);
  }

  // ---- helpers ----

  private static String text(JsonNode n, String field) {
    return Json.text(n, field);
  }

  private static void putIfAbsent(ObjectNode o, String field, Object value) {
    if (o.has(field) && !(o.get(field).isNull() && value != null)) {
      return;
    }
    if (value == null) {
      o.putNull(field);
    } else if (value instanceof String s) {
      o.put(field, s);
    } else if (value instanceof Integer i) {
      o.put(field, i);
    } else if (value instanceof Boolean b) {
      o.put(field, b);
    } else {
      o.set(field, ((JsonNode) value).deepCopy());
    }
  }

  private static boolean contains(ArrayNode a, String v) {
    for (JsonNode n : a) {
      if (n.asText().equals(v)) {
        return true;
      }
    }
    return false;
  }

  private static int intOrPercent(JsonNode n) {
    if (n.isNumber()) {
      return n.asInt();
    }
    String s = n.asText("");
    if (s.endsWith("%")) {
      try {
        return Integer.parseInt(s.substring(0, s.length() - 1));
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return n.isMissingNode() || n.isNull() ? 0 : -1;
  }

  private static String suffix() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      b.append(SUFFIX_CHARS.charAt(RANDOM.nextInt(SUFFIX_CHARS.length())));
    }
    return b.toString();
  }
}
