package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Replays a recorded timeline ({@code method: "POLL"}) for real: the action it follows is the
 * entry replayed just before (a DELETE, a create, a finalizer removed by a scenario), so this
 * polls the embedded API every 50 ms, as the recorder polled the real one every ~100 ms (the
 * first time at the recorded first offset, as the recorder did), and compares the sequence of
 * distinct states each probe went through with the recorded one.
 *
 * <p>Milliseconds are not compared, only order and content: every recorded state must be seen,
 * in the recorded order, with nothing in between that the real server never showed; and the
 * last one must be reached within a generous bound (three times its recorded offset plus two
 * seconds) and then held.
 */
final class Timelines {
  private static final long POLL_MS = 50;

  private Timelines() {}

  /** How one probe reads its state: a summary JSON value, or text such as "404 NotFound". */
  private record Probe(String name, Supplier<JsonNode> read) {}

  /** The differences found, or null where this entry's timeline cannot be replayed here. */
  static List<String> replay(Recordings.Entry e, Cluster c) {
    List<Probe> probes = probes(e, c);
    if (probes == null) {
      return null;
    }
    JsonNode recorded = e.json().path("response").path("body").path("probes");
    long last = 0;
    for (Iterator<JsonNode> it = recorded.elements(); it.hasNext(); ) {
      for (JsonNode s : it.next()) {
        last = Math.max(last, s.path("atMs").asLong());
      }
    }
    long bound = 3 * last + 2000;
    long hold = last + 500;
    Map<String, List<JsonNode>> seen = new LinkedHashMap<>();
    Map<String, List<Long>> at = new LinkedHashMap<>();
    for (Probe p : probes) {
      seen.put(p.name(), new ArrayList<>());
      at.put(p.name(), new ArrayList<>());
    }
    // The recorder's first poll came a few ms after the action (its first offset); reading
    // sooner would catch a controller in the middle of a change the recorder never saw.
    long first = Long.MAX_VALUE;
    for (Iterator<JsonNode> it = recorded.elements(); it.hasNext(); ) {
      JsonNode states = it.next();
      if (states.size() > 0) {
        first = Math.min(first, states.get(0).path("atMs").asLong());
      }
    }
    long start = System.nanoTime();
    if (first != Long.MAX_VALUE && first > 0) {
      Scenarios.sleep(first);
    }
    while (true) {
      long elapsed = (System.nanoTime() - start) / 1_000_000;
      for (Probe p : probes) {
        JsonNode state = p.read().get();
        List<JsonNode> states = seen.get(p.name());
        if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
          states.add(state);
          at.get(p.name()).add(elapsed);
        }
      }
      boolean settled = true;
      for (Probe p : probes) {
        JsonNode want = recorded.path(p.name());
        List<JsonNode> states = seen.get(p.name());
        settled &= want.size() > 0 && states.get(states.size() - 1)
            .equals(want.get(want.size() - 1).path("state"));
      }
      if (settled && elapsed >= hold || elapsed >= bound) {
        break;
      }
      Scenarios.sleep(POLL_MS);
    }
    List<String> diffs = new ArrayList<>();
    for (Probe p : probes) {
      List<JsonNode> want = new ArrayList<>();
      recorded.path(p.name()).forEach(s -> want.add(s.path("state")));
      List<JsonNode> got = seen.get(p.name());
      if (!want.equals(got)) {
        diffs.add(p.name() + ": states " + describe(got, at.get(p.name())) + ", recorded "
            + describe(want, recordedOffsets(recorded.path(p.name()))));
      }
    }
    return diffs;
  }

  /** Why an entry's timeline is not replayed. */
  static String whyNot(Recordings.Entry e) {
    if (e.file().equals("discovery.json")) {
      return "probes sent concurrently with the CRD POST of the entry before (first ~50 ms: "
          + "404/429 storage initializing, a POST blocking ~2 s); the replay cannot start "
          + "them together with that POST, and the embedded API serves a CRD at once";
    }
    return "a timeline of polled states with no probes defined for it; the replay waits as "
        + "long as it lasted";
  }

  private static List<Long> recordedOffsets(JsonNode states) {
    List<Long> out = new ArrayList<>();
    states.forEach(s -> out.add(s.path("atMs").asLong()));
    return out;
  }

  private static String describe(List<JsonNode> states, List<Long> offsets) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < states.size(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(offsets.get(i)).append("ms ").append(states.get(i));
    }
    return b.append(']').toString();
  }

  // ---- what each recorded timeline polled ----

  private static List<Probe> probes(Recordings.Entry e, Cluster c) {
    if (!e.file().equals("deletion.json")) {
      return null;
    }
    String ns = "/namespaces/tx-del";
    return switch (e.name()) {
      case "foreground-timeline" -> deploymentProbes(c, "fg", true);
      case "background-timeline" -> deploymentProbes(c, "bg", false);
      case "orphan-timeline" -> deploymentProbes(c, "orph", true);
      case "configmap-child-collected" -> List.of(object(c, "child",
          "/api/v1" + ns + "/configmaps/child"));
      case "cr-child-collected" -> List.of(object(c, "child",
          "/api/v1" + ns + "/configmaps/cr-child"));
      case "missing-owner-collected" -> List.of(object(c, "child",
          "/api/v1" + ns + "/configmaps/ghost-child"));
      case "cross-namespace-owner-outcome" -> List.of(object(c, "child",
          "/api/v1" + ns + "/configmaps/xns-child"));
      case "blockOwnerDeletion-timeline" -> List.of(
          object(c, "owner", "/api/v1" + ns + "/configmaps/fg-owner"),
          object(c, "blocker", "/api/v1" + ns + "/configmaps/blocker"),
          object(c, "nonblocker", "/api/v1" + ns + "/configmaps/nonblocker"));
      case "blockOwnerDeletion-release" -> List.of(
          object(c, "owner", "/api/v1" + ns + "/configmaps/fg-owner"),
          object(c, "blocker", "/api/v1" + ns + "/configmaps/blocker"));
      default -> null;
    };
  }

  /** The Deployment (unless it is already gone), its ReplicaSet and the number of its pods. */
  private static List<Probe> deploymentProbes(Cluster c, String name, boolean deployment) {
    String ns = "/namespaces/tx-del";
    List<Probe> out = new ArrayList<>();
    if (deployment) {
      out.add(object(c, "deployment", "/apis/apps/v1" + ns + "/deployments/" + name));
    }
    // the recorder polled the ReplicaSet by name; its pods carry the template label app=<name>
    out.add(new Probe("replicaset", () -> {
      JsonNode items = list(c, "/apis/apps/v1" + ns + "/replicasets?labelSelector=app%3D" + name);
      return items.size() == 0 ? TextNode.valueOf("404 NotFound") : summary(items.get(0));
    }));
    out.add(new Probe("pods", () -> Json.MAPPER.getNodeFactory().numberNode(
        list(c, "/api/v1" + ns + "/pods?labelSelector=app%3D" + name).size())));
    return out;
  }

  private static Probe object(Cluster c, String name, String path) {
    return new Probe(name, () -> {
      Response r = get(c, path);
      if (r.status() == 404) {
        return TextNode.valueOf("404 NotFound");
      }
      return summary(parse(r));
    });
  }

  /**
   * The fields the recorder noted of an object, each only where the object has it:
   * deletionTimestamp (as the placeholder), finalizers, ownerReferences (kind, name,
   * blockOwnerDeletion) and the replica counts.
   */
  static JsonNode summary(JsonNode o) {
    ObjectNode s = Json.object();
    JsonNode meta = o.path("metadata");
    if (meta.hasNonNull("deletionTimestamp")) {
      s.put("deletionTimestamp", "<time>");
    }
    if (meta.path("finalizers").size() > 0) {
      s.set("finalizers", meta.get("finalizers").deepCopy());
    }
    if (meta.path("ownerReferences").size() > 0) {
      ArrayNode refs = s.putArray("ownerReferences");
      for (JsonNode r : meta.get("ownerReferences")) {
        ObjectNode ref = refs.addObject();
        ref.put("kind", r.path("kind").asText());
        ref.put("name", r.path("name").asText());
        ref.set("blockOwnerDeletion", r.hasNonNull("blockOwnerDeletion")
            ? r.get("blockOwnerDeletion") : Json.MAPPER.getNodeFactory().nullNode());
      }
    }
    if (o.path("status").has("replicas")) {
      s.set("status.replicas", o.path("status").get("replicas"));
    }
    if (o.path("spec").has("replicas")) {
      s.set("spec.replicas", o.path("spec").get("replicas"));
    }
    return s;
  }

  private static JsonNode list(Cluster c, String path) {
    return parse(get(c, path)).path("items");
  }

  private static Response get(Cluster c, String path) {
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (path.contains("?")) {
      for (String kv : path.substring(path.indexOf('?') + 1).split("&")) {
        String[] p = kv.split("=", 2);
        query.computeIfAbsent(p[0], k -> new ArrayList<>()).add(
            java.net.URLDecoder.decode(p[1], java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return c.handle(new Request("GET", bare, query, Map.of("accept", "application/json"),
        new byte[0], User.ADMIN));
  }

  private static JsonNode parse(Response r) {
    try {
      return Json.parse(r.body());
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }
}
