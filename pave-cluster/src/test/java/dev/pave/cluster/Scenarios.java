package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the recorder did around some exchanges without recording it as an exchange: objects
 * it made before a file (lists.json has only reads), objects created between two reads, the
 * writes made while a watch was open (at the offsets the recorded events show), and etcd's
 * compaction. Each is written out here so that a replay does the same.
 */
final class Scenarios {
  /** A write made during a watch, {@code atMs} after the watch was opened. */
  record Timed(long atMs, String method, String path, String contentType, String body) {}

  private Scenarios() {}

  static void before(Recordings.Entry e, Cluster c) {
    if (e.file().equals("deletion.json")) {
      deletion(e, c);
    }
    discovery(e, c);
    writesAndPatches(e, c);
    if (e.file().equals("openapi.json") && e.index() == 0
        && c.store().get("apiextensions.k8s.io/customresourcedefinitions//widgets.tx.example.com")
        == null) {
      // the recorder's cluster served the Widget CRD that subresources.json creates
      try {
        JsonNode crd = Recordings.load("subresources.json").get(0).json().path("request")
            .path("body");
        write(c, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            (ObjectNode) crd.deepCopy());
      } catch (java.io.IOException x) {
        throw new IllegalStateException(x);
      }
      sleep(1500); // until the CRD is established and its group-version served
    }
    if (e.file().equals("admission.json") && e.index() == 0) {
      // the namespace the webhooks' and bindings' namespaceSelector tx-adm=yes picks
      label(c, "tx-adm", "{\"tx-adm\":\"yes\"}");
    }
    if (e.file().equals("admission.json") && e.index() == 25) {
      // the [Warn] and [Audit] bindings vap-warn and vap-audit act under (not recorded)
      for (String action : List.of("Warn", "Audit")) {
        String lower = action.toLowerCase();
        ObjectNode b = Json.object();
        b.put("apiVersion", "admissionregistration.k8s.io/v1");
        b.put("kind", "ValidatingAdmissionPolicyBinding");
        b.putObject("metadata").put("name", "tx-vap-" + lower);
        ObjectNode spec = b.putObject("spec");
        spec.put("policyName", "tx-no-forbidden-key");
        spec.putArray("validationActions").add(action);
        ObjectNode match = spec.putObject("matchResources");
        match.putObject("namespaceSelector").putObject("matchLabels").put("tx-adm", "yes");
        match.putObject("objectSelector").putObject("matchLabels").put("vap", lower);
        write(c, "POST", "/apis/admissionregistration.k8s.io/v1/"
            + "validatingadmissionpolicybindings", b);
      }
    }
    if (e.file().equals("admission.json") && e.index() == 32) {
      // the recorder listed the ReplicaSets once the controller had looked at its new one
      waitFor(() -> c.store().list("apps/replicasets/tx-psa-enforce/").items().stream()
          .anyMatch(rs -> rs.path("status").has("observedGeneration")));
    }
    if (e.file().equals("admission.json") && e.index() == 35) {
      // the recorder labelled the namespace once the Deployment priv had made its pod
      waitFor(() -> c.store().list("/pods/tx-psa-warn/").items().size() >= 2);
    }
    if (e.file().equals("admission.json") && e.index() == 30) {
      label(c, "tx-psa-enforce", "{\"pod-security.kubernetes.io/enforce\":\"restricted\","
          + "\"pod-security.kubernetes.io/warn\":\"restricted\"}");
      label(c, "tx-psa-warn", "{\"pod-security.kubernetes.io/warn\":\"baseline\"}");
    }
    if (e.file().equals("deployments.json")) {
      deployments(e, c);
    }
    if (e.file().equals("lists.json") && e.index() == 0) {
      ObjectNode ns = Json.object();
      ns.putObject("metadata").put("name", "tx-list-2");
      write(c, "POST", "/api/v1/namespaces", ns);
      for (String[] cm : new String[][] {{"tx-list", "cm-a", "app=web,tier=front"},
          {"tx-list", "cm-b", "app=web,tier=back"}, {"tx-list", "cm-c", "app=db"},
          {"tx-list", "cm-d", ""}, {"tx-list", "cm-e", "app=db,env=prod"},
          {"tx-list-2", "cm-x", "app=web"}}) {
        configMap(c, cm[0], cm[1], cm[2]);
      }
      for (String page : List.of("page-0", "page-1", "page-2", "page-3", "page-4", "page-5",
          "page-9")) {
        configMap(c, "tx-list", page, "paged=yes");
      }
      pod(c, "p-running", false);
      pod(c, "p-pending", true);
      sleep(1500); // let the scheduler stand-in place p-running
    }
    if (e.file().equals("lists.json") && e.name().equals("page-1-with-selector")) {
      // the recorder removed page-9 here and made it again once page 1 was served
      c.handle(new Request("DELETE", "/api/v1/namespaces/tx-list/configmaps/page-9", Map.of(),
          Map.of(), new byte[0], User.ADMIN));
    }
    if (e.file().equals("lists.json") && e.name().equals("watch-selector-leave-enter")) {
      configMap(c, "tx-list", "sel-1", "color=red");
    }
    if (e.file().equals("lists.json") && e.name().equals("watch-single-object")) {
      configMap(c, "tx-list", "one", "");
    }
    if (e.file().equals("lists.json") && e.name().equals("continue-expired")) {
      c.store().compact();
    }
  }

