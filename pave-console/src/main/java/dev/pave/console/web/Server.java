package dev.pave.console.web;

import dev.pave.console.Auth;
import dev.pave.console.Console;
import dev.pave.console.access.ApiTokens;
import dev.pave.console.access.ClientAddress;
import dev.pave.console.access.LoginLimiter;
import dev.pave.console.access.OidcLogin;
import dev.pave.console.access.Sessions;
import dev.pave.console.audit.AuditLog;
import dev.pave.console.catalog.ServiceIndex;
import dev.pave.console.incidents.Acknowledgements;
import dev.pave.console.service.Links;
import dev.pave.console.service.ServiceDetails;
import dev.pave.console.web.api.AccountApi;
import dev.pave.console.web.api.PoliciesApi;
import dev.pave.console.web.api.ServicesApi;
import dev.pave.console.web.api.SignalsApi;
import dev.pave.console.web.api.TokensApi;
import dev.pave.console.web.auth.Authentication;
import dev.pave.console.web.auth.Login;
import dev.pave.console.web.pages.AdoptionPage;
import dev.pave.console.web.pages.AuditPage;
import dev.pave.console.web.pages.CatalogPage;
import dev.pave.console.web.pages.PoliciesPage;
import dev.pave.console.web.pages.ServicePages;
import dev.pave.console.web.pages.SignalsPage;
import dev.pave.console.web.pages.TokensPage;
import dev.pave.control.Releases;
import dev.pave.control.Rollbacks;
import dev.pave.signals.store.ConsoleQueries;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.flywaydb.core.Flyway;

/**
 * The console's HTTP server: builds its parts and declares every route in {@link #routes}.
 * Handlers live by concern: logging in and sessions in {@code web.auth}, pages in
 * {@code web.pages}, the REST API in {@code web.api}.
 */
public final class Server implements AutoCloseable {
  /** A route that changes something: all of them are tested for refusing wrong callers. */
  public record Route(String method, String path, boolean api) {}

  public static final List<Route> MUTATING = List.of(
      new Route("POST", "/api/v1/services/{app}/{env}/rollback", true),
      new Route("POST", "/api/v1/services/{app}/{env}/deploy", true),
      new Route("POST", "/api/v1/exceptions", true),
      new Route("DELETE", "/api/v1/exceptions/{namespace}/{name}", true),
      new Route("POST", "/api/v1/deliveries/{sink}/replay", true),
      new Route("POST", "/api/v1/incidents/{key}/acknowledge", true),
      new Route("POST", "/api/v1/tokens", true),
      new Route("DELETE", "/api/v1/tokens/{id}", true),
      new Route("POST", "/services/{app}/{env}/rollback", false),
      new Route("POST", "/exceptions", false),
      new Route("POST", "/exceptions/{namespace}/{name}/delete", false),
      new Route("POST", "/deliveries/{sink}/replay", false),
      new Route("POST", "/incidents/{key}/acknowledge", false),
      new Route("POST", "/tokens", false),
      new Route("POST", "/tokens/{id}/revoke", false));

  private static final String HTMX = "/META-INF/resources/webjars/htmx.org/2.0.4/dist/htmx.min.js";
  private static final String HTMX_SSE =
      "/META-INF/resources/webjars/htmx-ext-sse/2.2.2/sse.js";

  private final Console.Settings settings;
  private final ServiceIndex index;
  private final ConsoleQueries queries;
  private final AtomicReference<String> adminToken = new AtomicReference<>();
  private final ScheduledExecutorService refresh;
  private final SecurityHeaders securityHeaders;
  private final Html html;
  private final Authentication authentication;
  private final Login login;
  private final CatalogPage catalogPage;
  private final ServicePages servicePages;
  private final PoliciesPage policiesPage;
  private final SignalsPage signalsPage;
  private final TokensPage tokensPage;
  private final AdoptionPage adoptionPage;
  private final AuditPage auditPage;
  private final LiveUpdates live = new LiveUpdates(250, 15);
  private final Theme theme;
  private final AccountApi accountApi;
  private final ServicesApi servicesApi;
  private final PoliciesApi policiesApi;
  private final SignalsApi signalsApi;
  private final TokensApi tokensApi;
  private Javalin app;
  private URI url;

