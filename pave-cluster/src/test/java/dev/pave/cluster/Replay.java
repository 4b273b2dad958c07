package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replays recorded exchanges over HTTP against an embedded cluster and compares each answer
 * with the recorded one: the status code; for Status bodies the message, reason, code and
 * details; for objects every recorded field (placeholders such as {@code <uid>} match any
 * value, {@code <trimmed...>} anything); Warning headers; and plain-text bodies exactly.
 *
 * <p>Placeholders in requests are filled from what this replay has seen: {@code <rv>} and
 * {@code <uid>} with the object's current values (or, where the entry is about a stale
 * version, the one before), {@code <continue>} with the last continue token a list returned.
 */
final class Replay {
  /** The outcome of one entry. */
  record Outcome(Recordings.Entry entry, Kind kind, List<String> differences) {}

  enum Kind { MATCH, DIFF, NOT_REPLAYED }

  private static final Pattern PLACEHOLDER = Pattern.compile("<[a-zA-Z][^<>\"]*>");
  private static final Pattern NAMESPACE = Pattern.compile("/namespaces/([a-z0-9-]+)");

  private final Cluster cluster;
  /** resourceVersions seen per object path, oldest first. */
  private final Map<String, List<String>> versions = new HashMap<>();
  private String lastContinue;
  /** The continue token each entry's answer carried, by entry name. */
  private final Map<String, String> continues = new HashMap<>();
  private String current;
  private String lastListRv;

  Replay(Cluster cluster) {
    this.cluster = cluster;
  }

  private boolean prepared;

  List<Outcome> run(List<Recordings.Entry> entries) throws Exception {
    if (!prepared) {
      Scenarios.idleNode(cluster);
      prepared = true;
    }
    prepareNamespaces(entries);
    List<Outcome> outcomes = new ArrayList<>();
    webhook = RecordedWebhook.forFile(entries);
    try {
      for (Recordings.Entry e : entries) {
        Scenarios.before(e, cluster);
        outcomes.add(one(e));
        Scenarios.after(e, cluster);
      }
    } finally {
      if (webhook != null) {
        webhook.close();
        webhook = null;
      }
    }
    return outcomes;
  }

  /** The recorder's webhook server, stood up while a file that talks to it is replayed. */
  private RecordedWebhook webhook;

  /**
   * A webhook entry: the AdmissionReview the embedded API POSTed to the stood-up webhook
   * for the request just replayed, compared field by field with the recorded one (the
   * review's uid and other placeholders match any value). The recorded reply is what the
   * webhook server sent back, so there is nothing of the API's to compare in it.
   */
  private Outcome review(Recordings.Entry e) {
    JsonNode got = webhook.lastReview(RecordedWebhook.endpoint(e));
    if (got == null) {
      return new Outcome(e, Kind.DIFF, List.of("the API POSTed no review to "
          + RecordedWebhook.endpoint(e)));
    }
    List<String> diffs = new ArrayList<>();
    subset("", e.json().path("request").path("body"), got, diffs);
    return new Outcome(e, diffs.isEmpty() ? Kind.MATCH : Kind.DIFF, diffs);
  }

  /** Creates the namespaces a file's paths name, except those the file itself creates. */
  private void prepareNamespaces(List<Recordings.Entry> entries) throws Exception {
    Set<String> named = new LinkedHashSet<>();
    Set<String> created = new LinkedHashSet<>();
    for (Recordings.Entry e : entries) {
      Matcher m = NAMESPACE.matcher(e.path());
      while (m.find()) {
        named.add(m.group(1));
      }
      if (e.method().equals("SEQUENCE")) {
        // kubectl's requests name the namespaces its manifests and flags use
        for (JsonNode q : e.json().path("response").path("body").path("requests")) {
          Matcher s = NAMESPACE.matcher(q.path("path").asText());
          while (s.find()) {
            named.add(s.group(1));
          }
        }
      }
      if (e.method().equals("POST") && e.path().startsWith("/api/v1/namespaces")
          && !e.path().substring("/api/v1/namespaces".length()).contains("/")) {
        created.add(e.json().path("request").path("body").path("metadata").path("name").asText());
      }
    }
    named.removeAll(created);
    named.remove("tx-does-not-exist");
    for (String ns : named) {
      ObjectNode body = Json.object();
      body.put("apiVersion", "v1");
      body.put("kind", "Namespace");
      body.putObject("metadata").put("name", ns);
      RawHttp.Answer a = send("POST", "/api/v1/namespaces", Map.of("Content-Type",
          "application/json", "Accept", "application/json", "Authorization", "Bearer "
          + cluster.adminToken()), Json.bytes(body), 5000);
      if (a.status() != 201 && a.status() != 409) {
        throw new IllegalStateException("namespace " + ns + ": " + a.status() + " "
            + new String(a.body(), StandardCharsets.UTF_8));
      }
    }
  }