  /** deletion.json: what its entries delete, read and own, made as the recorder made them. */
  private static void deletion(Recordings.Entry e, Cluster c) {
    String ns = "tx-del";
    switch (e.name().isEmpty() ? "" : String.valueOf(e.index())) {
      case "0" -> {
        for (String d : List.of("fg", "bg", "orph")) {
          deployment(c, ns, d, 2, "testbed/runs-pods");
        }
        waitFor(() -> List.of("fg", "bg", "orph").stream().allMatch(d -> ready(c, ns, d, 2)));
      }
      // the recorder's read came after the deployment controller had synced the deleting
      // Deployment's status (observedGeneration 2)
      case "2" -> waitFor(() -> observed(c, ns, "fg", 2), 5_000);
      case "12" -> configMap(c, ns, "owner", "");
      case "15" -> {
        ObjectNode w = Json.object();
        w.put("apiVersion", "tx.example.com/v1");
        w.put("kind", "Widget");
        w.putObject("metadata").put("name", "wown");
        w.putObject("spec").put("size", "small");
        write(c, "POST", "/apis/tx.example.com/v1/namespaces/" + ns + "/widgets", w);
      }
      case "21" -> {
        ObjectNode other = Json.object();
        other.putObject("metadata").put("name", "tx-del-other");
        write(c, "POST", "/api/v1/namespaces", other);
        configMap(c, "tx-del-other", "remote-owner", "");
      }
      case "33" -> {
        configMap(c, ns, "fg-owner", "");
        String uid = c.store().get("/configmaps/" + ns + "/fg-owner").path("metadata")
            .path("uid").asText();
        for (boolean block : List.of(true, false)) {
          ObjectNode o = Json.object();
          o.put("apiVersion", "v1");
          o.put("kind", "ConfigMap");
          ObjectNode m = o.putObject("metadata");
          m.put("name", block ? "blocker" : "nonblocker");
          if (block) {
            m.putArray("finalizers").add("tx.example.com/hold");
          }
          m.putArray("ownerReferences").addObject().put("apiVersion", "v1")
              .put("kind", "ConfigMap").put("name", "fg-owner").put("uid", uid)
              .put("blockOwnerDeletion", block);
          write(c, "POST", "/api/v1/namespaces/" + ns + "/configmaps", o);
        }
      }
      case "36" -> c.handle(new Request("PATCH", "/api/v1/namespaces/" + ns
          + "/configmaps/blocker", Map.of(), Map.of("content-type",
          "application/merge-patch+json"), "{\"metadata\":{\"finalizers\":null}}"
          .getBytes(java.nio.charset.StandardCharsets.UTF_8), User.ADMIN));
      case "37" -> {
        ObjectNode node = Json.object();
        node.put("apiVersion", "v1");
        node.put("kind", "Node");
        node.putObject("metadata").put("name", "fake-idle");
        write(c, "POST", "/api/v1/nodes", node);
        pod(c, ns, "bound", "fake-idle", false);
        unboundPod(c, ns, "unbound");
        pod(c, ns, "bound2", "fake-idle", false);
      }
      case "41" -> sleep(5500); // the 5 s grace period runs out
      case "47" -> {
        configMap(c, ns, "dc-a1", "group=a");
        configMap(c, ns, "dc-a2", "group=a");
        ObjectNode held = Json.object();
        held.put("apiVersion", "v1");
        held.put("kind", "ConfigMap");
        held.putObject("metadata").put("name", "dc-a3").putArray("finalizers")
            .add("tx.example.com/hold");
        ((ObjectNode) held.get("metadata")).putObject("labels").put("group", "a");
        write(c, "POST", "/api/v1/namespaces/" + ns + "/configmaps", held);
        configMap(c, ns, "dc-b1", "group=b");
      }
      default -> { }
    }
  }