  private Server(Console.Settings s) throws IOException {
    this.settings = s;
    this.index = new ServiceIndex(s.kubernetes(), s.defaultEnvironment(), s.clock(), s.log(),
        s.policies());
    Releases releases = new Releases(s.kubernetes(), s.clock(), System::nanoTime, 20);
    ServiceDetails details = new ServiceDetails(index, s.clock(), new Links(s.links()));
    ApiTokens tokens = new ApiTokens(s.dataSource(), s.clock());
    AuditLog audit = new AuditLog(s.dataSource(), s.signals() == null ? null
        : s.signals().ingest(), s.clock(), s.log());
    Acknowledgements acks = new Acknowledgements(s.dataSource(), s.clock());
    Actions actions = new Actions(s.kubernetes(), index, new Rollbacks(s.kubernetes(), releases),
        tokens, audit, s.signals(), s.clock(), acks);
    Sessions sessions = new Sessions(s.dataSource(), s.clock(), new Sessions.Lifetimes(
        s.sessionIdle(), s.sessionLifetime()), tokens);
    OidcLogin oidc = s.auth() instanceof Auth.Oidc o
        ? new OidcLogin(o, s.dataSource(), s.clock()) : null;
    this.queries = s.signals() == null ? null
        : new ConsoleQueries(s.signals().database().dataSource());
    boolean secureCookies = s.publicUrl() != null && "https".equals(s.publicUrl().getScheme());
    this.securityHeaders = new SecurityHeaders(secureCookies);
    this.theme = new Theme(secureCookies);
    this.refresh = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "pave-console-incidents");
      t.setDaemon(true);
      return t;
    });
    if (s.auth() instanceof Auth.Sandbox) {
      adminToken.set("pave_admin_" + Sessions.random());
    }
    Reads reads = new Reads(s, index, actions, tokens, queries, acks);
    this.html = new Html(oidc == null);
    this.authentication = new Authentication(tokens, sessions, adminToken);
    this.login = new Login(new Login.Parts(html, tokens, sessions,
        new LoginLimiter(s.dataSource(), 10, Duration.ofMinutes(1), s.clock()),
        new ClientAddress(s.trustedProxies()), oidc, audit, adminToken, s.clock(),
        secureCookies, this::url));
    this.catalogPage = new CatalogPage(html, index, s.clock());
    this.servicePages = new ServicePages(html, details, actions, reads, s.clock());
    this.policiesPage = new PoliciesPage(html, index, actions, reads, s.clock());
    this.signalsPage = new SignalsPage(html, actions, reads);
    this.tokensPage = new TokensPage(html, actions, reads, s.clock(), index);
    this.adoptionPage = new AdoptionPage(html, index);
    this.auditPage = new AuditPage(html, audit);
    this.accountApi = new AccountApi(index, audit);
    this.servicesApi = new ServicesApi(index, details, actions, reads);
    this.policiesApi = new PoliciesApi(actions, reads);
    this.signalsApi = new SignalsApi(actions, reads);
    this.tokensApi = new TokensApi(actions, reads);
  }

  public static Server start(Console.Settings s) {
    Flyway.configure().dataSource(s.dataSource()).locations("classpath:db/console")
        .table("pave_console_schema_history").baselineOnMigrate(true).baselineVersion("0")
        .load().migrate();
    if (s.auth() instanceof Auth.Oidc o) {
      boolean loopback = o.redirectUri().getHost() != null
          && (o.redirectUri().getHost().equals("127.0.0.1")
              || o.redirectUri().getHost().equals("localhost"));
      if (!"https".equals(o.redirectUri().getScheme()) && !loopback) {
        throw new IllegalArgumentException("OIDC redirect URL " + o.redirectUri()
            + ": must be https (plain http only on loopback)");
      }
    }
    Server server;
    try {
      server = new Server(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.index.onChange(server.live::changed);
    server.index.start();
    server.open();
    return server;
  }

  private void open() {
    app = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.http.maxRequestSize = 1024L * 1024;
      c.jetty.modifyServer(server -> server.setErrorHandler(securityHeaders.errorHandler()));
      routes(c.routes);
    }).start(settings.host(), settings.port());
    url = settings.publicUrl() != null ? settings.publicUrl()
        : URI.create("http://" + (settings.host().contains(":") ? "[" + settings.host() + "]"
            : settings.host()) + ":" + app.port());
    if (queries != null) {
      refresh.scheduleWithFixedDelay(this::refreshIncidents, 0, 5, TimeUnit.SECONDS);
    }
    settings.log().accept("console listening on " + url + " (" + (settings.auth()
        instanceof Auth.Oidc ? "OIDC login" : "sandbox login") + ")");
  }

  private void refreshIncidents() {
    try {
      index.incidents(queries.openIncidentsByService());
    } catch (Exception e) {
      settings.log().accept("open incidents not read: " + e.getMessage());
    }
  }

  public URI url() {
    return url;
  }

  public int port() {
    return app.port();
  }

  public Optional<String> adminToken() {
    return Optional.ofNullable(adminToken.get());
  }

  ServiceIndex index() {
    return index;
  }

  /** Every route of the console, in one place. */
  private void routes(RoutesConfig r) {
    r.before(this::headers);
    r.before(authentication::authenticate);
    // Public
    r.get("/healthz", accountApi::health);
    r.get("/static/htmx.min.js", ctx -> Http.resource(ctx, HTMX, "text/javascript"));
    r.get("/static/htmx-sse.js", ctx -> Http.resource(ctx, HTMX_SSE, "text/javascript"));
    r.get("/static/{file}", ctx -> Http.resource(ctx, "/console/static/"
        + ctx.pathParam("file"), null));
    r.get("/api/openapi.yaml", ctx -> Http.resource(ctx, "/console/openapi.yaml",
        "application/yaml"));
    r.get("/login", login::page);
    r.post("/login", login::submit);
    r.get("/login/oidc", login::oidcStart);
    r.get("/login/callback", login::oidcCallback);
    r.post("/logout", login::logout);
    // Pages
    r.get("/", ctx -> ctx.redirect("/catalog"));
    r.get("/theme", theme::set);
    r.get("/catalog", catalogPage::show);
    r.sse("/events", live::subscribe);
    r.get("/services/{app}/{env}", servicePages::show);
    r.get("/services/{app}/{env}/diff", servicePages::diff);
    r.get("/services/{app}/{env}/rollback", servicePages::confirmRollback);
    r.post("/services/{app}/{env}/rollback", servicePages::rollback);
    r.get("/policies", policiesPage::show);
    r.post("/exceptions", policiesPage::createException);
    r.post("/exceptions/{namespace}/{name}/delete", policiesPage::deleteException);
    r.get("/signals", signalsPage::show);
    r.post("/deliveries/{sink}/replay", signalsPage::replay);
    r.get("/incidents/{key}", signalsPage::incident);
    r.post("/incidents/{key}/acknowledge", signalsPage::acknowledge);
    r.get("/adoption", adoptionPage::show);
    r.get("/adoption/{namespace}/{kind}/{name}", adoptionPage::workload);
    r.get("/tokens", tokensPage::show);
    r.post("/tokens", tokensPage::create);
    r.post("/tokens/{id}/revoke", tokensPage::revoke);
    r.get("/audit", auditPage::show);
    // API
    r.get("/api/v1/me", accountApi::me);
    r.get("/api/v1/services", servicesApi::list);
    r.get("/api/v1/services/{app}/{env}", servicesApi::one);
    r.get("/api/v1/services/{app}/{env}/rendered", servicesApi::rendered);
    r.get("/api/v1/services/{app}/{env}/revisions", servicesApi::revisions);
    r.get("/api/v1/services/{app}/{env}/diff", servicesApi::diff);
    r.get("/api/v1/services/{app}/{env}/timeline", servicesApi::timeline);
    r.post("/api/v1/services/{app}/{env}/rollback", servicesApi::rollback);
    r.post("/api/v1/services/{app}/{env}/deploy", servicesApi::deploy);
    r.get("/api/v1/policies", policiesApi::packs);
    r.get("/api/v1/exceptions", policiesApi::exceptions);
    r.post("/api/v1/exceptions", policiesApi::createException);
    r.delete("/api/v1/exceptions/{namespace}/{name}", policiesApi::deleteException);
    r.get("/api/v1/incidents", signalsApi::incidents);
    r.post("/api/v1/incidents/{key}/acknowledge", signalsApi::acknowledge);
    r.get("/api/v1/deliveries", signalsApi::deliveries);
    r.post("/api/v1/deliveries/{sink}/replay", signalsApi::replay);
    r.get("/api/v1/adoption", accountApi::adoption);
    r.get("/api/v1/tokens", tokensApi::list);
    r.post("/api/v1/tokens", tokensApi::create);
    r.delete("/api/v1/tokens/{id}", tokensApi::revoke);
    r.get("/api/v1/audit", accountApi::audit);
    // Errors
    r.exception(HttpResponseException.class, (e, ctx) -> html.error(ctx, e.getStatus(),
        e.getMessage()));
    r.exception(Exception.class, (e, ctx) -> {
      settings.log().accept("request " + ctx.method() + " " + ctx.path() + " failed: " + e);
      html.error(ctx, 500, "internal error (" + e.getClass().getSimpleName() + "); see the"
          + " console's log");
    });
    r.error(404, ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty()) {
        html.error(ctx, 404, "no such page: " + ctx.path());
      }
    });
  }

  private void headers(Context ctx) {
    securityHeaders.apply(ctx::header);
    if (!ctx.path().startsWith("/static/")) {
      ctx.header("Cache-Control", "no-store");
    }
  }

  @Override
  public void close() {
    refresh.shutdownNow();
    live.close();
    if (app != null) {
      app.stop();
    }
    index.close();
  }
}
