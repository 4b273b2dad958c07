package dev.pave.console.web.pages;

import dev.pave.console.web.Actions;
import dev.pave.console.web.Html;
import dev.pave.console.web.Http;
import dev.pave.console.web.Reads;
import dev.pave.console.web.Views;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * GET /signals: incidents and deliveries per sink; the replay of a sink's dead letters; one
 * incident's page and its acknowledgement.
 */
public final class SignalsPage {
  private final Html html;
  private final Actions actions;
  private final Reads reads;

  public SignalsPage(Html html, Actions actions, Reads reads) {
    this.html = html;
    this.actions = actions;
    this.reads = reads;
  }

  public void show(Context ctx) throws Exception {
    html.page(ctx, "signals.jte", "Signals", "signals", reads.signals(Http.user(ctx)));
  }

  public void incident(Context ctx) throws Exception {
    Views.IncidentDetail d = reads.incident(Http.user(ctx), ctx.pathParam("key"));
    html.page(ctx, "incident.jte", d.incident().title(), "signals", d);
  }

  public void acknowledge(Context ctx) throws Exception {
    actions.acknowledge(Http.user(ctx), ctx.pathParam("key"));
    ctx.redirect("/incidents/" + ctx.pathParam("key"), HttpStatus.SEE_OTHER);
  }

  public void replay(Context ctx) throws Exception {
    actions.replay(Http.user(ctx), ctx.pathParam("sink"));
    ctx.redirect("/signals", HttpStatus.SEE_OTHER);
  }
}
