package dev.pave.console.web.auth;

import dev.pave.console.access.ApiTokens;
import dev.pave.console.access.Principal;
import dev.pave.console.access.Role;
import dev.pave.console.access.Sessions;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Who is asking, decided once per request before any route runs: a bearer token (API tokens,
 * the sandbox admin token) or a session cookie. Session requests that change something must
 * carry the session's CSRF token. Routes read the result with {@code Http.user(ctx)}.
 */
public final class Authentication {
  private final ApiTokens tokens;
  private final Sessions sessions;
  private final AtomicReference<String> adminToken;

  public Authentication(ApiTokens tokens, Sessions sessions, AtomicReference<String> adminToken) {
    this.tokens = tokens;
    this.sessions = sessions;
    this.adminToken = adminToken;
  }

  static boolean isPublic(String path) {
    return path.equals("/healthz") || path.startsWith("/static/") || path.equals("/login")
        || path.startsWith("/login/") || path.equals("/api/openapi.yaml");
  }

  static boolean mutating(String method) {
    return !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
  }

  public void authenticate(Context ctx) throws Exception {
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
      Optional<Sessions.Session> s = sessions.find(ctx.cookie(Login.SESSION_COOKIE));
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
}
