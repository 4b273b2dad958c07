package dev.pave.console.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.console.Auth;
import dev.pave.console.Console;
import dev.pave.console.access.Access;
import dev.pave.console.access.ApiTokens;
import dev.pave.console.access.ClientAddress;
import dev.pave.console.access.LoginLimiter;
import dev.pave.console.access.OidcLogin;
import dev.pave.console.access.Principal;
import dev.pave.console.access.Role;
import dev.pave.console.access.Sessions;
import dev.pave.console.audit.AuditLog;
import dev.pave.console.catalog.CatalogQuery;
import dev.pave.console.catalog.ServiceEntry;
import dev.pave.console.catalog.ServiceIndex;
import dev.pave.console.service.Links;
import dev.pave.console.service.ServiceDetails;
import dev.pave.control.Releases;
import dev.pave.control.Rollbacks;
import dev.pave.policy.Exemptions;
import dev.pave.policy.Finding;
import dev.pave.policy.Policy;
import dev.pave.policy.PolicyException;
import dev.pave.release.Revision;
import dev.pave.signals.deliver.Deliverer;
import dev.pave.signals.store.ConsoleQueries;
import dev.pave.spec.Document;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpResponseException;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.TooManyRequestsResponse;
import io.javalin.http.UnauthorizedResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.flywaydb.core.Flyway;

