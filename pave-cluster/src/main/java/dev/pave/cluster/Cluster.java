package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An embedded Kubernetes API server: one store, the API's handlers, its admission chain and
 * the controllers whose effects clients count on, served over HTTP on a loopback port. The
 * sandbox and every test that needs a cluster use it; kubectl and the fabric8 client talk to
 * it unchanged.
 */
public final class Cluster implements AutoCloseable {
  static {
    // The JDK's HTTP server writes a response's head and body apart; with Nagle's algorithm
    // on, the body waits for the client's delayed ACK, about 40 ms on every request. A real
    // API server (Go's net/http) sets TCP_NODELAY; so must this one, or latencies are the
    // loopback's and not the API's. Read once, when the JDK's server first starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final Store store = new Store();
  private final ResourceTypes types = new ResourceTypes();
  private final Strategies strategies = new Strategies();
  private final List<Admission> admission = new CopyOnWriteArrayList<>();
  private final FieldManager fields = new FieldManager();
  private final Watches watches = new Watches(store);
  private final List<Controller> controllers = new CopyOnWriteArrayList<>();
  private final String adminToken;
  private volatile Authenticator authenticator;
  private HttpServer server;
  private ExecutorService pool;
  private Api api;
  /** Whether the Deployment, ReplicaSet, scheduler and kubelet loops run. */
  private boolean workloads = true;

  private Cluster(String adminToken) {
    this.adminToken = adminToken;
    this.authenticator = token -> token == null ? User.ANONYMOUS
        : token.equals(adminToken) ? User.ADMIN : null;
  }

  /** A cluster on a free loopback port, with its built-in rules and controllers running. */
  public static Cluster start() {
    return start(0, "pave-admin-" + java.util.UUID.randomUUID());
  }

  public static Cluster start(int port, String adminToken) {
    Cluster c = new Cluster(adminToken);
    c.open(port, null);
    return c;
  }

  /**
   * An API server with the controllers of its own objects (CRDs, namespaces, garbage
   * collection) but no Deployment, ReplicaSet, scheduler or kubelet loops, as an API server
   * without its controller manager's workload controllers: Deployments are stored and never
   * rolled out. For benchmarks of thousands of Applications, whose pods the simulated nodes
   * would otherwise spend the machine on.
   */
  public static Cluster startWithoutWorkloads(int port, String adminToken) {
    Cluster c = new Cluster(adminToken);
    c.workloads = false;
    c.open(port, null);
    return c;
  }

  /**
   * A cluster serving HTTPS with a certificate made for it, as clients that send bearer
   * tokens only over TLS (kubectl) need; its kubeconfig trusts that certificate.
   */
  public static Cluster startTls(int port, String adminToken) {
    Cluster c = new Cluster(adminToken);
    // keytool starts a JVM per step: the two certificates are made side by side
    java.util.concurrent.CompletableFuture<ClientCa> clients =
        java.util.concurrent.CompletableFuture.supplyAsync(ClientCa::create);
    ServingCertificate serving = ServingCertificate.create(clients::join);
    c.clients = clients.join();
    c.open(port, serving);
    return c;
  }

  private void open(int port, ServingCertificate tls) {
    this.tls = tls;
    try {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      if (tls == null) {
        server = HttpServer.create(address, 256);
      } else {
        com.sun.net.httpserver.HttpsServer https =
            com.sun.net.httpserver.HttpsServer.create(address, 256);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls.context()) {
          @Override
          public void configure(com.sun.net.httpserver.HttpsParameters params) {
            // as kube-apiserver with --client-ca-file: a certificate is asked for, and one
            // signed by the client CA authenticates; without one, a token or nobody does
            javax.net.ssl.SSLParameters p = getSSLContext().getDefaultSSLParameters();
            p.setWantClientAuth(true);
            params.setSSLParameters(p);
          }
        });
        server = https;
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on 127.0.0.1:" + port
          + " for the embedded Kubernetes API: " + e.getMessage(), e);
    }
    Discovery discovery = new Discovery(types, "127.0.0.1:" + server.getAddress().getPort());
    api = new Api(types, discovery, new Reads(store), new Writes(store, strategies, admission,
        fields), watches);
    strategies.add(new BuiltInStrategy());
    strategies.add(new CustomSchema(store));
    pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "pave-cluster-http");
      t.setDaemon(true);
      return t;
    });
    Tokens tokens = new Tokens(store, types, adminToken);
    authenticator = tokens;
    Rbac rbac = new Rbac(store, types);
    api.authorizer(rbac);
    Reviews reviews = new Reviews(rbac, tokens);
    api.route((t, r) -> Reviews.handles(t) ? reviews.create(t, r) : null);
    api.route((t, r) -> "token".equals(t.subresource()) && "POST".equals(r.method())
        && t.type().group().isEmpty() && t.type().plural().equals("serviceaccounts")
        ? tokens.request(t, r) : null);
    admission.add(new PodSecurity(store, types));
    AdmissionPolicies policies = new AdmissionPolicies(store, types);
    strategies.add(policies);
    admission.add(policies);
    admission.add(new Webhooks(store, types));
    strategies.add(new Events());
    api.route((t, r) -> Events.route(t, r, api::handle));
    OpenApi openApi = new OpenApi(types, store);
    api.path(openApi::answer);
    api.tables(new Tables(store));
    PodConnections connections = new PodConnections(store);
    api.route(connections::answer);
    api.route((t, r) -> DeleteAdmission.check(store, admission, t, r));
    server.setExecutor(pool);
    server.createContext("/", this::serve);
    createSystemNamespaces();
    server.start();
    strategies.add(new CrdStrategy());
    run(new CrdController());
    run(new AdmissionPolicies.TypeChecker());
    run(new NamespaceController());
    run(new GarbageCollector());
    if (workloads) {
      run(new PodLifecycle());
      run(new SchedulerEvents());
      run(new ReplicaSetController());
      run(new DeploymentController());
    }
  }

  /**
   * The namespaces kube-apiserver's system namespaces controller makes at start, before any
   * client is served: kubectl without {@code -n} works in {@code default}, and a client that
   * lists namespaces sees what it would on a real cluster. Written as the apiserver writes them
   * (its field manager; the {@code kubernetes.io/metadata.name} label, the {@code kubernetes}
   * finalizer and phase Active come from the namespace strategy, as for any namespace).
   */
  private void createSystemNamespaces() {
    for (String name : SYSTEM_NAMESPACES) {
      ObjectNode ns = Json.object();
      ns.put("apiVersion", "v1").put("kind", "Namespace");
      ns.putObject("metadata").put("name", name);
      Response r = handle(new Request("POST", "/api/v1/namespaces", Map.of(),
          Map.of("content-type", "application/json", "user-agent", "kube-apiserver/v1.36.2"),
          Json.bytes(ns), User.CONTROLLER));
      if (r.status() != 201) {
        throw new IllegalStateException("cannot create the namespace " + name + ": "
            + r.status() + " " + new String(r.body(), StandardCharsets.UTF_8));
      }
    }
  }

  /** The namespaces every cluster has from the start, in the order kube-apiserver makes them. */
  public static final List<String> SYSTEM_NAMESPACES =
      List.of("kube-system", "kube-public", "kube-node-lease", "default");

  /** Starts a controller on this cluster's store. */
  void run(Controller c) {
    controllers.add(c);
    c.start(this);
  }

  public String url() {
    return (tls == null ? "http" : "https") + "://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The serving certificate in PEM for clients to trust, or null when serving plain HTTP. */
  public String certificate() {
    return tls == null ? null : tls.pem();
  }

  private ServingCertificate tls;
  private ClientCa clients;

  /**
   * A TLS context for clients of this cluster: trusts its serving certificate and, when
   * {@code asAdmin}, presents the administrator's client certificate (CN=admin,
   * O=system:masters), as clients given the installer's kubeconfig do.
   */
  javax.net.ssl.SSLContext clientContext(boolean asAdmin) {
    if (tls == null) {
      throw new IllegalStateException("this cluster serves plain HTTP");
    }
    try {
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("serving", java.security.cert.CertificateFactory
          .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(
              tls.pem().getBytes(StandardCharsets.US_ASCII))));
      javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
          javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(asAdmin ? clients.adminKeys().getKeyManagers() : null, tmf.getTrustManagers(),
          null);
      return ctx;
    } catch (java.security.GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The token that authenticates as a cluster administrator (group system:masters). */
  public String adminToken() {
    return adminToken;
  }

  public Store store() {
    return store;
  }

  ResourceTypes types() {
    return types;
  }

  /** Every stored object as stored (versions, uids, status), for saving across restarts. */
  public List<com.fasterxml.jackson.databind.node.ObjectNode> objects() {
    return store.all();
  }

  /**
   * Puts saved objects back as they were, before any client reads: definitions first, so
   * that the kinds they define are served and their objects find their keys; then the
   * controllers look at everything again, as after a restart. Objects of kinds not served
   * are skipped; returns how many were restored.
   */
  public int restore(List<com.fasterxml.jackson.databind.node.ObjectNode> saved) {
    int n = 0;
    for (boolean definitions : new boolean[] {true, false}) {
      for (com.fasterxml.jackson.databind.node.ObjectNode o : saved) {
        boolean crd = "CustomResourceDefinition".equals(o.path("kind").asText())
            && "apiextensions.k8s.io/v1".equals(o.path("apiVersion").asText());
        if (crd != definitions) {
          continue;
        }
        ResourceType t = types.byKind(o.path("apiVersion").asText(), o.path("kind").asText())
            .orElse(null);
        JsonNode m = o.path("metadata");
        if (t == null || m.path("name").asText("").isEmpty()) {
          continue;
        }
        store.restore(Store.key(t, t.namespaced() ? m.path("namespace").asText("") : "",
            m.path("name").asText()), o);
        if (crd) {
          types.define(m.path("name").asText(), o);
        }
        n++;
      }
    }
    controllers.forEach(Controller::initial);
    return n;
  }

  /** Adds an admission step after those already there. */
  public void admit(Admission a) {
    admission.add(a);
  }

  public void authorize(Authorizer a) {
    api.authorizer(a);
  }

  public void authenticate(Authenticator a) {
    authenticator = a;
  }

  void strategy(Strategy s) {
    strategies.add(s);
  }

  /** A kubeconfig for kubectl and other processes, authenticated as the administrator. */
  public String kubeconfig(String name) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s%4$s
        contexts:
        - name: %1$s
          context: {cluster: %1$s, user: %1$s-admin}
        current-context: %1$s
        users:
        - name: %1$s-admin
          user: {token: %3$s}
        """.formatted(name, url(), adminToken, tls == null ? "" : "\n    certificate-authority-data: "
            + java.util.Base64.getEncoder().encodeToString(
                tls.pem().getBytes(StandardCharsets.UTF_8)));
  }

  /** A request from inside the process, as the controllers' service account. */
  public Response internalWrite(String method, String path, JsonNode body) {
    return handle(new Request(method, path, Map.of(), Map.of("content-type", "application/json",
        "user-agent", "kube-controller-manager/v1.36.2"), body == null ? new byte[0]
        : Json.bytes(body), User.CONTROLLER));
  }

  /** Handles a request as if it came over HTTP (used by tests and in-process clients). */
  public Response handle(Request r) {
    try {
      return ContentTypes.encoded(r, api.handle(ContentTypes.decoded(r)));
    } catch (ApiException e) {
      return Response.of(e);
    }
  }

  /**
   * Requests clients sent over HTTP since the last reset, by verb and resource (such as
   * {@code "PUT deployments"}, {@code "WATCH pods"}, {@code "GET /apis"}); the controllers
   * inside the API are not counted. Benchmarks and tests measure a client's cost with it.
   */
  public Map<String, Long> requests() {
    Map<String, Long> out = new java.util.TreeMap<>();
    requests.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public void resetRequests() {
    requests.clear();
  }

  private final Map<String, java.util.concurrent.atomic.LongAdder> requests =
      new java.util.concurrent.ConcurrentHashMap<>();

  private void count(Request r) {
    String verb = Api.isWatch(r) ? "WATCH" : r.method();
    String what;
    try {
      Target t = Target.parse(r.path(), types);
      what = t.subresource() == null ? t.type().plural()
          : t.type().plural() + "/" + t.subresource();
      if (verb.equals("GET") && t.collection()) {
        verb = "LIST";
      }
    } catch (ApiException e) {
      what = r.path();
    }
    requests.computeIfAbsent(verb + " " + what,
        k -> new java.util.concurrent.atomic.LongAdder()).increment();
  }

  private void serve(HttpExchange ex) throws IOException {
    try (ex) {
      try {
        serveOpen(ex);
      } catch (RuntimeException e) {
        // Answered before the exchange closes, so the client gets the 500, not a reset.
        send(ex, Response.of(ApiException.internal(e.toString())));
      }
    } catch (IOException e) {
      // the client went away; nothing to answer
    }
  }

  private void serveOpen(HttpExchange ex) throws IOException {
    {
      Request r = request(ex);
      count(r);
      if (Api.isWatch(r) && "websocket".equalsIgnoreCase(r.headers().get("upgrade"))) {
        // A WebSocket upgrade cannot be made on this HTTP server. An empty 200 that closes the
        // connection fails the handshake at once, and fabric8's client then watches over a
        // plain HTTP stream, as it does behind proxies that do not upgrade; a 503 instead made
        // it retry the WebSocket with backoff for seconds per watch.
        ex.getResponseHeaders().set("Connection", "close");
        send(ex, new Response(200, "application/json", new byte[0], List.of(), Map.of()));
        return;
      }
      if (Api.isWatch(r)) {
        Response refused = api.watch(r, new Watches.Sink() {
          private OutputStream out;

          @Override
          public void start() throws IOException {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("Transfer-Encoding", "chunked");
            ex.sendResponseHeaders(200, 0);
            out = ex.getResponseBody();
          }

          @Override
          public void line(byte[] line) throws IOException {
            out.write(line);
            out.flush();
          }
        });
        if (refused != null) {
          send(ex, refused);
        }
        return;
      }
      send(ex, handle(r));
    }
  }

  private Request request(HttpExchange ex) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT),
        String.join(",", v)));
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    String auth = headers.get("authorization");
    String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
        ? auth.substring(7).strip() : null;
    User user = certificateUser(ex);
    if (user == null) {
      user = authenticator.authenticate(token);
    }
    return new Request(ex.getRequestMethod().toUpperCase(Locale.ROOT),
        ex.getRequestURI().getRawPath(), query(ex.getRequestURI().getRawQuery()), headers, body,
        user);
  }

  /**
   * The user a client certificate names, or null without one. The TLS handshake has already
   * verified it against the client CA; kube-apiserver's union authenticator asks the x509
   * authenticator before the token ones, so a certificate wins over a bearer token.
   */
  private static User certificateUser(HttpExchange ex) {
    if (!(ex instanceof com.sun.net.httpserver.HttpsExchange https)) {
      return null;
    }
    try {
      java.security.cert.Certificate[] chain = https.getSSLSession().getPeerCertificates();
      return chain.length == 0 || !(chain[0] instanceof java.security.cert.X509Certificate c)
          ? null : ClientCa.user(c);
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return null;
    }
  }

  static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      q.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return q;
  }

  private static void send(HttpExchange ex, Response r) {
    try {
      ex.getResponseHeaders().set("Content-Type", r.contentType());
      r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      for (String w : r.warnings()) {
        ex.getResponseHeaders().add("Warning", "299 - \"" + w.replace("\"", "\\\"") + "\"");
      }
      ex.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
      if (r.body().length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(r.body());
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  @Override
  public void close() {
    controllers.forEach(Controller::stop);
    watches.close();
    if (server != null) {
      server.stop(0);
    }
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
