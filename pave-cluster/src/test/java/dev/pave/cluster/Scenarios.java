package dev.pave.cluster;

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
    o.putObject("data").put(name.equals("sel-1") || name.equals("one") ? "a" : "k",
        name.equals("sel-1") || name.equals("one") ? "1" : name);
    write(c, "POST", "/api/v1/namespaces/" + ns + "/configmaps", o);
  }

  private static void pod(Cluster c, String name, boolean unschedulable) {
    ObjectNode o = Json.object();
    o.put("apiVersion", "v1");
    o.put("kind", "Pod");
    o.putObject("metadata").put("name", name).putObject("labels").put("app", "p");
    ObjectNode container = o.putObject("spec").putArray("containers").addObject();
    container.put("name", "c");
    container.put("image", "registry.example/app:1.0");
    if (unschedulable) {
      container.putObject("resources").putObject("requests").put("cpu", "1000");
    }
    write(c, "POST", "/api/v1/namespaces/tx-list/pods", o);
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
