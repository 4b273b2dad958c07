package dev.pave.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * What stands in front of the in-process API's store: the discovery documents a real API
 * server serves (kubectl needs them), and the admission step. The in-process API stores
 * webhook configurations but never calls them, so writes of workloads and of Pave's resources
 * are put through the same admission handlers the webhook serves in a cluster, here in the
 * same process, before they reach the store.
 */
final class Gate extends Dispatcher {
  /** The admission handlers: an AdmissionReview in, an AdmissionReview out. */
  record Admission(Function<Map<String, Object>, Map<String, Object>> workloads,
      Function<Map<String, Object>, Map<String, Object>> paveResources) {}

  private static final Set<String> WORKLOADS = Set.of("pods", "deployments", "statefulsets",
      "daemonsets", "replicasets", "jobs", "cronjobs");
  private static final Set<String> PAVE = Set.of("applications", "environments");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesCrudDispatcher store;
  private final Map<String, byte[]> discovery = new LinkedHashMap<>();
  private final AtomicReference<Admission> admission = new AtomicReference<>();
  private final AtomicBoolean written = new AtomicBoolean();

  Gate(KubernetesCrudDispatcher store, String version) {
    this.store = store;
    ApiKinds.discovery(version).forEach((path, doc) -> {
      try {
        discovery.put(path, JSON.writeValueAsBytes(doc));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** From now on, writes pass through these handlers. */
  void admit(Admission a) {
    admission.set(a);
  }

  /** Whether anything was written since the last call (for snapshots). */
  boolean takeWritten() {
    return written.getAndSet(false);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    int q = path.indexOf('?');
    String bare = q < 0 ? path : path.substring(0, q);
    String method = request.getMethod();
    if ("GET".equals(method) && discovery.containsKey(bare)) {
      return new MockResponse().setResponseCode(200)
          .setHeader("Content-Type", "application/json").setBody(discovery.get(bare));
    }
    if (!"GET".equals(method)) {
      written.set(true);
    }
    Admission a = admission.get();
    if (a != null && ("POST".equals(method) || "PUT".equals(method))) {
      Target t = Target.parse(bare);
      if (t != null && t.subresource == null && (WORKLOADS.contains(t.plural)
          || t.group.equals("pave.dev") && PAVE.contains(t.plural))) {
        MockResponse refused = review(request, method, t, WORKLOADS.contains(t.plural)
            ? a.workloads() : a.paveResources());
        if (refused != null) {
          return refused;
        }
      }
    }
    return store.dispatch(request);
  }

  @SuppressWarnings("unchecked")
  private MockResponse review(RecordedRequest request, String method, Target t,
      Function<Map<String, Object>, Map<String, Object>> handler) {
    Map<String, Object> object;
    try {
      // getBytes leaves the body in place for the store; getUtf8Body would consume it.
      object = JSON.readValue(request.getBody().getBytes(), Map.class);
    } catch (Exception e) {
      return null; // the store answers malformed bodies as the in-process API always has
    }
    Map<String, Object> meta = object.get("metadata") instanceof Map<?, ?> m
        ? (Map<String, Object>) m : Map.of();
    String name = t.name != null ? t.name : String.valueOf(meta.get("name"));
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("uid", UUID.randomUUID().toString());
    req.put("kind", Map.of("group", t.group, "version", t.version,
        "kind", String.valueOf(object.get("kind"))));
    req.put("resource", Map.of("group", t.group, "version", t.version, "resource", t.plural));
    if (t.namespace != null) {
      req.put("namespace", t.namespace);
    }
    req.put("name", name);
    req.put("operation", "POST".equals(method) ? "CREATE" : "UPDATE");
    req.put("userInfo", Map.of("username", user(request)));
    req.put("object", object);
    if ("PUT".equals(method)) {
      MockResponse current = store.handleGet(t.objectPath(name));
      if (current.code() == 200) {
        try {
          req.put("oldObject", JSON.readValue(current.getBody().readUtf8(), Map.class));
        } catch (Exception ignored) {
          // an unreadable stored object reviews as a create would
        }
      }
    }
    req.put("dryRun", false);
    Map<String, Object> review = new LinkedHashMap<>();
    review.put("apiVersion", "admission.k8s.io/v1");
    review.put("kind", "AdmissionReview");
    review.put("request", req);
    Map<String, Object> answer = handler.apply(review);
    Map<String, Object> response = answer.get("response") instanceof Map<?, ?> r
        ? (Map<String, Object>) r : Map.of();
    if (Boolean.TRUE.equals(response.get("allowed"))) {
      return null;
    }
    Map<String, Object> status = response.get("status") instanceof Map<?, ?> s
        ? (Map<String, Object>) s : Map.of();
    int code = status.get("code") instanceof Number n ? n.intValue() : 403;
    String message = "admission webhook \"validate.pave.dev\" denied the request: "
        + status.getOrDefault("message", "denied");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("kind", "Status");
    body.put("apiVersion", "v1");
    body.put("metadata", Map.of());
    body.put("status", "Failure");
    body.put("message", message);
    body.put("reason", code == 403 ? "Forbidden" : "BadRequest");
    body.put("code", code);
    try {
      return new MockResponse().setResponseCode(code).setHeader("Content-Type",
          "application/json").setBody(JSON.writeValueAsString(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The user a real API server would have authenticated: the kubeconfig's token is the
   * sandbox's administrator; the operator and console in the process send none.
   */
  private static String user(RecordedRequest request) {
    String auth = request.getHeader("Authorization");
    if (auth != null && auth.startsWith("Bearer ")) {
      return "sandbox:admin";
    }
    String agent = request.getHeader("User-Agent");
    return agent != null && agent.startsWith("pave/") ? "system:serviceaccount:pave-system:pave"
        : "system:anonymous";
  }

  /** What a request path addresses. */
  record Target(String group, String version, String namespace, String plural, String name,
      String subresource) {
    static Target parse(String path) {
      String[] p = path.split("/");
      int i;
      String group;
      String version;
      if (p.length > 2 && p[1].equals("api")) {
        group = "";
        version = p[2];
        i = 3;
      } else if (p.length > 3 && p[1].equals("apis")) {
        group = p[2];
        version = p[3];
        i = 4;
      } else {
        return null;
      }
      String ns = null;
      if (p.length > i + 1 && p[i].equals("namespaces") && p.length > i + 2) {
        ns = p[i + 1];
        i += 2;
      }
      if (p.length <= i) {
        return null;
      }
      String plural = p[i];
      String name = p.length > i + 1 ? p[i + 1] : null;
      String sub = p.length > i + 2 ? p[i + 2] : null;
      return new Target(group, version, ns, plural, name, sub);
    }

    String objectPath(String n) {
      return (group.isEmpty() ? "/api/" : "/apis/" + group + "/") + version
          + (namespace == null ? "" : "/namespaces/" + namespace) + "/" + plural + "/" + n;
    }
  }
}
