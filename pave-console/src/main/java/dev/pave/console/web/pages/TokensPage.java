package dev.pave.console.web.pages;

import dev.pave.console.access.ApiTokens;
import dev.pave.console.access.Principal;
import dev.pave.console.catalog.ServiceIndex;
import dev.pave.console.web.Actions;
import dev.pave.console.web.Html;
import dev.pave.console.web.Http;
import dev.pave.console.web.Reads;
import dev.pave.console.web.Views;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.util.List;

/** GET /tokens: the tokens one may see; creating one (shown once) and revoking one. */
public final class TokensPage {
  private final Html html;
  private final Actions actions;
  private final Reads reads;
  private final Clock clock;
  private final ServiceIndex index;

  public TokensPage(Html html, Actions actions, Reads reads, Clock clock, ServiceIndex index) {
    this.index = index;
    this.html = html;
    this.actions = actions;
    this.reads = reads;
    this.clock = clock;
  }

  public void show(Context ctx) throws Exception {
    show(ctx, null);
  }

  public void create(Context ctx) throws Exception {
    ApiTokens.Created c = actions.createToken(Http.user(ctx), ctx.formParam("name"),
        ctx.formParam("role"), ctx.formParam("team"), Http.intParam(ctx.formParam("days")));
    show(ctx, c);
  }

  public void revoke(Context ctx) throws Exception {
    actions.revokeToken(Http.user(ctx), ctx.pathParam("id"));
    ctx.redirect("/tokens", HttpStatus.SEE_OTHER);
  }

  private void show(Context ctx, ApiTokens.Created created) throws Exception {
    Principal p = Http.user(ctx);
    html.page(ctx, "tokens.jte", "API tokens", "tokens", new Views.Tokens(
        reads.visibleTokens(p), created == null ? null : created.secret(),
        created == null ? null : created.token(), clock.instant(), teams(p)));
  }

  /** A platform admin may give a token for any team the catalog knows; others their own. */
  private List<String> teams(Principal p) {
    java.util.SortedSet<String> out = new java.util.TreeSet<>(p.teams().keySet());
    if (p.platformAdmin()) {
      index.services().forEach(e -> {
        if (e.team() != null) {
          out.add(e.team());
        }
      });
    }
    return List.copyOf(out);
  }
}
