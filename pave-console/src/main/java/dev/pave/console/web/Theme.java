package dev.pave.console.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * The colour theme a person picked: light, dark, or (no cookie) what their system prefers.
 * Kept in a cookie so the server renders the page in it from the first byte and the toggle
 * works without JavaScript.
 */
public final class Theme {
  public static final String COOKIE = "pave_theme";

  private final boolean secureCookies;

  public Theme(boolean secureCookies) {
    this.secureCookies = secureCookies;
  }

  /** "light", "dark", or null for the system's preference. */
  public static String of(Context ctx) {
    String t = ctx.cookie(COOKIE);
    return "light".equals(t) || "dark".equals(t) ? t : null;
  }

  /** GET /theme?set=light|dark|system&next=/path: remembers it and goes back. */
  public void set(Context ctx) {
    String set = ctx.queryParam("set");
    String cookie;
    if ("light".equals(set) || "dark".equals(set)) {
      cookie = COOKIE + "=" + set + "; Path=/; Max-Age=31536000";
    } else if ("system".equals(set)) {
      cookie = COOKIE + "=; Path=/; Max-Age=0";
    } else {
      throw new io.javalin.http.BadRequestResponse("set: \"" + set + "\" is not a theme; light,"
          + " dark or system");
    }
    ctx.header("Set-Cookie", cookie + "; SameSite=Lax; HttpOnly" + (secureCookies ? "; Secure"
        : ""));
    String next = ctx.queryParam("next");
    // Only a path on this console: never a redirect elsewhere.
    boolean local = next != null && next.startsWith("/") && !next.startsWith("//")
        && !next.contains("\\") && !next.contains("\r") && !next.contains("\n");
    ctx.redirect(local ? next : "/catalog", HttpStatus.SEE_OTHER);
  }
}
