package dev.pave.console.web;

import dev.pave.console.access.Principal;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.Map;

/** Renders the jte templates inside the frame every page shares, and the error page. */
public final class Html {
  private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
  private final boolean sandbox;

  public Html(boolean sandbox) {
    this.sandbox = sandbox;
  }

  public Views.Chrome chrome(Context ctx, String title, String section) {
    Principal p = ctx.attribute("principal");
    return new Views.Chrome(title, p, ctx.attribute("csrf"), section, sandbox, Theme.of(ctx),
        ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()));
  }

  public void render(Context ctx, String template, Views.Chrome chrome, Object model) {
    StringOutput out = new StringOutput();
    templates.render(template, Map.of("chrome", chrome, "model", model), out);
    ctx.contentType("text/html; charset=utf-8");
    ctx.result(out.toString());
  }

  /** A page: {@code template} with {@code model}, titled and with its menu section marked. */
  public void page(Context ctx, String template, String title, String section, Object model) {
    render(ctx, template, chrome(ctx, title, section), model);
  }

  /** JSON for the API and bearer callers, the error page for browsers. */
  public void error(Context ctx, int status, String message) {
    ctx.status(status);
    if (ctx.path().startsWith("/api/") || Boolean.TRUE.equals(ctx.attribute("bearer"))
        || (ctx.header("Accept") != null && ctx.header("Accept").startsWith("application/json"))) {
      Http.json(ctx, status, Map.of("error", message == null ? "" : message, "status", status));
    } else {
      page(ctx, "error.jte", "Error " + status, "", new Views.Error(status, message));
    }
  }
}