/**
 * The console's HTTP server: every route is declared in {@link #routes}, authentication and
 * CSRF are checked in one before-handler, security headers set on every response.
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
      new Route("POST", "/api/v1/tokens", true),
      new Route("DELETE", "/api/v1/tokens/{id}", true),
      new Route("POST", "/services/{app}/{env}/rollback", false),
      new Route("POST", "/exceptions", false),
      new Route("POST", "/exceptions/{namespace}/{name}/delete", false),
      new Route("POST", "/deliveries/{sink}/replay", false),
      new Route("POST", "/tokens", false),
      new Route("POST", "/tokens/{id}/revoke", false));

  static final String SESSION_COOKIE = "pave_session";
  static final String LOGIN_COOKIE = "pave_login";
  /** The login form's pre-session CSRF token (double submit: cookie and form field). */
  static final String PRELOGIN_COOKIE = "pave_prelogin";
  static final String CSP = SecurityHeaders.CSP;
  private static final String HTMX = "/META-INF/resources/webjars/htmx.org/2.0.4/dist/htmx.min.js";
  private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules()
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

  private final Console.Settings settings;
  private final ServiceIndex index;
  private final ServiceDetails details;
  private final Actions actions;
  private final ApiTokens tokens;
  private final AuditLog audit;
  private final Sessions sessions;
  private final LoginLimiter limiter;
  private final ClientAddress clients;
  private final SecurityHeaders securityHeaders;
  private final OidcLogin oidc;
  private final ConsoleQueries queries;
  private final TemplateEngine templates;
  private final AtomicReference<String> adminToken = new AtomicReference<>();
  private final ScheduledExecutorService refresh;
  private final boolean secureCookies;
  private Javalin app;
  private URI url;

  private Server(Console.Settings s) throws IOException {
    this.settings = s;
    this.index = new ServiceIndex(s.kubernetes(), s.defaultEnvironment(), s.clock(), s.log(),
        s.policies());
    Releases releases = new Releases(s.kubernetes(), s.clock(), System::nanoTime, 20);
    this.details = new ServiceDetails(index, releases, s.clock(), new Links(s.links()));
    this.tokens = new ApiTokens(s.dataSource(), s.clock());
    this.audit = new AuditLog(s.dataSource(), s.signals() == null ? null : s.signals().ingest(),
        s.clock(), s.log());
    this.actions = new Actions(s.kubernetes(), index, new Rollbacks(s.kubernetes(), releases),
        tokens, audit, s.signals(), s.clock());
    this.sessions = new Sessions(s.dataSource(), s.clock(), new Sessions.Lifetimes(
        s.sessionIdle(), s.sessionLifetime()), tokens);
    this.clients = new ClientAddress(s.trustedProxies());
    this.limiter = new LoginLimiter(s.dataSource(), 10, Duration.ofMinutes(1), s.clock());
    this.oidc = s.auth() instanceof Auth.Oidc o ? new OidcLogin(o, s.dataSource(), s.clock()) : null;
    this.queries = s.signals() == null ? null
        : new ConsoleQueries(s.signals().database().dataSource());
    this.templates = TemplateEngine.createPrecompiled(ContentType.Html);
    this.secureCookies = s.publicUrl() != null && "https".equals(s.publicUrl().getScheme());
    this.securityHeaders = new SecurityHeaders(secureCookies);
    this.refresh = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "pave-console-incidents");
      t.setDaemon(true);
      return t;
    });
    if (s.auth() instanceof Auth.Sandbox) {
      adminToken.set("pave_admin_" + Sessions.random());
    }
  }

  public static Server start(Console.Settings s) {
    try {
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
      Server server = new Server(s);
      server.index.start();
      server.open();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    settings.log().accept("console listening on " + url + " (" + (oidc != null
        ? "OIDC login" : "sandbox login") + ")");
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

  // --- routes --------------------------------------------------------------------------------

  private void routes(io.javalin.config.RoutesConfig r) {
    r.before(this::headers);
    r.before(this::authenticate);
    // Public
    // Anonymous callers learn only that the console is up, not how big the estate is.
    r.get("/healthz", ctx -> json(ctx, 200, ctx.attribute("principal") == null
        ? Map.of("status", "ok") : Map.of("status", "ok", "services", index.services().size())));
    r.get("/static/htmx.min.js", ctx -> resource(ctx, HTMX, "text/javascript"));
    r.get("/static/{file}", ctx -> resource(ctx, "/console/static/" + ctx.pathParam("file"),
        null));
    r.get("/api/openapi.yaml", ctx -> resource(ctx, "/console/openapi.yaml",
        "application/yaml"));
    r.get("/login", this::loginPage);
    r.post("/login", this::login);
    r.get("/login/oidc", this::oidcStart);
    r.get("/login/callback", this::oidcCallback);
    r.post("/logout", this::logout);
    // Pages
    r.get("/", ctx -> ctx.redirect("/catalog"));
    r.get("/catalog", this::catalogPage);
    r.get("/services/{app}/{env}", this::servicePage);
    r.get("/services/{app}/{env}/diff", this::diffPage);
    r.get("/services/{app}/{env}/rollback", this::rollbackConfirm);
    r.post("/services/{app}/{env}/rollback", this::rollbackForm);
    r.get("/policies", this::policiesPage);
    r.post("/exceptions", ctx -> {
      Map<String, Object> resource = new LinkedHashMap<>();
      resource.put("kind", blankToNull(ctx.formParam("kind")));
      resource.put("namespace", ctx.formParam("namespace"));
      resource.put("name", blankToNull(ctx.formParam("resource")));
      resource.values().removeIf(java.util.Objects::isNull);
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("rules", java.util.Arrays.stream(String.valueOf(ctx.formParam("rules"))
          .split("[,\\s]+")).filter(x -> !x.isBlank() && !x.equals("null")).toList());
      spec.put("resources", List.of(resource));
      spec.put("reason", blankToNull(ctx.formParam("reason")));
      spec.put("owner", blankToNull(ctx.formParam("owner")));
      spec.put("ticket", blankToNull(ctx.formParam("ticket")));
      spec.put("expiresAt", blankToNull(ctx.formParam("expiresAt")));
      spec.values().removeIf(java.util.Objects::isNull);
      actions.createException(user(ctx), ctx.formParam("namespace"), ctx.formParam("name"),
          spec);
      ctx.redirect("/policies", io.javalin.http.HttpStatus.SEE_OTHER);
    });
    r.post("/exceptions/{namespace}/{name}/delete", ctx -> {
      actions.deleteException(user(ctx), ctx.pathParam("namespace"), ctx.pathParam("name"));
      ctx.redirect("/policies", io.javalin.http.HttpStatus.SEE_OTHER);
    });
    r.get("/signals", this::signalsPage);
    r.post("/deliveries/{sink}/replay", ctx -> {
      actions.replay(user(ctx), ctx.pathParam("sink"));
      ctx.redirect("/signals", io.javalin.http.HttpStatus.SEE_OTHER);
    });
    r.get("/adoption", ctx -> html(ctx, "adoption.jte", chrome(ctx, "Adoption", "adoption"),
        new Views.AdoptionPage(index.adoption())));
    r.get("/tokens", ctx -> tokensPage(ctx, null));
    r.post("/tokens", ctx -> {
      ApiTokens.Created c = actions.createToken(user(ctx), ctx.formParam("name"),
          ctx.formParam("role"), ctx.formParam("team"), intParam(ctx.formParam("days")));
      tokensPage(ctx, c);
    });
    r.post("/tokens/{id}/revoke", ctx -> {
      actions.revokeToken(user(ctx), ctx.pathParam("id"));
      ctx.redirect("/tokens", io.javalin.http.HttpStatus.SEE_OTHER);
    });
    r.get("/audit", ctx -> html(ctx, "audit.jte", chrome(ctx, "Audit log", "audit"),
        new Views.Audit(audit.recent(null, null, 200))));
    // API
    r.get("/api/v1/me", ctx -> {
      Principal p = user(ctx);
      json(ctx, 200, Map.of("name", p.name(), "platformRole", p.platform().wire(),
          "teams", teamRoles(p), "via", p.via()));
    });
    r.get("/api/v1/services", ctx -> {
      CatalogQuery.Page page = query(ctx).run(index.services());
      json(ctx, 200, Map.of("items", page.items(), "total", page.total(), "page", page.page(),
          "size", page.size(), "pages", page.pages()));
    });
    r.get("/api/v1/services/{app}/{env}", ctx -> {
      ServiceDetails.Details d = details.of(actions.service(ctx.pathParam("app"),
          ctx.pathParam("env")));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("service", d.entry());
      m.put("environments", d.environments());
      m.put("spec", d.specYaml());
      m.put("specProblems", d.specProblems());
      m.put("revisions", d.revisions().stream().map(Server::revision).toList());
      m.put("findings", d.findings().stream().map(Server::finding).toList());
      m.put("links", d.links());
      json(ctx, 200, m);
    });
    r.get("/api/v1/services/{app}/{env}/rendered", ctx -> {
      ctx.contentType("application/yaml");
      ctx.result(details.of(actions.service(ctx.pathParam("app"), ctx.pathParam("env")))
          .renderedYaml());
    });
    r.get("/api/v1/services/{app}/{env}/revisions", ctx -> json(ctx, 200, Map.of("items",
        details.of(actions.service(ctx.pathParam("app"), ctx.pathParam("env"))).revisions()
            .stream().map(Server::revision).toList())));
    r.get("/api/v1/services/{app}/{env}/diff", ctx -> {
      ServiceEntry e = actions.service(ctx.pathParam("app"), ctx.pathParam("env"));
      int from = required(intParam(ctx.queryParam("from")), "from");
      int to = required(intParam(ctx.queryParam("to")), "to");
      String diff = details.diff(e, from, to).orElseThrow(() -> new NotFoundResponse(
          "revision " + from + " or " + to + " is not kept"));
      json(ctx, 200, Map.of("from", from, "to", to, "diff", diff));
    });
    r.get("/api/v1/services/{app}/{env}/timeline", ctx -> {
      ServiceEntry e = actions.service(ctx.pathParam("app"), ctx.pathParam("env"));
      json(ctx, 200, Map.of("items", timeline(e)));
    });
    r.post("/api/v1/services/{app}/{env}/rollback", ctx -> {
      Map<String, Object> body = body(ctx);
      Actions.RolledBack rb = actions.rollback(user(ctx), ctx.pathParam("app"),
          ctx.pathParam("env"), body.get("to") == null ? null
              : required(intParam(String.valueOf(body.get("to"))), "to"));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("target", rb.result().target());
      m.put("recordedAs", rb.result().outcome().revision());
      m.put("tookMillis", rb.result().outcome().took().toMillis());
      m.put("failed", rb.result().outcome().failed());
      m.put("errors", rb.errors());
      if (rb.result().pinWarning() != null) {
        m.put("warning", rb.result().pinWarning());
      }
      json(ctx, rb.result().outcome().failed() ? 502 : 200, m);
    });
    r.post("/api/v1/services/{app}/{env}/deploy", ctx -> {
      Map<String, Object> body = body(ctx);
      json(ctx, 202, actions.deploy(user(ctx), ctx.pathParam("app"), ctx.pathParam("env"),
          map(body.get("spec"), "spec")));
    });
    r.get("/api/v1/policies", ctx -> json(ctx, 200, Map.of("packs", packs())));
    r.get("/api/v1/exceptions", ctx -> json(ctx, 200, Map.of("items",
        exceptions(user(ctx)))));
    r.post("/api/v1/exceptions", ctx -> {
      Map<String, Object> body = body(ctx);
      json(ctx, 201, actions.createException(user(ctx), str(body.get("namespace")),
          str(body.get("name")), map(body.get("spec"), "spec")));
    });
    r.delete("/api/v1/exceptions/{namespace}/{name}", ctx -> {
      actions.deleteException(user(ctx), ctx.pathParam("namespace"), ctx.pathParam("name"));
      ctx.status(204);
    });
    r.get("/api/v1/incidents", ctx -> json(ctx, 200, Map.of("items", signalsView(ctx)
        .incidents())));
    r.get("/api/v1/deliveries", ctx -> json(ctx, 200, Map.of("sinks", signalsView(ctx)
        .sinks())));
    r.post("/api/v1/deliveries/{sink}/replay", ctx -> json(ctx, 200, Map.of("replayed",
        actions.replay(user(ctx), ctx.pathParam("sink")))));
    r.get("/api/v1/adoption", ctx -> json(ctx, 200, index.adoption()));
    r.get("/api/v1/tokens", ctx -> json(ctx, 200, Map.of("items", visibleTokens(user(ctx)))));
    r.post("/api/v1/tokens", ctx -> {
      Map<String, Object> body = body(ctx);
      ApiTokens.Created c = actions.createToken(user(ctx), str(body.get("name")),
          str(body.get("role")), str(body.get("team")), body.get("expiresInDays") == null
              ? null : required(intParam(String.valueOf(body.get("expiresInDays"))),
                  "expiresInDays"));
      json(ctx, 201, Map.of("token", c.secret(), "id", c.token().id(), "expiresAt",
          c.token().expiresAt().toString(), "note", "shown once; store it now"));
    });
    r.delete("/api/v1/tokens/{id}", ctx -> {
      actions.revokeToken(user(ctx), ctx.pathParam("id"));
      ctx.status(204);
    });
    r.get("/api/v1/audit", ctx -> json(ctx, 200, Map.of("items", audit.recent(
        ctx.queryParam("app"), ctx.queryParam("env"), 500))));
    r.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
        e.getMessage()));
    r.exception(Exception.class, (e, ctx) -> {
      settings.log().accept("request " + ctx.method() + " " + ctx.path() + " failed: " + e);
      error(ctx, 500, "internal error (" + e.getClass().getSimpleName() + "); see the console's"
          + " log");
    });
    r.error(404, ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty()) {
        error(ctx, 404, "no such page: " + ctx.path());
      }
    });
  }

  // --- security ------------------------------------------------------------------------------

  private void headers(Context ctx) {
    securityHeaders.apply(ctx::header);
    if (!ctx.path().startsWith("/static/")) {
      ctx.header("Cache-Control", "no-store");
    }
  }

  private static boolean isPublic(String path) {
    return path.equals("/healthz") || path.startsWith("/static/") || path.equals("/login")
        || path.startsWith("/login/") || path.equals("/api/openapi.yaml");
  }

  private static boolean mutating(String method) {
    return !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
  }

  /**
   * Who is asking: a bearer token (API tokens, the sandbox admin token) or a session cookie.
   * Session requests that change something must carry the session's CSRF token.
   */
  private void authenticate(Context ctx) throws Exception {
    String auth = ctx.header("Authorization");
    Principal p = null;
    boolean bearer = false;
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      bearer = true;
      String token = auth.substring(7).strip();
      String admin = adminToken.get();
      if (admin != null && Sessions.same(admin, token)) {
        p = new Principal("admin", Role.PLATFORM_ADMIN, Map.of(), "admin-token");
      } else {
        p = tokens.authenticate(token).orElse(null);
      }
      if (p == null && !isPublic(ctx.path())) {
        throw new UnauthorizedResponse("the bearer token is not valid: unknown, expired or"
            + " revoked");
      }
    } else {
      Optional<Sessions.Session> s = sessions.find(ctx.cookie(SESSION_COOKIE));
      if (s.isPresent()) {
        p = s.get().principal();
        ctx.attribute("csrf", s.get().csrf());
        if (mutating(ctx.method().name()) && !ctx.path().equals("/login")) {
          String sent = ctx.header("X-CSRF-Token");
          if (sent == null) {
            String type = ctx.contentType() == null ? "" : ctx.contentType();
            if (type.startsWith("application/x-www-form-urlencoded")
                || type.startsWith("multipart/form-data")) {
              sent = ctx.formParam("_csrf");
            }
          }
          if (!Sessions.same(s.get().csrf(), sent)) {
            throw new ForbiddenResponse("missing or wrong CSRF token; reload the page and try"
                + " again");
          }
        }
      }
    }
    if (p != null) {
      ctx.attribute("principal", p);
      ctx.attribute("bearer", bearer);
    }
    if (p == null && !isPublic(ctx.path())) {
      if (ctx.path().startsWith("/api/") || mutating(ctx.method().name())) {
        throw new UnauthorizedResponse("log in first: send Authorization: Bearer <token>");
      }
      ctx.redirect("/login?next=" + URLEncoder.encode(ctx.path()
          + (ctx.queryString() == null ? "" : "?" + ctx.queryString()), StandardCharsets.UTF_8));
      ctx.skipRemainingHandlers();
    }
  }

  static Principal user(Context ctx) {
    Principal p = ctx.attribute("principal");
    if (p == null) {
      throw new UnauthorizedResponse("log in first");
    }
    return p;
  }

  private String cookie(String name, String value, Duration maxAge, String sameSite) {
    return name + "=" + value + "; Path=/; HttpOnly; SameSite=" + sameSite + "; Max-Age="
        + maxAge.toSeconds() + (secureCookies ? "; Secure" : "");
  }

  private void openSession(Context ctx, Principal p) throws java.sql.SQLException {
    Instant tokenExpires = p.via().startsWith("token:")
        ? tokens.find(p.via().substring(6)).map(ApiTokens.Token::expiresAt).orElse(null) : null;
    Sessions.Session s = sessions.open(p, tokenExpires);
    // Rounded up, so the cookie never ends before the session does.
    Duration maxAge = Duration.ofSeconds((Duration.between(settings.clock().instant(),
        s.notAfter()).toMillis() + 999) / 1000);
    ctx.res().addHeader("Set-Cookie", cookie(SESSION_COOKIE, s.id(), maxAge, "Lax"));
  }

  /**
   * Where to go after login: only a path of this console. Browsers drop tabs and newlines
   * from a Location and read a backslash as a slash, so "/\t/evil.example" would leave it.
   */
  static String safeNext(String next) {
    if (next == null || next.length() < 1 || next.charAt(0) != '/' || next.startsWith("/login")
        || next.chars().anyMatch(c -> c <= 0x20 || c == 0x7f || c == '\\')
        || (next.length() > 1 && next.charAt(1) == '/')) {
      return "/catalog";
    }
    return next;
  }

  /** The login form's pre-session token: the browser's own when it has one, else a new one. */
  private String preLoginToken(Context ctx) {
    String t = ctx.cookie(PRELOGIN_COOKIE);
    if (t == null || !t.matches("[A-Za-z0-9_-]{43}")) {
      t = Sessions.random();
    }
    ctx.res().addHeader("Set-Cookie", cookie(PRELOGIN_COOKIE, t, Duration.ofHours(2), "Lax"));
    return t;
  }

  private void loginPage(Context ctx) {
    html(ctx, "login.jte", chrome(ctx, "Log in", "login"), new Views.Login(oidc == null,
        null, safeNext(ctx.queryParam("next")), preLoginToken(ctx)));
  }

  /**
   * Login CSRF: a foreign page must not log the browser in as someone else. A browser's
   * Origin must be this console; the form must carry the token its cookie holds.
   */
  private void checkLoginOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    // "null" is what browsers send under Referrer-Policy: no-referrer, ours included; any page
    // can choose that, so the pre-session token below is what stops it.
    if (origin != null && !origin.equals("null") && !sameOrigin(ctx, origin)) {
      throw new ForbiddenResponse("login refused: the form was sent from " + origin
          + ", not from this console");
    }
    if (!Sessions.same(ctx.cookie(PRELOGIN_COOKIE), ctx.formParam("_csrf"))) {
      throw new ForbiddenResponse("login refused: the login form has expired or did not come"
          + " from this console; reload /login and try again");
    }
  }

  private boolean sameOrigin(Context ctx, String origin) {
    String own = url.getScheme() + "://" + url.getRawAuthority();
    String host = ctx.header("Host");
    return origin.equalsIgnoreCase(own) || (host != null
        && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://"
            + host)));
  }

  private void login(Context ctx) throws Exception {
    checkLoginOrigin(ctx);
    String token = ctx.formParam("token") == null ? "" : ctx.formParam("token").strip();
    limit(ctx, account(token));
    Principal p = null;
    String admin = adminToken.get();
    if (admin != null && Sessions.same(admin, token)
        && adminToken.compareAndSet(admin, null)) {
      // The admin token is one-time: the session it opens is the way in from now on.
      p = new Principal("admin", Role.PLATFORM_ADMIN, Map.of(), "admin-token");
    } else if (token.startsWith(ApiTokens.PREFIX)) {
      p = tokens.authenticate(token).orElse(null);
    }
    if (p == null) {
      ctx.status(401);
      html(ctx, "login.jte", chrome(ctx, "Log in", "login"), new Views.Login(oidc == null,
          "That token is not valid (unknown, used, expired or revoked).",
          safeNext(ctx.formParam("next")), preLoginToken(ctx)));
      return;
    }
    openSession(ctx, p);
    audit.record(p, AuditLog.Action.LOGIN, "session", null, null, null, true, "logged in with "
        + p.via());
    ctx.redirect(safeNext(ctx.formParam("next")), io.javalin.http.HttpStatus.SEE_OTHER);
  }

  /**
   * The account a token names, for its own rate limit: "pave_ID_" of an API token (the id is
   * not secret; the rest is), the sandbox's admin token; null for anything else.
   */
  private static String account(String token) {
    if (!token.startsWith(ApiTokens.PREFIX)) {
      return null;
    }
    int end = token.indexOf('_', ApiTokens.PREFIX.length());
    return end < 0 || end > 40 ? null : token.substring(0, end + 1);
  }

  /**
   * Counts a login attempt against the client (behind trusted proxies, the address they
   * forwarded) and against the account it names: one noisy client locks out neither other
   * clients behind the same proxy nor, by itself, the account.
   */
  private void limit(Context ctx, String account) throws java.sql.SQLException {
    String client = "client " + clients.of(ctx.ip(), ctx.req().getHeaders("X-Forwarded-For")
        == null ? List.of() : java.util.Collections.list(ctx.req().getHeaders(
            "X-Forwarded-For")));
    List<String> keys = account == null ? List.of(client) : List.of(client, "account "
        + account);
    for (String key : keys) {
      if (!limiter.allow(key)) {
        ctx.header("Retry-After", String.valueOf(limiter.retryAfterSeconds(key)));
        throw new TooManyRequestsResponse("too many login attempts " + (key.equals(client)
            ? "from this client" : "with this token") + "; wait "
            + limiter.retryAfterSeconds(key) + " s");
      }
    }
  }

  private void oidcStart(Context ctx) throws Exception {
    if (oidc == null) {
      throw new NotFoundResponse("this console does not use OpenID Connect");
    }
    limit(ctx, null);
    OidcLogin.Start s = oidc.start();
    ctx.header("Set-Cookie", cookie(LOGIN_COOKIE, s.state(), Duration.ofMinutes(10), "Lax"));
    ctx.redirect(s.redirect().toString(), io.javalin.http.HttpStatus.FOUND);
  }

  private void oidcCallback(Context ctx) throws Exception {
    if (oidc == null) {
      throw new NotFoundResponse("this console does not use OpenID Connect");
    }
    limit(ctx, null);
    if (ctx.queryParam("error") != null) {
      throw new UnauthorizedResponse("the identity provider did not log you in: "
          + ctx.queryParam("error"));
    }
    Principal p;
    try {
      p = oidc.finish(ctx.queryParam("code"), ctx.queryParam("state"), ctx.cookie(LOGIN_COOKIE));
    } catch (SecurityException e) {
      throw new UnauthorizedResponse(e.getMessage());
    }
    ctx.header("Set-Cookie", LOGIN_COOKIE + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    openSession(ctx, p);
    audit.record(p, AuditLog.Action.LOGIN, "session", null, null, null, true,
        "logged in through OpenID Connect as " + p.describe());
    ctx.redirect("/catalog", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void logout(Context ctx) throws java.sql.SQLException {
    sessions.close(ctx.cookie(SESSION_COOKIE));
    ctx.header("Set-Cookie", cookie(SESSION_COOKIE, "", Duration.ZERO, "Lax"));
    ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  // --- pages ---------------------------------------------------------------------------------

  private Views.Chrome chrome(Context ctx, String title, String section) {
    Principal p = ctx.attribute("principal");
    return new Views.Chrome(title, p, ctx.attribute("csrf"), section, oidc == null);
  }

  private static CatalogQuery query(Context ctx) {
    String inc = ctx.queryParam("incidents");
    return new CatalogQuery(ctx.queryParam("q"), ctx.queryParam("team"), ctx.queryParam("env"),
        ctx.queryParam("health"), ctx.queryParam("policy"),
        inc == null || inc.isBlank() ? null : Boolean.valueOf(inc),
        Optional.ofNullable(intParam(ctx.queryParam("page"))).orElse(1),
        Optional.ofNullable(intParam(ctx.queryParam("size"))).orElse(CatalogQuery.DEFAULT_SIZE));
  }

  private void catalogPage(Context ctx) {
    user(ctx);
    CatalogQuery q = query(ctx);
    CatalogQuery.Page page = q.run(index.services());
    String prev = page.page() > 1 ? pageUrl(ctx, page.page() - 1) : null;
    String next = page.page() < page.pages() ? pageUrl(ctx, page.page() + 1) : null;
    html(ctx, "catalog.jte", chrome(ctx, "Catalog", "catalog"),
        new Views.Catalog(page, q, prev, next));
  }

  private static String pageUrl(Context ctx, int page) {
    StringBuilder b = new StringBuilder("/catalog?page=" + page);
    for (String k : List.of("q", "team", "env", "health", "policy", "incidents", "size")) {
      String v = ctx.queryParam(k);
      if (v != null && !v.isBlank()) {
        b.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
      }
    }
    return b.toString();
  }

  private void servicePage(Context ctx) throws Exception {
    Principal p = user(ctx);
    ServiceEntry e = actions.service(ctx.pathParam("app"), ctx.pathParam("env"));
    ServiceDetails.Details d = details.of(e);
    int previous = d.revisions().stream().map(Revision::number)
        .filter(n -> n < e.revision()).findFirst().orElse(0);
    html(ctx, "service.jte", chrome(ctx, e.app() + " in " + e.environment(), "catalog"),
        new Views.Service(d, timeline(e), settings.signals() != null,
            Access.mayChangeService(p, e.team()), previous));
  }

  private void diffPage(Context ctx) {
    user(ctx);
    ServiceEntry e = actions.service(ctx.pathParam("app"), ctx.pathParam("env"));
    List<Revision> revisions = details.of(e).revisions();
    int to = Optional.ofNullable(intParam(ctx.queryParam("to"))).orElse(e.revision());
    int from = Optional.ofNullable(intParam(ctx.queryParam("from"))).orElse(to - 1);
    String diff = details.diff(e, from, to).orElse(null);
    html(ctx, "diff.jte", chrome(ctx, "Diff of " + e.app(), "catalog"),
        new Views.Diff(e, from, to, diff, revisions));
  }

  private void rollbackConfirm(Context ctx) {
    Principal p = user(ctx);
    ServiceEntry e = actions.service(ctx.pathParam("app"), ctx.pathParam("env"));
    if (!Access.mayChangeService(p, e.team())) {
      throw new ForbiddenResponse(p.name() + " may not roll back " + e.app());
    }
    int to = required(intParam(ctx.queryParam("to")), "to");
    html(ctx, "rollback.jte", chrome(ctx, "Roll back " + e.app(), "catalog"),
        new Views.RollbackConfirm(e, to));
  }

  private void rollbackForm(Context ctx) throws Exception {
    Actions.RolledBack rb = actions.rollback(user(ctx), ctx.pathParam("app"),
        ctx.pathParam("env"), intParam(ctx.formParam("to")));
    html(ctx, "rolledback.jte", chrome(ctx, "Rolled back " + rb.entry().app(), "catalog"),
        new Views.RollbackDone(rb.entry(), rb.result().target(),
            rb.result().outcome().revision(), rb.result().outcome().took().toMillis(),
            rb.result().outcome().failed(), rb.errors(), rb.result().pinWarning()));
  }

  private List<Views.Pack> packs() {
    List<Views.Pack> out = new ArrayList<>();
    for (Document<Policy> d : index.policies().packs().values()) {
      Policy p = d.value();
      out.add(new Views.Pack(p.name(), p.spec().description(), p.spec().rules().stream()
          .map(r -> new Views.Rule(p.name() + "/" + r.id(),
              r.severity().name().toLowerCase(Locale.ROOT), r.title())).toList()));
    }
    return out;
  }

  private List<Views.ExceptionRow> exceptions(Principal p) {
    Instant now = settings.clock().instant();
    List<Views.ExceptionRow> out = new ArrayList<>();
    new java.util.TreeMap<>(index.exceptions()).forEach((key, e) -> {
      String ns = key.substring(0, key.indexOf('/'));
      Instant expiry = Exemptions.expiry(e);
      boolean expired = expiry != null && !now.isBefore(expiry);
      boolean mayRemove = p.platformAdmin() || (!actions.teamsCovered(e, ns).isEmpty()
          && actions.teamsCovered(e, ns).stream().allMatch(t -> Access.mayManageExceptions(p,
              t)));
      out.add(new Views.ExceptionRow(ns, e.metadata().name(), e.spec().owner(), e.spec().reason(),
          e.spec().ticket(), e.spec().rules(), e.spec().expiresAt(),
          expiry == null ? "?" : Durations.left(now, expiry), expired, mayRemove));
    });
    return out;
  }

  private void policiesPage(Context ctx) {
    Principal p = user(ctx);
    html(ctx, "policies.jte", chrome(ctx, "Policies", "policies"),
        new Views.Policies(packs(), exceptions(p), index.exceptionsSupported()));
  }

  private Views.Signals signalsView(Context ctx) throws Exception {
    Principal p = user(ctx);
    if (settings.signals() == null) {
      return new Views.Signals(false, List.of(), List.of(), false,
          "This console runs without pave-signals: no incidents or deliveries to show.");
    }
    var store = settings.signals().store();
    Map<String, ConsoleQueries.Backlog> backlogs = queries.backlogs();
    List<Views.Sink> sinks = new ArrayList<>();
    for (Deliverer d : settings.signals().deliverers()) {
      ConsoleQueries.Backlog b = backlogs.get(d.sinkName());
      sinks.add(new Views.Sink(d.sinkName(), d.delivered(), b == null ? 0 : b.pending(),
          b == null ? 0 : b.retrying(), b == null ? 0 : b.deadLettered(),
          b == null ? null : b.lastError()));
    }
    return new Views.Signals(true, store.listIncidents(null, 200), sinks, Access.mayReplay(p),
        null);
  }

  private void signalsPage(Context ctx) throws Exception {
    html(ctx, "signals.jte", chrome(ctx, "Signals", "signals"), signalsView(ctx));
  }

  private List<ApiTokens.Token> visibleTokens(Principal p) throws Exception {
    return tokens.list().stream().filter(t -> Access.maySeeAllTokens(p)
        || p.name().equals(t.createdBy())
        || (t.team() != null && p.roleIn(t.team()).atLeast(Role.TEAM_ADMIN))).toList();
  }

  private void tokensPage(Context ctx, ApiTokens.Created created) throws Exception {
    Principal p = user(ctx);
    html(ctx, "tokens.jte", chrome(ctx, "API tokens", "tokens"), new Views.Tokens(
        visibleTokens(p), created == null ? null : created.secret(),
        created == null ? null : created.token(), settings.clock().instant()));
  }

  private List<Map<String, Object>> timeline(ServiceEntry e) {
    if (settings.signals() == null) {
      return List.of();
    }
    try {
      List<Map<String, Object>> items = new ArrayList<>(settings.signals().store().timeline(
          e.app(), e.environment(), settings.clock().instant().minus(Duration.ofDays(30)), 500));
      items.forEach(m -> m.remove("enrichment"));
      java.util.Collections.reverse(items);
      return items;
    } catch (java.sql.SQLException ex) {
      settings.log().accept("timeline of " + e.key() + " not read: " + ex.getMessage());
      return List.of();
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private void html(Context ctx, String template, Views.Chrome chrome, Object model) {
    StringOutput out = new StringOutput();
    templates.render(template, Map.of("chrome", chrome, "model", model), out);
    ctx.contentType("text/html; charset=utf-8");
    ctx.result(out.toString());
  }

  private void error(Context ctx, int status, String message) {
    ctx.status(status);
    if (ctx.path().startsWith("/api/") || Boolean.TRUE.equals(ctx.attribute("bearer"))
        || (ctx.header("Accept") != null && ctx.header("Accept").startsWith("application/json"))) {
      json(ctx, status, Map.of("error", message == null ? "" : message, "status", status));
    } else {
      html(ctx, "error.jte", chrome(ctx, "Error " + status, ""), new Views.Error(status,
          message));
    }
  }

  private static void json(Context ctx, int status, Object body) {
    ctx.status(status);
    ctx.contentType("application/json");
    try {
      ctx.result(JSON.writeValueAsString(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> body(Context ctx) {
    String b = ctx.body();
    if (b == null || b.isBlank()) {
      return Map.of();
    }
    try {
      Object o = JSON.readValue(b, Object.class);
      if (!(o instanceof Map)) {
        throw new BadRequestResponse("the body must be a JSON object");
      }
      return (Map<String, Object>) o;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadRequestResponse("the body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadRequestResponse("the body could not be read");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String field) {
    if (o == null) {
      return null;
    }
    if (!(o instanceof Map)) {
      throw new BadRequestResponse(field + ": must be an object");
    }
    return (Map<String, Object>) o;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  static Integer intParam(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return Integer.valueOf(s.strip());
    } catch (NumberFormatException e) {
      throw new BadRequestResponse("\"" + s + "\" is not a whole number");
    }
  }

  private static int required(Integer v, String name) {
    if (v == null) {
      throw new BadRequestResponse(name + ": required");
    }
    return v;
  }

  private static Map<String, String> teamRoles(Principal p) {
    Map<String, String> m = new java.util.TreeMap<>();
    p.teams().forEach((t, r) -> m.put(t, r.wire()));
    return m;
  }

  private static Map<String, Object> revision(Revision r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("number", r.number());
    m.put("hash", r.hash());
    m.put("changedBy", r.changedBy());
    m.put("createdAt", r.createdAt() == null ? null : r.createdAt().toString());
    m.put("sourceCommit", r.sourceCommit());
    return m;
  }

  static Map<String, Object> finding(Finding f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rule", f.ruleId());
    m.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
    m.put("status", f.status().name().toLowerCase(Locale.ROOT));
    m.put("title", f.title());
    m.put("object", f.kind() + "/" + f.name());
    m.put("message", f.message());
    m.put("explanation", f.rationale());
    List<Map<String, Object>> v = new ArrayList<>();
    for (Finding.Violation x : f.violations()) {
      Map<String, Object> vm = new LinkedHashMap<>();
      vm.put("element", x.element());
      vm.put("path", x.path());
      vm.put("specFix", x.specFix());
      vm.put("fixed", x.fixed());
      v.add(vm);
    }
    m.put("violations", v);
    if (f.excepted() != null) {
      m.put("exceptedBy", f.excepted().exception());
      m.put("exceptionExpires", f.excepted().expiresAt());
    }
    return m;
  }

  private static void resource(Context ctx, String path, String type) throws IOException {
    if (path.contains("..")) {
      throw new NotFoundResponse("no such file");
    }
    try (InputStream in = Server.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new NotFoundResponse("no such file");
      }
      String t = type != null ? type : path.endsWith(".css") ? "text/css"
          : path.endsWith(".js") ? "text/javascript" : path.endsWith(".svg") ? "image/svg+xml"
          : "application/octet-stream";
      ctx.contentType(t);
      ctx.header("Cache-Control", "public, max-age=3600");
      ctx.result(in.readAllBytes());
    }
  }

  @Override
  public void close() {
    refresh.shutdownNow();
    if (app != null) {
      app.stop();
    }
    index.close();
  }
}
