package dev.pave.console.web.pages;

import dev.pave.console.access.Access;
import dev.pave.console.access.Principal;
import dev.pave.console.catalog.ServiceEntry;
import dev.pave.console.service.ServiceDetails;
import dev.pave.console.web.Actions;
import dev.pave.console.web.Html;
import dev.pave.console.web.Http;
import dev.pave.console.web.Reads;
import dev.pave.console.web.Views;
import dev.pave.release.Revision;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import java.util.List;
import java.util.Optional;

/** One service: its page, the diff of two revisions, and the rollback with confirmation. */
public final class ServicePages {
  private final Html html;
  private final ServiceDetails details;
  private final Actions actions;
  private final Reads reads;
  private final java.time.Clock clock;

  public ServicePages(Html html, ServiceDetails details, Actions actions, Reads reads,
      java.time.Clock clock) {
    this.clock = clock;
    this.html = html;
    this.details = details;
    this.actions = actions;
    this.reads = reads;
  }

  public void show(Context ctx) {
    Principal p = Http.user(ctx);
    ServiceEntry e = actions.service(ctx.pathParam("app"), ctx.pathParam("env"));
    ServiceDetails.Details d = details.of(e);
    int previous = d.revisions().stream().map(Revision::number)
        .filter(n -> n < e.revision()).findFirst().orElse(0);
    html.page(ctx, "service.jte", e.app() + " in " + e.environment(), "catalog",
        new Views.Service(d, reads.timeline(e), reads.signalsAvailable(),
            Access.mayChangeService(p, e.team()), previous, clock.instant()));
  }

  public void diff(Context ctx) {
    Http.user(ctx);
    ServiceEntry e = actions.service(ctx.pathParam("app"), ctx.pathParam("env"));
    List<Revision> revisions = details.revisions(e);
    int to = Optional.ofNullable(Http.intParam(ctx.queryParam("to"))).orElse(e.revision());
    int from = Optional.ofNullable(Http.intParam(ctx.queryParam("from"))).orElse(to - 1);
    html.page(ctx, "diff.jte", "Diff of " + e.app(), "catalog",
        new Views.Diff(e, from, to, details.objectDiffs(e, from, to).orElse(null), revisions));
  }

  public void confirmRollback(Context ctx) {
    Principal p = Http.user(ctx);
    ServiceEntry e = actions.service(ctx.pathParam("app"), ctx.pathParam("env"));
    if (!Access.mayChangeService(p, e.team())) {
      throw new ForbiddenResponse(p.name() + " may not roll back " + e.app());
    }
    int to = Http.required(Http.intParam(ctx.queryParam("to")), "to");
    html.page(ctx, "rollback.jte", "Roll back " + e.app(), "catalog",
        new Views.RollbackConfirm(e, to, details.objectDiffs(e, e.revision(), to).orElse(null)));
  }

  public void rollback(Context ctx) throws Exception {
    Actions.RolledBack rb = actions.rollback(Http.user(ctx), ctx.pathParam("app"),
        ctx.pathParam("env"), Http.intParam(ctx.formParam("to")));
    html.page(ctx, "rolledback.jte", "Rolled back " + rb.entry().app(), "catalog",
        new Views.RollbackDone(rb.entry(), rb.result().target(),
            rb.result().outcome().revision(), rb.result().outcome().took().toMillis(),
            rb.result().outcome().failed(), rb.errors(), rb.result().pinWarning()));
  }
}
