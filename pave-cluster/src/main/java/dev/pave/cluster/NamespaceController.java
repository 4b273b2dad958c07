package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A namespace's life as the controller manager runs it: on creation the {@code default}
 * ServiceAccount and the {@code kube-root-ca.crt} ConfigMap appear (the service-account and
 * root-CA publisher controllers); on deletion everything in it is deleted, its status says
 * what still remains and which finalizers hold it, and once it is empty the {@code kubernetes}
 * finalizer is taken off (what {@code /finalize} does) and the namespace goes.
 */
final class NamespaceController extends Controller {
  static final String ROOT_CA = "kube-root-ca.crt";
  static final String ROOT_CA_DESCRIPTION = "Contains a CA bundle that can be used to verify "
      + "the kube-apiserver when using internal endpoints such as the internal service IP or "
      + "kubernetes.default.svc. No other usage is guaranteed across distributions of "
      + "Kubernetes clusters.";
  /** A CA certificate of the embedded API (which serves plain HTTP, so it verifies nothing). */
  static final String CA_PEM = """
      -----BEGIN CERTIFICATE-----
      MIIBjDCCATGgAwIBAgIUOaRhliryfORzPPktgkFpyF+kZbQwCgYIKoZIzj0EAwIw
      GjEYMBYGA1UEAwwPcGF2ZS1jbHVzdGVyLWNhMCAXDTI2MTIwNzEzNTg1MFoYDzIx
      MjYxMTEzMTM1ODUwWjAaMRgwFgYDVQQDDA9wYXZlLWNsdXN0ZXItY2EwWTATBgcq
      hkjOPQIBBggqhkjOPQMBBwNCAARqOcoGcnb5hx4dS9dOCHn8QNMOMEJMHqWtTuR/
      eKj5fp8UFv8HHoUPrwFbSTDXVxW9fyt5QGKDHaLBrx7qgQrLo1MwUTAdBgNVHQ4E
      FgQU48tQOrMtIunwm5HNtlZT+qMOOtUwHwYDVR0jBBgwFoAU48tQOrMtIunwm5HN
      tlZT+qMOOtUwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEA5v6J
      N/Q+l9HXBi00FunZoBY77GOPSX4AFitaxjleLrkCIQCckNlCso6pFjShJJ4E5PH0
      QQ4KWBE00qlrYTy6tLTAqw==
      -----END CERTIFICATE-----
      """;

  /** Terminating namespaces, looked at again whenever something in them changes. */
  private final Set<String> terminating = new LinkedHashSet<>();

  NamespaceController() {
    super("namespace-controller");
  }

  @Override
  boolean wants(Store.Event e) {
    return true;
  }

  @Override
  long tickMillis() {
    return 500;
  }

  @Override
  void initial() {
    for (ObjectNode ns : cluster.store().list("/namespaces/").items()) {
      sync(ns.path("metadata").path("name").asText());
    }
  }

  @Override
  void handle(Store.Event e) {
    String[] key = e.key().split("/", -1);
    if (key[0].isEmpty() && key[1].equals("namespaces")) {
      if (!e.type().equals("DELETED")) {
        sync(key[3]);
      } else {
        terminating.remove(key[3]);
      }
      return;
    }
    String ns = key.length > 3 ? key[2] : "";
    if (ns.isEmpty()) {
      return;
    }
    if (terminating.contains(ns)) {
      if (e.type().equals("DELETED")) {
        sync(ns);
      }
    } else if (e.type().equals("DELETED") && isSeed(key)) {
      // Both controllers put back what they publish when someone deletes it.
      sync(ns);
    }
  }

  @Override
  void tick() {
    new ArrayList<>(terminating).forEach(this::sync);
  }

  private static boolean isSeed(String[] key) {
    return key[0].isEmpty() && (key[1].equals("configmaps") && key[3].equals(ROOT_CA)
        || key[1].equals("serviceaccounts") && key[3].equals("default"));
  }

  private void sync(String name) {
    ObjectNode ns = cluster.store().get("/namespaces//" + name);
    if (ns == null) {
      terminating.remove(name);
      return;
    }
    if (ns.path("metadata").hasNonNull("deletionTimestamp")) {
      terminating.add(name);
      finalizeContent(ns, name);
    } else {
      seed(name);
    }
  }

  // ---- a new namespace ----

  private void seed(String ns) {
    if (cluster.store().get("/serviceaccounts/" + ns + "/default") == null) {
      ObjectNode sa = Json.object();
      sa.put("apiVersion", "v1").put("kind", "ServiceAccount");
      sa.putObject("metadata").put("name", "default");
      cluster.internalWrite("POST", "/api/v1/namespaces/" + ns + "/serviceaccounts", sa);
    }
    if (cluster.store().get("/configmaps/" + ns + "/" + ROOT_CA) == null) {
      ObjectNode cm = Json.object();
      cm.put("apiVersion", "v1").put("kind", "ConfigMap");
      cm.putObject("metadata").put("name", ROOT_CA).putObject("annotations")
          .put("kubernetes.io/description", ROOT_CA_DESCRIPTION);
      cm.putObject("data").put("ca.crt", CA_PEM);
      cluster.internalWrite("POST", "/api/v1/namespaces/" + ns + "/configmaps", cm);
    }
  }

