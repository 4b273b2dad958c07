package dev.pave.console.web.auth;

import dev.pave.console.access.ApiTokens;
import dev.pave.console.access.ClientAddress;
import dev.pave.console.access.LoginLimiter;
import dev.pave.console.access.OidcLogin;
import dev.pave.console.access.Principal;
import dev.pave.console.access.Role;
import dev.pave.console.access.Sessions;
import dev.pave.console.audit.AuditLog;
import dev.pave.console.web.Html;
import dev.pave.console.web.Views;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.TooManyRequestsResponse;
import io.javalin.http.UnauthorizedResponse;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Logging in and out: the token form (with login CSRF and rate limits), OpenID Connect's
 * start and callback, and the session cookie they open.
 */
public final class Login {
  public static final String SESSION_COOKIE = "pave_session";
  static final String LOGIN_COOKIE = "pave_login";
  /** The login form's pre-session CSRF token (double submit: cookie and form field). */
  static final String PRELOGIN_COOKIE = "pave_prelogin";

  /** What logging in needs; {@code oidc} is null in sandbox mode. */
  public record Parts(Html html, ApiTokens tokens, Sessions sessions, LoginLimiter limiter,
      ClientAddress clients, OidcLogin oidc, AuditLog audit, AtomicReference<String> adminToken,
      Clock clock, boolean secureCookies, Supplier<URI> url) {}

  private final Parts x;

  public Login(Parts parts) {
    this.x = parts;
  }

  private String cookie(String name, String value, Duration maxAge, String sameSite) {
    return name + "=" + value + "; Path=/; HttpOnly; SameSite=" + sameSite + "; Max-Age="
        + maxAge.toSeconds() + (x.secureCookies() ? "; Secure" : "");
  }

  private void openSession(Context ctx, Principal p) throws java.sql.SQLException {
    Instant tokenExpires = p.via().startsWith("token:")
        ? x.tokens().find(p.via().substring(6)).map(ApiTokens.Token::expiresAt).orElse(null)
        : null;
    Sessions.Session s = x.sessions().open(p, tokenExpires);
    // Rounded up, so the cookie never ends before the session does.
    Duration maxAge = Duration.ofSeconds((Duration.between(x.clock().instant(),
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

  public void page(Context ctx) {
    x.html().page(ctx, "login.jte", "Log in", "login", new Views.Login(x.oidc() == null,
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
    URI url = x.url().get();
    String own = url.getScheme() + "://" + url.getRawAuthority();
    String host = ctx.header("Host");
    return origin.equalsIgnoreCase(own) || (host != null
        && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://"
            + host)));
  }

  public void submit(Context ctx) throws Exception {
    checkLoginOrigin(ctx);
    String token = ctx.formParam("token") == null ? "" : ctx.formParam("token").strip();
    limit(ctx, account(token));
    Principal p = null;
    String admin = x.adminToken().get();
    if (admin != null && Sessions.same(admin, token)
        && x.adminToken().compareAndSet(admin, null)) {
      // The admin token is one-time: the session it opens is the way in from now on.
      p = new Principal("admin", Role.PLATFORM_ADMIN, Map.of(), "admin-token");
    } else if (token.startsWith(ApiTokens.PREFIX)) {
      p = x.tokens().authenticate(token).orElse(null);
    }
    if (p == null) {
      ctx.status(401);
      x.html().page(ctx, "login.jte", "Log in", "login", new Views.Login(x.oidc() == null,
          "That token is not valid (unknown, used, expired or revoked).",
          safeNext(ctx.formParam("next")), preLoginToken(ctx)));
      return;
    }
    openSession(ctx, p);
    x.audit().record(p, AuditLog.Action.LOGIN, "session", null, null, null, true,
        "logged in with " + p.via());
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
    String client = "client " + x.clients().of(ctx.ip(),
        ctx.req().getHeaders("X-Forwarded-For") == null ? List.of()
            : java.util.Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
    List<String> keys = account == null ? List.of(client) : List.of(client, "account "
        + account);
    for (String key : keys) {
      if (!x.limiter().allow(key)) {
        ctx.header("Retry-After", String.valueOf(x.limiter().retryAfterSeconds(key)));
        throw new TooManyRequestsResponse("too many login attempts " + (key.equals(client)
            ? "from this client" : "with this token") + "; wait "
            + x.limiter().retryAfterSeconds(key) + " s");
      }
    }
  }

  public void oidcStart(Context ctx) throws Exception {
    if (x.oidc() == null) {
      throw new NotFoundResponse("this console does not use OpenID Connect");
    }
    limit(ctx, null);
    OidcLogin.Start s = x.oidc().start();
    ctx.header("Set-Cookie", cookie(LOGIN_COOKIE, s.state(), Duration.ofMinutes(10), "Lax"));
    ctx.redirect(s.redirect().toString(), io.javalin.http.HttpStatus.FOUND);
  }

  public void oidcCallback(Context ctx) throws Exception {
    if (x.oidc() == null) {
      throw new NotFoundResponse("this console does not use OpenID Connect");
    }
    limit(ctx, null);
    if (ctx.queryParam("error") != null) {
      throw new UnauthorizedResponse("the identity provider did not log you in: "
          + ctx.queryParam("error"));
    }
    Principal p;
    try {
      p = x.oidc().finish(ctx.queryParam("code"), ctx.queryParam("state"),
          ctx.cookie(LOGIN_COOKIE));
    } catch (SecurityException e) {
      throw new UnauthorizedResponse(e.getMessage());
    }
    ctx.header("Set-Cookie", LOGIN_COOKIE + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    openSession(ctx, p);
    x.audit().record(p, AuditLog.Action.LOGIN, "session", null, null, null, true,
        "logged in through OpenID Connect as " + p.describe());
    ctx.redirect("/catalog", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  public void logout(Context ctx) throws java.sql.SQLException {
    x.sessions().close(ctx.cookie(SESSION_COOKIE));
    ctx.header("Set-Cookie", cookie(SESSION_COOKIE, "", Duration.ZERO, "Lax"));
    ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
  }
}