  /**
   * A node whose kubelet never runs its pods, as the recorder's fake-idle. The recorded
   * cluster had two nodes, the pod-running one and this one, which the scheduler refused for
   * a taint ("0/2 nodes are available: ... 1 node(s) had untolerated taint(s)"): it stands in
   * for the embedded cluster's tainted control-plane node, which is removed.
   */
  static void idleNode(Cluster c) {
    c.handle(new Request("DELETE", "/api/v1/nodes/" + PodLifecycle.CONTROL_PLANE, Map.of(),
        Map.of(), new byte[0], User.ADMIN));
    ObjectNode node = Json.object();
    node.put("apiVersion", "v1");
    node.put("kind", "Node");
    node.putObject("metadata").put("name", "fake-idle");
    node.putObject("spec").putArray("taints").addObject().put("key", "testbed/idle")
        .put("effect", "NoSchedule");
    write(c, "POST", "/api/v1/nodes", node);
  }

  /** writes.json, patches.json and subresources.json: the objects their entries act on. */
  private static void writesAndPatches(Recordings.Entry e, Cluster c) {
    String at = e.file() + "#" + e.index();
    switch (at) {
      // the deployment controller writes status first, which makes the client's version stale
      case "writes.json#16" -> waitFor(() -> observed(c, "tx-main", "web-immut", 1), 10_000);
      case "writes.json#38" -> configMap(c, "tx-main", "dry-del", "", "a", "b");
      case "writes.json#42" -> configMap(c, "tx-main", "del-pre", "", "a", "b");
      // the recorder read these once the deployment controller had caught up
      // read once the controller had counted the pods of the old (3) and new (1) ReplicaSets
      case "subresources.json#41" -> waitFor(() -> caughtUp(c, "tx-subres", "web")
          && c.store().get("apps/deployments/tx-subres/web").path("status").path("replicas")
              .asInt() == 4, 10_000);
      // the recorder scaled once the controller had counted the new ReplicaSet's pod (3 + 1)
      case "subresources.json#33" -> waitFor(() -> caughtUp(c, "tx-subres", "web")
          && c.store().get("apps/deployments/tx-subres/web").path("status").path("replicas")
              .asInt() == 4, 10_000);
      // the recorder read it once the controller had counted the ReplicaSet's pods
      case "subresources.json#26" -> waitFor(() -> caughtUp(c, "tx-subres", "web")
          && c.store().get("apps/deployments/tx-subres/web").path("status").path("replicas")
              .asInt() == 2, 10_000);
      case "subresources.json#28" -> waitFor(() -> caughtUp(c, "tx-subres", "web")
          && c.store().get("apps/deployments/tx-subres/web").path("status").path("replicas")
              .asInt() != 42, 10_000);
      // the pod the events are about, which no node's labels select: the scheduler's
      // FailedScheduling event is among those listed
      case "events.json#0" -> {
        unboundPod(c, "tx-ev", "ev-pod");
        waitFor(() -> c.store().list("/events/tx-ev/").items().size() > 0, 5_000);
      }
      // what the service account's token lists
      case "auth.json#9" -> configMap(c, "tx-auth", "visible", "", "a", "1");
      // read once the controller had observed generation 2 and counted the third pod
      case "subresources.json#29" -> waitFor(() -> observed(c, "tx-subres", "web", 2)
          && c.store().get("apps/deployments/tx-subres/web").path("status").path("replicas")
              .asInt() == 3, 10_000);
      // the scale to 1 came once the controller had scaled the ReplicaSets for 4 replicas:
      // the recorded end state (old ReplicaSet 3, new 1) is what proportional scaling from
      // there gives, not what it gives from 3
      case "subresources.json#35" -> waitFor(() -> c.store().list("apps/replicasets/tx-subres/")
          .items().stream().anyMatch(rs -> "4".equals(rs.path("metadata").path("annotations")
              .path("deployment.kubernetes.io/desired-replicas").asText(null))), 5_000);
      case "patches.json#0" -> {
        ObjectNode mp = Json.object();
        mp.put("apiVersion", "v1");
        mp.put("kind", "ConfigMap");
        mp.putObject("metadata").put("name", "mp").putObject("labels").put("x", "1")
            .put("y", "2");
        mp.putObject("data").put("a", "1").put("b", "2");
        write(c, "POST", "/api/v1/namespaces/tx-main/configmaps", mp);
      }
      case "patches.json#5" -> {
        ObjectNode jp = Json.object();
        jp.put("apiVersion", "v1");
        jp.put("kind", "ConfigMap");
        jp.putObject("metadata").put("name", "jp");
        jp.putObject("data").put("a", "1");
        write(c, "POST", "/api/v1/namespaces/tx-main/configmaps", jp);
      }
      case "patches.json#13" -> {
        ObjectNode d = Json.object();
        d.put("apiVersion", "apps/v1");
        d.put("kind", "Deployment");
        d.putObject("metadata").put("name", "web-smp");
        ObjectNode spec = d.putObject("spec");
        spec.put("replicas", 1);
        spec.putObject("selector").putObject("matchLabels").put("app", "web-smp");
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", "web-smp");
        ObjectNode ps = template.putObject("spec");
        ps.put("nodeName", "fake-idle");
        var containers = ps.putArray("containers");
        ObjectNode web = containers.addObject().put("name", "web")
            .put("image", "registry.example/web:1.0");
        web.putArray("ports").addObject().put("name", "http").put("containerPort", 8080);
        containers.addObject().put("name", "sidecar").put("image", "registry.example/proxy:1.0");
        write(c, "POST", "/apis/apps/v1/namespaces/tx-main/deployments", d);
      }
      // managedFields sort by whole seconds, then by manager: the recorder's #19 (pave's
      // apply) and #24 (other's forced one) fell within one second, as their order shows;
      // the replay's do too when #19 starts as a second begins (the six take ~100-300 ms)
      case "patches.json#19" -> sleep(1000 - System.currentTimeMillis() % 1000 + 5);
      case "patches.json#32" -> c.handle(new Request("PATCH",
          "/apis/apps/v1/namespaces/tx-main/deployments/web-ssa/scale",
          Map.of("fieldManager", List.of("kubectl-scale")), Map.of("content-type",
          "application/merge-patch+json"), "{\"spec\":{\"replicas\":3}}"
          .getBytes(java.nio.charset.StandardCharsets.UTF_8), User.ADMIN));
      case "subresources.json#21" -> {
        ObjectNode w = Json.object();
        w.put("apiVersion", "tx.example.com/v1");
        w.put("kind", "Widget");
        w.putObject("metadata").put("name", "w2");
        w.putObject("spec").put("size", "small");
        write(c, "POST", "/apis/tx.example.com/v1/namespaces/tx-subres/widgets", w);
      }
      default -> { }
    }
  }

