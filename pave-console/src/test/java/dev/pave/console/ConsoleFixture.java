package dev.pave.console;

import dev.pave.control.ApplicationReconciler;
import dev.pave.control.ApplicationResource;
import dev.pave.control.Releases;
import dev.pave.render.Manifests;
import dev.pave.render.Renderer;
import dev.pave.schema.CustomResourceDefinitions;
import dev.pave.signals.Postgres;
import dev.pave.signals.TestApi;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Database;
import dev.pave.spec.Application;
import dev.pave.spec.Environments;
import dev.pave.spec.SpecReader;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console as the sandbox runs it: the embedded Kubernetes API (no operator: the fixture
 * records revisions through Releases and writes the status an operator would), a real
 * PostgreSQL, the real signals pipeline, and the console in sandbox mode.
 *
 * <p>Seeded: checkout (team payments) in dev with revisions 1 (1.4.2) and 2 (:latest, which
 * the image-tag rule finds); search (team discovery) in dev; an unmanaged Deployment
 * "legacy-cron" in namespace payments-legacy.
 */
final class ConsoleFixture implements AutoCloseable {
  final TestApi api;
  final KubernetesClient client;
  /** Counts what the console asks the API server; the console has a client of its own. */
  final ApiRequests consoleRequests = new ApiRequests();
  final KubernetesClient consoleClient;
  final Database db;
  final Pipeline pipeline;
  final Console console;
  final Releases releases;
  final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
  final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .build();
  final String adminToken;

  ConsoleFixture(Path dir) throws Exception {
    this(dir, b -> { });
  }