  private Outcome one(Recordings.Entry e) throws Exception {
    JsonNode req = e.json().path("request");
    String method = e.method();
    if (method.equals("POLL")) {
      List<String> diffs = Timelines.replay(e, cluster);
      if (diffs == null) {
        // Not replayed, but its time is: later entries read the state it ends in.
        Scenarios.sleep(Math.min(12_000, lastOffset(e.json().path("response").path("body")))
            + 300);
        return new Outcome(e, Kind.NOT_REPLAYED, List.of(Timelines.whyNot(e)));
      }
      return new Outcome(e, diffs.isEmpty() ? Kind.MATCH : Kind.DIFF, diffs);
    }
    if (method.equals("SEQUENCE")) {
      return sequence(e);
    }
    if (e.path().startsWith("(webhook) ") && webhook != null) {
      return review(e);
    }
    if (e.path().startsWith("(") || e.path().contains("(one per")) {
      return new Outcome(e, Kind.NOT_REPLAYED, List.of("a webhook exchange or concurrent "
          + "requests, not a single request; WebhooksTest checks the review's shape"));
    }
    if (e.path().contains(" then ")) {
      return globalVersion(e);
    }
    current = e.name();
    learnNames(e);
    String path = translate(fillPath(e));
    Map<String, String> headers = new LinkedHashMap<>();
    req.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(),
        h.getValue().asText()));
    if (headers.containsKey("If-None-Match")) {
      // "= the ETag just received": this server's, for the same path
      String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      headers.put("If-None-Match", etags.getOrDefault(bare, headers.get("If-None-Match")));
    }
    if (headers.containsKey("Authorization")) {
      headers.put("Authorization", "Bearer " + token(e));
    } else if (!anonymous(e)) {
      headers.put("Authorization", "Bearer " + cluster.adminToken());
    }
    byte[] body = null;
    JsonNode b = req.get("body");
    if (b != null && !b.isNull()) {
      // A body the client built from what it read names this cluster's generated names
      // (a status it read back and PUTs names the ReplicaSet by its hash), as the recorder's
      // named the real server's.
      JsonNode sent = names.isEmpty() || !b.isContainerNode() ? b.deepCopy()
          : Json.parse(translate(b.toString()).getBytes(StandardCharsets.UTF_8));
      JsonNode filled = fillBody(e, sent, path);
      body = filled.isTextual() ? filled.asText().getBytes(StandardCharsets.UTF_8)
          : withDuplicate(filled, duplicateField(e.json().path("response")));
    }
    boolean watch = path.contains("watch=1") || path.contains("watch=true");
    int readMillis = watch ? watchMillis(path) : 15000;
    java.util.concurrent.ScheduledExecutorService writer = null;
    if (watch) {
      writer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      for (Scenarios.Timed w : Scenarios.during(e)) {
        writer.schedule(() -> cluster.handle(new Request(w.method(), w.path(), Map.of(),
            Map.of("content-type", w.contentType()),
            w.body().getBytes(StandardCharsets.UTF_8), User.ADMIN)), w.atMs(),
            java.util.concurrent.TimeUnit.MILLISECONDS);
      }
    }
    RawHttp.Answer a = send(method, path, headers, body, readMillis);
    if (writer != null) {
      writer.shutdown();
      writer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    }
    remember(path, method, a);
    learnDrawn(e.json().path("response").path("body"), a);
    JsonNode recorded = names.isEmpty() ? e.json().path("response")
        : Json.parse(translate(e.json().path("response").toString())
            .getBytes(StandardCharsets.UTF_8));
    List<String> diffs = compare(recorded, a, watch);
    return new Outcome(e, diffs.isEmpty() ? Kind.MATCH : Kind.DIFF, diffs);
  }

  /** The latest offset a timeline names, in ms. */
  private static long lastOffset(JsonNode n) {
    long max = 0;
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if ((f.getKey().equals("atMs") || f.getKey().equals("answeredAtMs"))
            && f.getValue().isNumber()) {
          max = Math.max(max, f.getValue().asLong());
        } else {
          max = Math.max(max, lastOffset(f.getValue()));
        }
      }
    } else if (n.isArray()) {
      for (JsonNode c : n) {
        max = Math.max(max, lastOffset(c));
      }
    }
    return max;
  }

  /**
   * The requests kubectl made, sent again in order with the names this cluster gave; the
   * entry matches when every answer's status is the recorded one.
   */
  private Outcome sequence(Recordings.Entry e) throws Exception {
    List<String> diffs = new ArrayList<>();
    for (JsonNode q : e.json().path("response").path("body").path("requests")) {
      String path = hashed(translate(q.path("path").asText()));
      Map<String, String> headers = new LinkedHashMap<>();
      q.path("headers").fields().forEachRemaining(h -> {
        if (!h.getKey().equalsIgnoreCase("Authorization")) {
          headers.put(h.getKey(), h.getValue().asText());
        }
      });
      headers.put("Authorization", "Bearer " + cluster.adminToken());
      JsonNode b = q.get("body");
      byte[] body = b == null || b.isNull() ? null : b.has(HEXDUMP) ? hexdump(b.get(HEXDUMP))
          : b.isTextual() ? translate(b.asText()).getBytes(StandardCharsets.UTF_8)
          : translate(b.toString()).getBytes(StandardCharsets.UTF_8);
      String m = q.path("method").asText();
      if (body != null && new String(body, StandardCharsets.UTF_8).contains("\"<rv>\"")) {
        // kubectl guards its managedFields migration with the resourceVersion it just read
        JsonNode current = fetch(path.contains("?") ? path.substring(0, path.indexOf('?'))
            : path);
        if (current != null) {
          body = new String(body, StandardCharsets.UTF_8).replace("\"<rv>\"", "\""
              + current.path("metadata").path("resourceVersion").asText() + "\"")
              .getBytes(StandardCharsets.UTF_8);
        }
      }
      boolean watch = path.contains("watch=1") || path.contains("watch=true");
      RawHttp.Answer a = send(m, path, headers, body, watch ? 3000 : 15000);
      remember(path, m, a);
      int want = q.path("responseStatus").asInt();
      if (a.status() != want) {
        diffs.add(m + " " + path + ": " + a.status() + ", recorded " + want + " "
            + abbreviate(new String(a.body(), StandardCharsets.UTF_8)));
      }
    }
    return new Outcome(e, diffs.isEmpty() ? Kind.MATCH : Kind.DIFF, diffs);
  }

  private static final String HEXDUMP = "<binary body, hexdump as logged by kubectl>";

  /**
   * The bytes kubectl sent, from the hexdump it logged ({@code offset  hex bytes  |text|}
   * lines): a protobuf body is replayed as the binary it was, not as the JSON of its log.
   */
  static byte[] hexdump(JsonNode lines) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (JsonNode line : lines) {
      String text = line.asText();
      int bar = text.indexOf('|');
      String hex = (bar < 0 ? text : text.substring(0, bar)).strip();
      String[] words = hex.split("\\s+");
      for (int i = 1; i < words.length; i++) {
        out.write(Integer.parseInt(words[i], 16));
      }
    }
    return out.toByteArray();
  }

  /**
   * A URL naming an OpenAPI v3 document by {@code hash=<hash>}: the hash the index fetched
   * last names for that group-version, as kubectl takes it from the index it just read.
   */
  private String hashed(String path) {
    if (!path.contains("hash=<hash>") || openapiIndex == null) {
      return path;
    }
    String gv = path.substring("/openapi/v3/".length(), path.indexOf('?'));
    String url = openapiIndex.path("paths").path(gv).path("serverRelativeURL").asText("");
    Matcher h = Pattern.compile("[?&]hash=([^&]*)").matcher(url);
    return h.find() ? path.replace("hash=<hash>", "hash=" + h.group(1)) : path;
  }

  /** The ETag each path's answer carried last, for a request that sends it back. */
  private final Map<String, String> etags = new HashMap<>();

  // ---- names the controllers made up ----

  /** Recorded generated names (ReplicaSet hashes, pod suffixes) and this cluster's for them. */
  private final Map<String, String> names = new LinkedHashMap<>();

  private String translate(String text) {
    String out = text;
    for (Map.Entry<String, String> n : names.entrySet()) {
      out = out.replace(n.getKey(), n.getValue());
    }
    return out;
  }

  private static final Pattern GENERATED = Pattern.compile(
      "/namespaces/([a-z0-9-]+)/(replicasets|pods)/([a-z0-9-]+?)-([a-z0-9]{8,10})(?:-([a-z0-9]{5}))?(?=$|/|\\?)");

  /**
   * Learns what a recorded ReplicaSet or pod name stands for here: the newest ReplicaSet of
   * the same Deployment (pod-template hashes are computed differently), and its first pod.
   */
  private static final Pattern NAMED_IN_TEXT = Pattern.compile(
      "ReplicaSet \\\\\"([a-z0-9-]+?)-([a-z0-9]{8,10})\\\\\"");

  private void learnNames(Recordings.Entry e) throws Exception {
    Matcher ns = NAMESPACE.matcher(e.path());
    if (!ns.find()) {
      return;
    }
    Matcher p = GENERATED.matcher(e.path());
    if (p.find()) {
      learn(ns.group(1), p.group(3), p.group(4), p.group(5));
    }
    Matcher t = NAMED_IN_TEXT.matcher(e.json().path("response").toString());
    while (t.find()) {
      learn(ns.group(1), t.group(1), t.group(2), null);
    }
    for (JsonNode rs : e.json().path("response").path("body").path("items")) {
      learnReplicaSet(ns.group(1), rs);
    }
  }

  /** The characters the real server's pod-template-hash is written in (rand.SafeEncodeString). */
  private static final Pattern SAFE_HASH = Pattern.compile("[bcdfghjklmnpqrstvwxz2456789]{1,10}");

  /**
   * A recorded ReplicaSet of a list stands for this cluster's ReplicaSet of the same
   * Deployment with the same pod template (its containers' images). The hash itself is the
   * real server's hash of Go structures, which is not reproduced: only its shape is held to
   * the real one, 1 to 10 characters of the safe alphabet; a hash of another shape is not
   * learned, so the entry differs.
   */
  private void learnReplicaSet(String ns, JsonNode recorded) throws Exception {
    String hash = recorded.path("metadata").path("labels").path("pod-template-hash").asText();
    String owner = "";
    for (JsonNode o : recorded.path("metadata").path("ownerReferences")) {
      if (o.path("kind").asText().equals("Deployment")) {
        owner = o.path("name").asText();
      }
    }
    if (hash.isEmpty() || owner.isEmpty() || names.containsKey(hash)) {
      return;
    }
    String images = images(recorded);
    JsonNode sets = Json.parse(send("GET", "/apis/apps/v1/namespaces/" + ns + "/replicasets",
        Map.of("Authorization", "Bearer " + cluster.adminToken()), null, 5000).body());
    for (JsonNode rs : sets.path("items")) {
      String ours = rs.path("metadata").path("labels").path("pod-template-hash").asText();
      boolean owned = false;
      for (JsonNode o : rs.path("metadata").path("ownerReferences")) {
        owned |= o.path("name").asText().equals(owner);
      }
      if (owned && images(rs).equals(images) && SAFE_HASH.matcher(ours).matches()
          && !names.containsValue(ours)) {
        names.put(owner + "-" + hash, owner + "-" + ours);
        names.put(hash, ours);
        return;
      }
    }
  }

  private static String images(JsonNode rs) {
    List<String> images = new ArrayList<>();
    rs.path("spec").path("template").path("spec").path("containers")
        .forEach(c -> images.add(c.path("image").asText()));
    return String.join(",", images);
  }

  private void learn(String ns, String deployment, String hash, String podSuffix)
      throws Exception {
    if (names.containsKey(hash) && podSuffix == null) {
      return;
    }
    Map<String, String> h = Map.of("Authorization", "Bearer " + cluster.adminToken());
    JsonNode sets = Json.parse(send("GET", "/apis/apps/v1/namespaces/" + ns + "/replicasets", h,
        null, 5000).body());
    JsonNode best = null;
    for (JsonNode rs : sets.path("items")) {
      for (JsonNode o : rs.path("metadata").path("ownerReferences")) {
        if (o.path("name").asText().equals(deployment) && (best == null
            || revision(rs) > revision(best))) {
          best = rs;
        }
      }
    }
    if (best == null) {
      return;
    }
    String ours = best.path("metadata").path("labels").path("pod-template-hash").asText();
    if (ours.isEmpty()) {
      return;
    }
    if (!names.containsKey(hash)) {
      names.put(deployment + "-" + hash, deployment + "-" + ours);
      names.put(hash, ours);
    }
    // Keyed as it reads once the hash is translated, which happens first.
    String recordedPod = deployment + "-" + names.get(hash) + "-" + podSuffix;
    if (podSuffix != null && !names.containsKey(recordedPod)) {
      JsonNode pods = Json.parse(send("GET", "/api/v1/namespaces/" + ns
          + "/pods?labelSelector=pod-template-hash%3D" + names.get(hash), h, null, 5000).body());
      if (pods.path("items").size() > 0) {
        names.put(recordedPod, pods.path("items").get(0).path("metadata").path("name").asText());
      }
    }
  }

  private static long revision(JsonNode rs) {
    return rs.path("metadata").path("annotations").path("deployment.kubernetes.io/revision")
        .asLong(0);
  }

  /** The list resourceVersion is the store's one revision, the same for any two kinds. */
  private Outcome globalVersion(Recordings.Entry e) throws Exception {
    Map<String, String> h = Map.of("Authorization", "Bearer " + cluster.adminToken());
    String a = Json.parse(send("GET", "/api/v1/namespaces/tx-list/configmaps", h, null, 5000)
        .body()).path("metadata").path("resourceVersion").asText();
    String b = Json.parse(send("GET", "/apis/apps/v1/namespaces/tx-list/deployments", h, null,
        5000).body()).path("metadata").path("resourceVersion").asText();
    return a.equals(b) ? new Outcome(e, Kind.MATCH, List.of())
        : new Outcome(e, Kind.DIFF, List.of("list versions " + a + " and " + b));
  }

  /**
   * The token a recorded {@code Bearer <token>} stood for: the last one a TokenRequest of this
   * replay returned, one minted for another audience where the entry is about that, or
   * garbage where the entry is about garbage.
   */
  private String token(Recordings.Entry e) throws Exception {
    String why = e.why().toLowerCase();
    if (why.contains("garbage")) {
      return "garbage";
    }
    if (why.contains("another audience") && lastTokenRequest != null) {
      ObjectNode req = Json.object();
      req.put("apiVersion", "authentication.k8s.io/v1");
      req.put("kind", "TokenRequest");
      req.putObject("spec").putArray("audiences").add("https://other.example.com");
      RawHttp.Answer a = send("POST", lastTokenRequest, Map.of("Content-Type",
          "application/json", "Authorization", "Bearer " + cluster.adminToken()),
          Json.bytes(req), 5000);
      return Json.parse(a.body()).path("status").path("token").asText();
    }
    return lastToken == null ? "none" : lastToken;
  }

  /** Entries the recorder sent without any credentials. */
  private static boolean anonymous(Recordings.Entry e) {
    String why = e.why().toLowerCase();
    return why.contains("no credentials") || why.startsWith("anonymous");
  }

  private String lastToken;
  private String lastTokenRequest;
  private String lastUid;
  private JsonNode openapiIndex;

  private static int watchMillis(String path) {
    Matcher m = Pattern.compile("timeoutSeconds=(\\d+)").matcher(path);
    int seconds = m.find() ? Integer.parseInt(m.group(1)) : 3;
    if (path.contains("allowWatchBookmarks=true") && seconds > 6 && seconds <= 70) {
      // A watch about the once-a-minute bookmark runs its whole time: a shorter one would
      // only show the bookmark sent just before the end, not the periodic one.
      return seconds * 1000 + 1500;
    }
    return Math.min(seconds, 6) * 1000 + 500;
  }

  /**
   * Sends as the recorder did: over HTTPS when the cluster serves it, as the administrator by
   * client certificate (CN=admin, O=system:masters) where the request carries the admin
   * token this replay stands in for it, and without a certificate where it carries another
   * token or none (service accounts, anonymous requests).
   */
  private RawHttp.Answer send(String method, String path, Map<String, String> headers,
      byte[] body, int readMillis) throws Exception {
    if (!cluster.url().startsWith("https:")) {
      return RawHttp.send(cluster.port(), method, path, headers, body, readMillis);
    }
    Map<String, String> h = new LinkedHashMap<>(headers);
    boolean admin = h.entrySet().removeIf(x -> x.getKey().equalsIgnoreCase("Authorization")
        && x.getValue().equals("Bearer " + cluster.adminToken()));
    if (admin && adminSockets == null) {
      adminSockets = cluster.clientContext(true).getSocketFactory();
    } else if (!admin && plainSockets == null) {
      plainSockets = cluster.clientContext(false).getSocketFactory();
    }
    return RawHttp.send(admin ? adminSockets : plainSockets, cluster.port(), method, path, h,
        body, readMillis);
  }

  private javax.net.SocketFactory adminSockets;
  private javax.net.SocketFactory plainSockets;

  // ---- filling placeholders ----

  private String fillPath(Recordings.Entry e) throws Exception {
    String path = e.path();
    if (path.contains("<continue>")) {
      String from = Scenarios.continueFrom(e);
      String token = e.why().toLowerCase().contains("garbage") ? "garbage"
          : from != null && continues.containsKey(from) ? continues.get(from) : lastContinue;
      path = path.replace("<continue>", token == null ? "" : token);
    }
    path = hashed(path);
    Matcher named = Pattern.compile("<([a-z]+) uid>").matcher(e.why());
    Matcher ns = NAMESPACE.matcher(path);
    if (path.contains("<uid>") && named.find() && ns.find()) {
      // the uid of the one object of that kind in the namespace the "why" names
      JsonNode items = Json.parse(send("GET", "/api/v1/namespaces/" + ns.group(1) + "/"
          + named.group(1) + "s", Map.of("Authorization", "Bearer " + cluster.adminToken()),
          null, 5000).body()).path("items");
      if (items.size() == 1) {
        path = path.replace("<uid>", items.get(0).path("metadata").path("uid").asText());
      }
    }
    if (path.contains("<uid>")) {
      path = path.replace("<uid>", lastUid == null ? "" : lastUid);
    }
    if (path.contains("<current rv + 100000>")) {
      path = path.replace("<current rv + 100000>", Long.toString(currentRv() + 100000));
    }
    if (path.contains("<rv>")) {
      boolean watch = path.contains("watch=1") || path.contains("watch=true");
      path = path.replace("<rv>", watch || lastListRv == null ? Long.toString(currentRv())
          : lastListRv);
    }
    return path;
  }

  private long currentRv() throws Exception {
    RawHttp.Answer a = send("GET", "/api/v1/namespaces?limit=1", Map.of("Authorization",
        "Bearer " + cluster.adminToken()), null, 5000);
    return Json.parse(a.body()).path("metadata").path("resourceVersion").asLong();
  }

  private JsonNode fillBody(Recordings.Entry e, JsonNode body, String path) throws Exception {
    if (!body.isObject()) {
      return body;
    }
    ObjectNode o = (ObjectNode) body;
    String objectPath = objectPath(path, o);
    JsonNode current = objectPath == null ? null : fetch(objectPath);
    // A 409 "has been modified" shows the client sent a version older than the stored one
    // (one it had read before a controller wrote), as does a "why" that says so.
    boolean stale = Pattern.compile("stale|old resourceVersion|read before|now stale|an old",
        Pattern.CASE_INSENSITIVE).matcher(e.why()).find()
        || e.json().path("response").path("body").path("message").asText()
            .contains("the object has been modified");
    JsonNode meta = o.path("metadata");
    if (meta instanceof ObjectNode m && "<rv>".equals(m.path("resourceVersion").asText())) {
      String rv = current == null ? "1" : current.path("metadata").path("resourceVersion").asText();
      if (stale) {
        List<String> seen = versions.getOrDefault(objectPath, List.of());
        String older = null;
        for (int i = seen.size() - 1; i >= 0; i--) {
          if (!seen.get(i).equals(rv)) {
            older = seen.get(i);
            break;
          }
        }
        // Made before this replay saw it (a scenario wrote it): any earlier version is stale.
        rv = older != null ? older : Long.toString(Math.max(1, Long.parseLong(rv) - 1));
      }
      m.put("resourceVersion", rv);
    }
    if (meta instanceof ObjectNode m && "<uid>".equals(m.path("uid").asText()) && current != null) {
      m.put("uid", current.path("metadata").path("uid").asText());
    }
    for (JsonNode hook : o.path("webhooks")) {
      // the CA of the webhook server this replay stood up where the recorder's was
      if (webhook != null && hook.path("clientConfig") instanceof ObjectNode client
          && client.path("caBundle").asText().startsWith("<caBundle")) {
        client.put("caBundle", webhook.caBundle());
      }
    }
    for (String field : List.of("involvedObject", "regarding")) {
      // an event names the object it is about by uid, as its client read it
      if (o.path(field) instanceof ObjectNode r && "<uid>".equals(r.path("uid").asText())) {
        r.put("uid", ownerUid(path, r));
      }
    }
    for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
      if (ref instanceof ObjectNode r && "<uid>".equals(r.path("uid").asText())) {
        r.put("uid", ownerUid(path, r));
      }
    }
    if (o.path("spec") instanceof ObjectNode spec && "<token>".equals(spec.path("token").asText())) {
      spec.put("token", token(e));
    }
    JsonNode pre = o.path("preconditions");
    if (pre instanceof ObjectNode p && current != null) {
      // The recorded refusal shows what the client sent: the literal version it names, or a
      // uid other than the object's.
      String refused = e.json().path("response").path("body").path("message").asText();
      Matcher rvSent = Pattern.compile("the ResourceVersion in the precondition \\((\\d+)\\)")
          .matcher(refused);
      if ("<uid>".equals(p.path("uid").asText())) {
        p.put("uid", refused.contains("the UID in the precondition")
            ? java.util.UUID.randomUUID().toString() : current.path("metadata").path("uid").asText());
      }
      if ("<rv>".equals(p.path("resourceVersion").asText())) {
        p.put("resourceVersion", rvSent.find() ? rvSent.group(1)
            : current.path("metadata").path("resourceVersion").asText());
      }
    }
    return o;
  }

  /** The uid of a referenced owner: in the request's namespace, else in any, else made up. */
  private String ownerUid(String path, JsonNode ref) throws Exception {
    String kind = ref.path("kind").asText();
    String apiVersion = ref.path("apiVersion").asText();
    String plural = kind.toLowerCase() + (kind.endsWith("s") ? "es" : "s");
    String base = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
    Matcher ns = NAMESPACE.matcher(path);
    if (ns.find()) {
      JsonNode own = fetch(base + "/namespaces/" + ns.group(1) + "/" + plural + "/"
          + ref.path("name").asText());
      if (own != null) {
        return own.path("metadata").path("uid").asText();
      }
    }
    RawHttp.Answer all = send("GET", base + "/" + plural + "?fieldSelector=metadata.name%3D"
        + ref.path("name").asText(), Map.of("Authorization", "Bearer " + cluster.adminToken()),
        null, 5000);
    JsonNode items = Json.parse(all.body()).path("items");
    return items.size() > 0 ? items.get(0).path("metadata").path("uid").asText()
        : java.util.UUID.randomUUID().toString();
  }

  /** The path of the object a write addresses (collections: by the body's name). */
  private static String objectPath(String path, ObjectNode body) {
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    for (String sub : List.of("/status", "/scale")) {
      if (bare.endsWith(sub)) {
        bare = bare.substring(0, bare.length() - sub.length());
      }
    }
    String name = body.path("metadata").path("name").asText("");
    String[] segments = bare.split("/");
    boolean collection = bare.startsWith("/api/") ? segments.length % 2 == 0
        : segments.length % 2 == 1;
    if (collection) {
      return name.isEmpty() ? null : bare + "/" + name;
    }
    return bare;
  }

  private JsonNode fetch(String objectPath) throws Exception {
    RawHttp.Answer a = send("GET", objectPath, Map.of("Authorization", "Bearer "
        + cluster.adminToken(), "Accept", "application/json"), null, 5000);
    return a.status() == 200 ? Json.parse(a.body()) : null;
  }

  private void remember(String path, String method, RawHttp.Answer a) {
    String etag = a.header("etag");
    if (etag != null) {
      etags.put(path.contains("?") ? path.substring(0, path.indexOf('?')) : path, etag);
    }
    // the OpenAPI v3 index is JSON served as text/plain
    if (a.body().length == 0 || !String.valueOf(a.header("content-type")).contains("json")
        && !path.startsWith("/openapi/v3")) {
      return;
    }
    JsonNode body;
    try {
      body = Json.parse(a.body());
    } catch (Exception ex) {
      return;
    }
    if (body == null || !body.isObject()) {
      return;
    }
    if (body.path("kind").asText().equals("TokenRequest")
        && body.path("status").hasNonNull("token")) {
      lastToken = body.path("status").path("token").asText();
      lastTokenRequest = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    }
    if (path.startsWith("/openapi/v3") && body.has("paths") && !body.has("openapi")) {
      openapiIndex = body;
    }
    JsonNode meta = body.path("metadata");
    if (method.equals("POST") && meta.hasNonNull("uid")) {
      lastUid = meta.get("uid").asText();
    }
    if (meta.hasNonNull("continue")) {
      lastContinue = meta.get("continue").asText();
      continues.put(current, lastContinue);
    }
    if (body.path("kind").asText().endsWith("List") && meta.hasNonNull("resourceVersion")) {
      lastListRv = meta.get("resourceVersion").asText();
      return;
    }
    if (meta.hasNonNull("resourceVersion") && meta.hasNonNull("name")) {
      String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      String op = objectPath(bare, (ObjectNode) body);
      if (op != null) {
        List<String> seen = versions.computeIfAbsent(op, k -> new ArrayList<>());
        String rv = meta.get("resourceVersion").asText();
        if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(rv)) {
          seen.add(rv);
        }
      }
    }
  }

  // ---- bodies the recording could not keep ----

  private static final Pattern DUPLICATE = Pattern.compile("duplicate field \\\\?\"([^\"\\\\]+)");

  /**
   * The dotted field a recorded answer calls duplicated ({@code duplicate field "data.a"}), or
   * null. The recorder sent that key twice; its JSON recording kept only the last value.
   */
  private static String duplicateField(JsonNode response) {
    StringBuilder text = new StringBuilder(response.path("body").path("message").asText());
    JsonNode warning = response.path("headers").path("Warning");
    (warning.isArray() ? warning : Json.array().add(warning)).forEach(w -> text.append(' ')
        .append(w.asText()));
    Matcher m = DUPLICATE.matcher(text);
    return m.find() ? m.group(1) : null;
  }

  /** The body as JSON text, with {@code field} written twice: an earlier value, then its own. */
  private static byte[] withDuplicate(JsonNode body, String field) {
    if (field == null) {
      return Json.bytes(body);
    }
    JsonNode parent = body;
    String[] parts = field.split("\\.");
    for (int i = 0; i < parts.length - 1; i++) {
      parent = parent.path(parts[i]);
    }
    String key = parts[parts.length - 1];
    if (!(parent instanceof ObjectNode o) || !o.has(key)) {
      return Json.bytes(body);
    }
    String marker = "\u0001duplicate\u0001";
    JsonNode last = o.get(key);
    o.put(key, marker);
    String text = new String(Json.bytes(body), StandardCharsets.UTF_8);
    String quotedKey = Json.MAPPER.getNodeFactory().textNode(key).toString();
    String markerJson = Json.MAPPER.getNodeFactory().textNode(marker).toString();
    // the earlier value is lost; any other one shows that the last one wins
    String earlier = last.isTextual() && last.asText().equals("1") ? "\"0\"" : "\"1\"";
    text = text.replace(quotedKey + ":" + markerJson,
        quotedKey + ":" + earlier + "," + quotedKey + ":" + last);
    return text.getBytes(StandardCharsets.UTF_8);
  }

  // ---- values the server draws at random ----

  /** The Service IP range of the recorded cluster and of this one: 10.96.0.0/12. */
  private static boolean serviceIp(String ip) {
    Matcher m = Pattern.compile("10\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})").matcher(ip);
    return m.matches() && Integer.parseInt(m.group(1)) >= 96 && Integer.parseInt(m.group(1)) <= 111
        && Integer.parseInt(m.group(2)) <= 255 && Integer.parseInt(m.group(3)) <= 255;
  }

  /** The alphabet and length of the suffix a generateName gets (apiserver's rand.String(5)). */
  private static final Pattern GENERATED_SUFFIX = Pattern.compile("[bcdfghjklmnpqrstvwxz2456789]{5}");

  /**
   * Values the real server drew at random, or that name its own address, are learned as
   * names: once this cluster's value has the same shape (a Service IP in 10.96.0.0/12, a
   * generateName prefix plus five characters of the apiserver's alphabet, the loopback
   * address with this server's port), the recorded value stands for it in this entry and in
   * every later one, so that "the allocated IP is kept" is still checked exactly.
   */
  private void learnDrawn(JsonNode recorded, RawHttp.Answer a) {
    if (!recorded.isObject() || a.body().length == 0) {
      return;
    }
    JsonNode got;
    try {
      got = Json.parse(a.body());
    } catch (Exception ex) {
      return;
    }
    if (got == null || !got.isObject()) {
      return;
    }
    String ip = recorded.path("spec").path("clusterIP").asText("");
    String ours = got.path("spec").path("clusterIP").asText("");
    if (serviceIp(ip) && serviceIp(ours) && !names.containsKey(ip)) {
      names.put(ip, ours);
    }
    String prefix = recorded.path("metadata").path("generateName").asText("");
    String name = recorded.path("metadata").path("name").asText("");
    String ourName = got.path("metadata").path("name").asText("");
    if (!prefix.isEmpty() && name.startsWith(prefix) && ourName.startsWith(prefix)
        && GENERATED_SUFFIX.matcher(name.substring(prefix.length())).matches()
        && GENERATED_SUFFIX.matcher(ourName.substring(prefix.length())).matches()) {
      names.putIfAbsent(name, ourName);
    }
    for (int i = 0; i < recorded.path("serverAddressByClientCIDRs").size(); i++) {
      String addr = recorded.path("serverAddressByClientCIDRs").get(i).path("serverAddress")
          .asText("");
      String ourAddr = got.path("serverAddressByClientCIDRs").path(i).path("serverAddress")
          .asText("");
      if (addr.startsWith("127.0.0.1:") && ourAddr.equals("127.0.0.1:" + cluster.port())) {
        names.putIfAbsent(addr, ourAddr);
      }
    }
  }

  // ---- comparing ----

  private static List<String> compare(JsonNode recorded, RawHttp.Answer a, boolean watch) {
    List<String> diffs = new ArrayList<>();
    int status = recorded.path("status").asInt();
    if (status != a.status()) {
      diffs.add("status " + a.status() + ", recorded " + status);
    }
    JsonNode warning = recorded.path("headers").get("Warning");
    List<String> want = new ArrayList<>();
    if (warning != null) {
      if (warning.isArray()) {
        warning.forEach(w -> want.add(w.asText()));
      } else {
        want.add(warning.asText());
      }
    }
    List<String> got = a.headers().getOrDefault("warning", List.of());
    if (want.size() != got.size()) {
      diffs.add("warnings " + got + ", recorded " + want);
    } else {
      for (int i = 0; i < want.size(); i++) {
        if (!matches(want.get(i), got.get(i))) {
          diffs.add("warning " + got.get(i) + ", recorded " + want.get(i));
        }
      }
    }
    JsonNode body = recorded.get("body");
    if (body == null || body.isNull()) {
      return diffs;
    }
    String text = new String(a.body(), StandardCharsets.UTF_8);
    if (body.isTextual()) {
      if (!matches(body.asText(), text)) {
        diffs.add("body " + abbreviate(text) + ", recorded " + abbreviate(body.asText()));
      }
      return diffs;
    }
    if (watch && body.has("events")) {
      compareWatch(body, text, diffs);
      return diffs;
    }
    JsonNode actual;
    try {
      actual = Json.parse(a.body());
    } catch (Exception ex) {
      diffs.add("body is not JSON: " + abbreviate(text));
      return diffs;
    }
    subset("", body, actual, diffs, discoveryDocument(body));
    return diffs;
  }

  private static void compareWatch(JsonNode recorded, String text, List<String> diffs) {
    List<String> want = new ArrayList<>();
    for (JsonNode ev : recorded.path("events")) {
      JsonNode event = ev.has("event") ? ev.get("event") : ev;
      want.add(event.path("type").asText() + " " + event.path("object").path("metadata")
          .path("name").asText(""));
    }
    List<String> got = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode ev = Json.parse(line.getBytes(StandardCharsets.UTF_8));
        got.add(ev.path("type").asText() + " " + ev.path("object").path("metadata")
            .path("name").asText(""));
      } catch (Exception ex) {
        diffs.add("watch line is not JSON: " + abbreviate(line));
      }
    }
    if (!want.equals(got)) {
      diffs.add("watch events " + got + ", recorded " + want);
    }
  }

  /** Every field of {@code want} must be in {@code got} with an equal value. */
  /** Discovery documents were recorded with only the entries that matter. */
  private static boolean discoveryDocument(JsonNode body) {
    String kind = body.path("kind").asText();
    return kind.equals("APIGroupDiscoveryList") || kind.equals("APIResourceList")
        || kind.equals("APIGroupList");
  }

  static void subset(String at, JsonNode want, JsonNode got, List<String> diffs) {
    subset(at, want, got, diffs, false);
  }

  private static String identity(JsonNode n) {
    for (String k : List.of("name", "resource", "version", "groupVersion")) {
      if (n.path(k).isTextual()) {
        return k + "=" + n.path(k).asText();
      }
    }
    if (n.path("metadata").path("name").isTextual()) {
      return "metadata.name=" + n.path("metadata").path("name").asText();
    }
    return null;
  }

  static void subset(String at, JsonNode want, JsonNode got, List<String> diffs,
      boolean byKey) {
    if (want.isTextual() && want.asText().startsWith("<trimmed")) {
      return;
    }
    if (got == null || got.isMissingNode()) {
      diffs.add(at + ": missing, recorded " + abbreviate(want.toString()));
      return;
    }
    if (want.isObject()) {
      if (!got.isObject()) {
        diffs.add(at + ": " + abbreviate(got.toString()) + ", recorded an object");
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getKey().equals("<trimmed>")) {
          trimmedKeys(at, f.getValue().asText(), got, diffs);
          continue;
        }
        JsonNode actual = got.get(f.getKey());
        if (actual == null && f.getKey().contains(".")) {
          // Trimmed recordings name a nested field by its dotted path.
          actual = got;
          for (String part : f.getKey().split("\\.")) {
            actual = actual.path(part);
          }
        }
        subset(at + "." + f.getKey(), f.getValue(), actual, diffs, byKey);
      }
      return;
    }
    if (want.isArray()) {
      if (!got.isArray()) {
        diffs.add(at + ": " + abbreviate(got.toString()) + ", recorded a list");
        return;
      }
      if (byKey && want.size() > 0 && identity(want.get(0)) != null) {
        for (JsonNode w : want) {
          String id = identity(w);
          JsonNode match = null;
          for (JsonNode g : got) {
            if (id != null && id.equals(identity(g))) {
              match = g;
            }
          }
          if (match == null) {
            diffs.add(at + ": no element " + id);
          } else {
            subset(at + "[" + id + "]", w, match, diffs, true);
          }
        }
        return;
      }
      boolean trimmed = false;
      for (JsonNode w : want) {
        trimmed |= w.isTextual() && w.asText().startsWith("<trimmed");
      }
      if (!trimmed && want.size() != got.size()) {
        diffs.add(at + ": " + got.size() + " items, recorded " + want.size());
        return;
      }
      for (int i = 0; i < want.size() && i < got.size(); i++) {
        subset(at + "[" + i + "]", want.get(i), got.get(i), diffs, byKey);
      }
      return;
    }
    if (want.isTextual() && got.isObject() && got.has("name") && got.has("image")) {
      // the recorder wrote list elements it summarises as "name=image"
      String summary = got.path("name").asText() + "=" + got.path("image").asText();
      if (!want.asText().equals(summary)) {
        diffs.add(at + ": " + summary + ", recorded " + want.asText());
      }
      return;
    }
    if (want.isTextual()) {
      if (!matches(want.asText(), got.isTextual() ? got.asText() : got.toString())) {
        diffs.add(at + ": " + abbreviate(got.toString()) + ", recorded " + abbreviate(want.toString()));
      }
      return;
    }
    if (!want.equals(got) && !(want.isNumber() && got.isNumber()
        && want.decimalValue().compareTo(got.decimalValue()) == 0)) {
      diffs.add(at + ": " + abbreviate(got.toString()) + ", recorded " + want);
    }
  }

  /**
   * A map the recorder trimmed to a few keys, noting under "<trimmed>" how many it had ("113
   * paths in total") and sometimes all their names ("...; all keys: a, b"). Where the names
   * are listed the map must have exactly those keys; a bare count is a note about the real
   * document's size and is not held against a smaller one.
   */
  private static void trimmedKeys(String at, String note, JsonNode got, List<String> diffs) {
    int all = note.indexOf("all keys: ");
    if (all < 0) {
      return;
    }
    Set<String> want = new java.util.TreeSet<>(List.of(note.substring(all
        + "all keys: ".length()).split(", ")));
    Set<String> have = new java.util.TreeSet<>();
    got.fieldNames().forEachRemaining(have::add);
    if (!want.equals(have)) {
      Set<String> missing = new java.util.TreeSet<>(want);
      missing.removeAll(have);
      Set<String> extra = new java.util.TreeSet<>(have);
      extra.removeAll(want);
      diffs.add(at + ": keys missing " + missing + ", not recorded " + extra);
    }
  }

  /**
   * Names the API makes up at random: a volume's suffix, an event's timestamp suffix, the
   * generateName suffix of a ReplicaSet's pod (5 characters of the safe alphabet after a
   * pod-template hash, on both sides, so its shape is still held to the real one).
   */
  private static final Pattern RANDOM = Pattern.compile(
      "(kube-api-access-)[a-z0-9]{5}|(\\.)[0-9a-f]{16}\\b"
      + "|(-[bcdfghjklmnpqrstvwxz2456789]{6,10}-)[bcdfghjklmnpqrstvwxz2456789]{5}\\b");

  /** Recorded text, with each placeholder standing for any text, against the actual. */
  static boolean matches(String recorded, String actual) {
    recorded = RANDOM.matcher(recorded).replaceAll("$1$2$3<generated>");
    actual = RANDOM.matcher(actual).replaceAll("$1$2$3<generated>");
    if (!recorded.contains("<")) {
      return recorded.equals(actual);
    }
    StringBuilder regex = new StringBuilder();
    Matcher m = PLACEHOLDER.matcher(recorded);
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(recorded.substring(last, m.start()))).append("(?s:.*?)");
      last = m.end();
    }
    regex.append(Pattern.quote(recorded.substring(last)));
    return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(actual).matches();
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  static JsonNode text(String s) {
    return TextNode.valueOf(s);
  }

  static ArrayNode list() {
    return Json.array();
  }
}