  // ---- a terminating namespace ----

  private void finalizeContent(ObjectNode ns, String name) {
    Map<String, Integer> remaining = new TreeMap<>();
    Map<String, Integer> finalizers = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (ResourceType t : cluster.types().all()) {
      if (!t.namespaced() || !seen.add(t.storageKey()) || !t.has("delete")) {
        continue;
      }
      for (ObjectNode o : cluster.store().list(Store.prefix(t, name)).items()) {
        JsonNode m = o.path("metadata");
        if (!m.hasNonNull("deletionTimestamp")) {
          ObjectNode options = Json.object();
          options.put("kind", "DeleteOptions").put("apiVersion", "v1")
              .put("propagationPolicy", "Background");
          options.putObject("preconditions").put("uid", m.path("uid").asText());
          cluster.internalWrite("DELETE", "/" + (t.group().isEmpty() ? "api" : "apis/"
              + t.group()) + "/" + t.version() + "/namespaces/" + name + "/" + t.plural()
              + "/" + m.path("name").asText(), options);
        }
      }
      List<ObjectNode> left = cluster.store().list(Store.prefix(t, name)).items();
      if (!left.isEmpty()) {
        remaining.merge(t.plural() + "." + t.group(), left.size(), Integer::sum);
        for (ObjectNode o : left) {
          for (String f : Deletion.finalizers(o.path("metadata"))) {
            finalizers.merge(f, 1, Integer::sum);
          }
        }
      }
    }
    if (remaining.isEmpty()) {
      finish(name);
      return;
    }
    writeConditions(ns, name, remaining, finalizers);
  }

  /** What the namespace's status says while content remains, in the real controller's words. */
  private void writeConditions(ObjectNode ns, String name, Map<String, Integer> remaining,
      Map<String, Integer> finalizers) {
    List<String[]> wanted = new ArrayList<>();
    wanted.add(new String[] {"NamespaceDeletionDiscoveryFailure", "False",
        "ResourcesDiscovered", "All resources successfully discovered"});
    wanted.add(new String[] {"NamespaceDeletionGroupVersionParsingFailure", "False",
        "ParsedGroupVersions", "All legacy kube types successfully parsed"});
    wanted.add(new String[] {"NamespaceDeletionContentFailure", "False", "ContentDeleted",
        "All content successfully deleted, may be waiting on finalization"});
    List<String> parts = new ArrayList<>();
    remaining.forEach((r, n) -> parts.add(r + " has " + n + " resource instances"));
    wanted.add(new String[] {"NamespaceContentRemaining", "True", "SomeResourcesRemain",
        "Some resources are remaining: " + String.join(", ", parts)});
    if (finalizers.isEmpty()) {
      wanted.add(new String[] {"NamespaceFinalizersRemaining", "False",
          "ContentHasNoFinalizers", "All content-preserving finalizers finished"});
    } else {
      List<String> held = new ArrayList<>();
      finalizers.forEach((f, n) -> held.add(f + " in " + n + " resource instances"));
      wanted.add(new String[] {"NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain",
          "Some content in the namespace has finalizers remaining: "
              + String.join(", ", held)});
    }
    JsonNode current = ns.path("status").path("conditions");
    ArrayNode conditions = Json.array();
    String now = Json.now();
    boolean changed = current.size() != wanted.size();
    for (String[] w : wanted) {
      JsonNode old = null;
      for (JsonNode c : current) {
        if (c.path("type").asText().equals(w[0])) {
          old = c;
        }
      }
      boolean same = old != null && old.path("status").asText().equals(w[1])
          && old.path("reason").asText().equals(w[2])
          && old.path("message").asText().equals(w[3]);
      changed |= !same;
      ObjectNode c = conditions.addObject();
      c.put("type", w[0]).put("status", w[1]);
      c.put("lastTransitionTime", same ? old.path("lastTransitionTime").asText(now) : now);
      c.put("reason", w[2]).put("message", w[3]);
    }
    if (!changed) {
      return;
    }
    ObjectNode updated = ns.deepCopy();
    updated.with("status").set("conditions", conditions);
    cluster.internalWrite("PUT", "/api/v1/namespaces/" + name + "/status", updated);
  }

  /**
   * Takes {@code kubernetes} off spec.finalizers, as {@code /finalize} does (a plain update
   * keeps them), then deletes the namespace again, which now removes it.
   */
  private void finish(String name) {
    synchronized (cluster.store()) {
      ObjectNode ns = cluster.store().get("/namespaces//" + name);
      if (ns == null) {
        return;
      }
      if (!contains(ns.path("spec").path("finalizers"), "kubernetes")) {
        cluster.internalWrite("DELETE", "/api/v1/namespaces/" + name, null);
        return;
      }
      ArrayNode kept = Json.array();
      for (JsonNode f : ns.path("spec").path("finalizers")) {
        if (!f.asText().equals("kubernetes")) {
          kept.add(f);
        }
      }
      ObjectNode spec = ns.with("spec");
      if (kept.isEmpty()) {
        spec.remove("finalizers");
      } else {
        spec.set("finalizers", kept);
      }
      cluster.store().put("/namespaces//" + name, ns);
    }
    cluster.internalWrite("DELETE", "/api/v1/namespaces/" + name, null);
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode n : array) {
      if (n.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }
}