  private static void label(Cluster c, String ns, String labels) {
    c.handle(new Request("PATCH", "/api/v1/namespaces/" + ns, Map.of(), Map.of("content-type",
        "application/merge-patch+json"), ("{\"metadata\":{\"labels\":" + labels + "}}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8), User.ADMIN));
  }

  /** Entries that continue a list from an earlier page than the last one. */
  static String continueFrom(Recordings.Entry e) {
    return e.file().equals("lists.json") && (e.name().equals("continue-with-resourceversion")
        || e.name().equals("continue-expired")) ? "page-1-with-selector" : null;
  }

  /** discovery.json and namespaces.json: objects made during timelines, and waits. */
  private static void discovery(Recordings.Entry e, Cluster c) {
    if (e.file().equals("discovery.json") && e.name().equals("cr-get")) {
      ObjectNode sm = Json.object();
      sm.put("apiVersion", "monitoring.tx.example.com/v1");
      sm.put("kind", "ServiceMonitor");
      sm.putObject("metadata").put("name", "web");
      ObjectNode spec = sm.putObject("spec");
      spec.putArray("endpoints").addObject().put("interval", "30s").put("port", "http");
      spec.putObject("selector").putObject("matchLabels").put("app", "web");
      write(c, "POST", "/apis/monitoring.tx.example.com/v1/namespaces/tx-main/servicemonitors",
          sm);
    }
    if (e.file().equals("discovery.json") && e.name().equals("after-crd-delete")) {
      sleep(1500); // the recorder read it once the controllers had done their part
    }
    // The recorder polled these until the namespace controller had acted (5.2 s there): so
    // does the replay, for the state it polled for, however long a loaded machine makes it.
    if (e.file().equals("namespaces.json")
        && e.name().equals("namespace-terminating-conditions")) {
      waitFor(() -> {
        ObjectNode ns = c.store().get("/namespaces//tx-term");
        // all content deleted but the held ConfigMap, whose finalizer is noted
        return ns != null && ns.path("status").path("conditions").toString()
            .contains("Some resources are remaining: configmaps. has 1 resource instances")
            && ns.path("status").path("conditions").findValuesAsText("type")
            .contains("NamespaceFinalizersRemaining");
      });
    }
    if (e.file().equals("namespaces.json") && e.name().equals("namespace-gone")) {
      waitFor(() -> c.store().get("/namespaces//tx-term") == null);
    }
  }

  /** deployments.json: the paused Deployment its later entries patch. */
  private static void deployments(Recordings.Entry e, Cluster c) {
    if (e.index() == 25) {
      // as the recorded p-pause answer shows it: one replica, container "web", grace default
      ObjectNode d = Json.object();
      d.put("apiVersion", "apps/v1");
      d.put("kind", "Deployment");
      d.putObject("metadata").put("name", "web-p");
      ObjectNode spec = d.putObject("spec");
      spec.put("replicas", 1);
      spec.putObject("selector").putObject("matchLabels").put("app", "web-p");
      ObjectNode template = spec.putObject("template");
      template.putObject("metadata").putObject("labels").put("app", "web-p");
      ObjectNode ps = template.putObject("spec");
      ps.putObject("nodeSelector").put("testbed/runs-pods", "true");
      ps.putArray("containers").addObject().put("name", "web").put("image", "nginx:1.27");
      write(c, "POST", "/apis/apps/v1/namespaces/tx-dep/deployments", d);
      waitFor(() -> ready(c, "tx-dep", "web-p", 1));
    }
    if (e.index() == 26) {
      // the recorder read the paused Deployment once its controller had observed the pause
      waitFor(() -> {
        ObjectNode d = c.store().get("apps/deployments/tx-dep/web-p");
        return d != null && d.path("status").path("observedGeneration").asLong()
            == d.path("metadata").path("generation").asLong();
      });
    }
    if (e.index() == 28 || e.index() == 30) {
      sleep(2500);
    }
  }

  private static void deployment(Cluster c, String ns, String name, int replicas,
      String nodeLabel) {
    ObjectNode d = Json.object();
    d.put("apiVersion", "apps/v1");
    d.put("kind", "Deployment");
    d.putObject("metadata").put("name", name);
    ObjectNode spec = d.putObject("spec");
    spec.put("replicas", replicas);
    spec.putObject("selector").putObject("matchLabels").put("app", name);
    ObjectNode template = spec.putObject("template");
    template.putObject("metadata").putObject("labels").put("app", name);
    ObjectNode ps = template.putObject("spec");
    ps.putObject("nodeSelector").put(nodeLabel, "true");
    ps.put("terminationGracePeriodSeconds", 5);
    ps.putArray("containers").addObject().put("name", "c").put("image", "nginx:1.27");
    write(c, "POST", "/apis/apps/v1/namespaces/" + ns + "/deployments", d);
  }

  private static boolean ready(Cluster c, String ns, String name, int replicas) {
    ObjectNode d = c.store().get("apps/deployments/" + ns + "/" + name);
    return d != null && d.path("status").path("availableReplicas").asInt() == replicas;
  }

  /** Whether the controller has observed the Deployment's current generation. */
  private static boolean caughtUp(Cluster c, String ns, String name) {
    ObjectNode d = c.store().get("apps/deployments/" + ns + "/" + name);
    return d != null && d.path("status").path("observedGeneration").asLong()
        == d.path("metadata").path("generation").asLong();
  }

  private static boolean observed(Cluster c, String ns, String name, long generation) {
    ObjectNode d = c.store().get("apps/deployments/" + ns + "/" + name);
    return d != null && d.path("status").path("observedGeneration").asLong() >= generation;
  }

  private static void waitFor(java.util.function.BooleanSupplier done) {
    waitFor(done, 20_000);
  }

  private static void waitFor(java.util.function.BooleanSupplier done, long millis) {
    long end = System.currentTimeMillis() + millis;
    while (!done.getAsBoolean() && System.currentTimeMillis() < end) {
      sleep(100);
    }
  }

  static void after(Recordings.Entry e, Cluster c) {
    if (e.file().equals("lists.json") && e.name().equals("page-1-with-selector")) {
      configMap(c, "tx-list", "page-9", "paged=yes");
    }
  }

  /** Writes to make while a watch entry's stream is open. */
  static List<Timed> during(Recordings.Entry e) {
    String cms = "/api/v1/namespaces/tx-list/configmaps";
    String merge = "application/merge-patch+json";
    if (!e.file().equals("lists.json")) {
      return List.of();
    }
    return switch (e.name()) {
      case "watch-events" -> List.of(
          new Timed(500, "POST", cms, "application/json", "{\"apiVersion\":\"v1\",\"kind\":"
              + "\"ConfigMap\",\"metadata\":{\"name\":\"w-1\",\"labels\":{\"w\":\"1\"}},"
              + "\"data\":{\"a\":\"1\"}}"),
          new Timed(800, "PATCH", cms + "/w-1", merge, "{\"data\":{\"a\":\"2\"}}"),
          new Timed(1100, "DELETE", cms + "/w-1", "application/json", ""));
      case "watch-selector-leave-enter" -> List.of(
          new Timed(400, "PATCH", cms + "/sel-1", merge,
              "{\"metadata\":{\"labels\":{\"color\":\"blue\"}}}"),
          new Timed(700, "PATCH", cms + "/sel-1", merge, "{\"data\":{\"a\":\"2\"}}"),
          new Timed(1000, "PATCH", cms + "/sel-1", merge,
              "{\"metadata\":{\"labels\":{\"color\":\"red\"}}}"),
          new Timed(1300, "DELETE", cms + "/sel-1", "application/json", ""));
      case "watch-single-object" -> List.of(
          new Timed(400, "PATCH", cms + "/one", merge, "{\"data\":{\"a\":\"2\"}}"),
          new Timed(600, "DELETE", cms + "/one", "application/json", ""));
      default -> List.of();
    };
  }

  private static void configMap(Cluster c, String ns, String name, String labels) {
    configMap(c, ns, name, labels, name.equals("sel-1") || name.equals("one") ? "a" : "k",
        name.equals("sel-1") || name.equals("one") ? "1" : name);
  }

  private static void configMap(Cluster c, String ns, String name, String labels, String key,
      String value) {
    ObjectNode o = Json.object();
    o.put("apiVersion", "v1");
    o.put("kind", "ConfigMap");
    ObjectNode m = o.putObject("metadata");
    m.put("name", name);
    if (!labels.isEmpty()) {
      ObjectNode l = m.putObject("labels");
      for (String kv : labels.split(",")) {
        l.put(kv.split("=")[0], kv.split("=")[1]);
      }
    }
    o.putObject("data").put(key, value);
    write(c, "POST", "/api/v1/namespaces/" + ns + "/configmaps", o);
  }

  /** deletion.json's pod that no node's labels select (as its recorded answer shows). */
  private static void unboundPod(Cluster c, String ns, String name) {
    ObjectNode o = Json.object();
    o.put("apiVersion", "v1");
    o.put("kind", "Pod");
    o.putObject("metadata").put("name", name).putObject("labels").put("app", "p");
    ObjectNode spec = o.putObject("spec");
    spec.putObject("nodeSelector").put("no-such", "node");
    spec.putArray("containers").addObject().put("name", "c").put("image", "nginx:1.27");
    write(c, "POST", "/api/v1/namespaces/" + ns + "/pods", o);
  }

  private static void pod(Cluster c, String name, boolean unschedulable) {
    pod(c, "tx-list", name, null, unschedulable);
  }

  private static void pod(Cluster c, String ns, String name, String node,
      boolean unschedulable) {
    ObjectNode o = Json.object();
    o.put("apiVersion", "v1");
    o.put("kind", "Pod");
    o.putObject("metadata").put("name", name).putObject("labels").put("app", "p");
    ObjectNode container = o.putObject("spec").putArray("containers").addObject();
    container.put("name", "c");
    container.put("image", ns.equals("tx-del") ? "nginx:1.27" : "registry.example/app:1.0");
    if (unschedulable) {
      container.putObject("resources").putObject("requests").put("cpu", "1000");
    }
    if (node != null) {
      ((ObjectNode) o.get("spec")).put("nodeName", node);
    }
    write(c, "POST", "/api/v1/namespaces/" + ns + "/pods", o);
  }

  static void write(Cluster c, String method, String path, ObjectNode body) {
    Response r = c.handle(new Request(method, path, Map.of(), Map.of("content-type",
        "application/json"), Json.bytes(body), User.ADMIN));
    if (r.status() >= 300 && r.status() != 409) {
      throw new IllegalStateException(method + " " + path + ": " + r.status() + " "
          + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static List<Timed> none() {
    return new ArrayList<>();
  }
}