  /** The fixture with further console settings, e.g. trusted proxies or session lifetimes. */
  ConsoleFixture(Path dir, java.util.function.Consumer<Console.Builder> settings)
      throws Exception {
    api = paveApi().namespaces("apps", "payments-legacy");
    client = api.client;
    releases = new Releases(client, Clock.systemUTC(), System::nanoTime, 20);
    seed("checkout", "payments", List.of("1.4.2", "latest"));
    seed("search", "discovery", List.of("3.0.0"));
    client.apps().deployments().inNamespace("payments-legacy").resource(new DeploymentBuilder()
        .withNewMetadata().withName("legacy-cron").withNamespace("payments-legacy")
        .addToLabels("pave.dev/team", "payments").endMetadata().withNewSpec().withNewSelector()
        .addToMatchLabels("app", "legacy-cron").endSelector().withNewTemplate().withNewMetadata()
        .addToLabels("app", "legacy-cron").endMetadata().withNewSpec().addNewContainer()
        .withName("cron").withImage("registry.example.com/payments/legacy-cron:2.1.0")
        .endContainer().endSpec().endTemplate().endSpec().build())
        .create();

    db = Postgres.fresh();
    String yaml = """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake:
          port: 0
        sinks:
          - name: soc
            type: webhook
            url: http://127.0.0.1:9/unreachable
            retry: {initialBackoff: 10ms, maxBackoff: 20ms, maxAttempts: 1}
        routes:
          - sinks: [soc]
        """;
    var read = ConfigReader.read("signals.yaml", yaml, dir);
    if (!read.problems().isEmpty()) {
      throw new IllegalStateException(read.problems().toString());
    }
    pipeline = Pipeline.start(read.config(), db, Clock.systemUTC(), log::add);
    consoleClient = consoleRequests.client(api.cluster);
    Console.Builder b = Console.Settings.builder().kubernetes(consoleClient)
        .dataSource(db.dataSource()).signals(pipeline).auth(Auth.sandbox()).port(0)
        .link("Dashboard", "https://grafana.example.com/d/svc?var-app={app}&var-env={env}")
        .log(log::add);
    settings.accept(b);
    console = Console.start(b.build());
    adminToken = console.adminToken().orElseThrow();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
        get("/api/v1/services", adminToken).body().contains("\"total\":2"));
  }

  /** The embedded API with Pave's definitions installed, as the console expects a cluster. */
  static TestApi paveApi() {
    return TestApi.start().define(CustomResourceDefinitions.application(),
        CustomResourceDefinitions.applicationRevision(),
        CustomResourceDefinitions.environment(), policyExceptionCrd());
  }

  static Map<String, Object> policyExceptionCrd() {
    Map<String, Object> schema = Map.of("openAPIV3Schema", Map.of("type", "object",
        "x-kubernetes-preserve-unknown-fields", true));
    return Map.of("apiVersion", "apiextensions.k8s.io/v1", "kind", "CustomResourceDefinition",
        "metadata", Map.of("name", "policyexceptions.pave.dev"),
        "spec", Map.of("group", "pave.dev", "scope", "Namespaced",
            "names", Map.of("kind", "PolicyException", "plural", "policyexceptions",
                "singular", "policyexception"),
            "versions", List.of(Map.of("name", "v1alpha1", "served", true, "storage", true,
                "schema", schema))));
  }

  /** One Application in dev with a revision per image, and the status an operator writes. */
  void seed(String app, String team, List<String> versions) {
    String ns = app + "-dev";
    Releases.Target t = new Releases.Target(app, "dev", ns);
    Map<String, Object> spec = null;
    int revision = 0;
    for (String v : versions) {
      spec = new LinkedHashMap<>();
      spec.put("team", team);
      spec.put("image", "registry.example.com/" + team + "/" + app + ":" + v);
      spec.put("port", 8080);
      spec.put("owner", "owner@example.com");
      spec.put("runbook", "https://runbooks.example.com/" + app);
      String specYaml = Manifests.yamlOf(Map.of("apiVersion", "pave.dev/v1alpha1",
          "kind", "Application", "metadata", Map.of("name", app), "spec", spec));
      Application a = SpecReader.read(app, specYaml).applications().get(0).value();
      revision = releases.deploy(t, Renderer.render(a, Environments.builtIn().get("dev")),
          specYaml, "alice", "c0ffee" + v).revision();
    }
    ApplicationResource r = new ApplicationResource();
    r.setMetadata(new ObjectMetaBuilder().withName(app).withNamespace("apps")
        .addToLabels(ApplicationReconciler.ENVIRONMENT_LABEL, "dev").build());
    r.setSpec(spec);
    r = client.resource(r).create();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("revision", revision);
    status.put("phase", "Available");
    status.put("objects", List.of(Map.of("kind", "Deployment", "namespace", ns, "name", app,
        "action", "created")));
    status.put("conditions", List.of(Map.of("type", "Ready", "status", "True",
        "reason", "RolloutAvailable", "message", "Revision " + revision + " is available.")));
    r.setStatus(status);
    client.resource(r).updateStatus();
  }

  /**
   * A firing alert for {@code app} in dev, through the signals pipeline; returns the key of the
   * incident it opens once pave-signals has it.
   */
  String incident(String app, String title) throws Exception {
    java.time.Instant now = java.time.Instant.now();
    String id = "alert-" + app + "-" + Integer.toHexString(title.hashCode());
    var s = new dev.pave.signals.Signal(id, dev.pave.signals.SignalType.ALERT,
        dev.pave.signals.Status.FIRING, dev.pave.signals.Severity.HIGH, now, title, "",
        Map.of(dev.pave.identity.Identity.NAME, app, dev.pave.identity.Identity.ENVIRONMENT,
            "dev", "alertname", title), Map.of(), null,
        new dev.pave.signals.Origin.Alert("console-test", id, id, now, null, null, null),
        "dedup-" + id, title);
    pipeline.ingest().submit(List.of(s));
    return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        pipeline.store().listIncidents(null, 50).stream().filter(i -> title.equals(i.title()))
            .map(dev.pave.signals.incident.Incident::key).findFirst().orElse(null),
        java.util.Objects::nonNull);
  }

  URI url(String path) {
    return URI.create(console.url() + path);
  }

  HttpResponse<String> get(String path, String bearer) throws Exception {
    var b = HttpRequest.newBuilder(url(path)).GET();
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path, String body, String... headers)
      throws Exception {
    var b = HttpRequest.newBuilder(url(path)).method(method, body == null
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Posts the login form as a browser does: the form's pre-session token from GET /login and
   * its cookie, plus {@code headers}.
   */
  HttpResponse<String> postLogin(String token, String... headers) throws Exception {
    return postLogin(http, console.url().toString(), token, "", headers);
  }

  /** The login form with further fields ({@code "&next=..."}). */
  HttpResponse<String> postLoginForm(String token, String moreFields, String... headers)
      throws Exception {
    return postLogin(http, console.url().toString(), token, moreFields, headers);
  }

  static HttpResponse<String> postLogin(HttpClient http, String base, String token,
      String moreFields, String... headers) throws Exception {
    var page = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
        HttpResponse.BodyHandlers.ofString());
    String cookie = page.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("pave_prelogin=")).findFirst().orElseThrow().split(";")[0];
    String csrf = page.body().replaceAll("(?s).*name=\"_csrf\" value=\"([^\"]+)\".*", "$1");
    var b = HttpRequest.newBuilder(URI.create(base + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
        .POST(HttpRequest.BodyPublishers.ofString("token=" + java.net.URLEncoder.encode(token,
            java.nio.charset.StandardCharsets.UTF_8) + "&_csrf=" + csrf + moreFields));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Logs in with the form; returns the session cookie ("pave_session=..."). */
  String login(String token) throws Exception {
    var r = postLogin(token);
    if (r.statusCode() != 303) {
      throw new IllegalStateException("login: " + r.statusCode() + " " + r.body());
    }
    return r.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("pave_session=")).findFirst().orElseThrow().split(";")[0];
  }

  /** Creates an API token through the API as the sandbox admin; returns the secret. */
  String token(String role, String team, int days) throws Exception {
    var r = send("POST", "/api/v1/tokens", "{\"name\":\"t-" + role + "-" + team + "\",\"role\":\""
        + role + "\"," + (team == null ? "" : "\"team\":\"" + team + "\",")
        + "\"expiresInDays\":" + days + "}", "Authorization", "Bearer " + adminToken,
        "Content-Type", "application/json");
    if (r.statusCode() != 201) {
      throw new IllegalStateException(r.statusCode() + " " + r.body());
    }
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("token")
        .asText();
  }

  @Override
  public void close() throws Exception {
    console.close();
    consoleClient.close();
    pipeline.close();
    db.close();
    api.close();
  }

  static Path tempDir() throws Exception {
    return Files.createTempDirectory("pave-console");
  }
}
