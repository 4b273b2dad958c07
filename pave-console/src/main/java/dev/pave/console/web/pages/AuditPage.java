package dev.pave.console.web.pages;

import dev.pave.console.audit.AuditLog;
import dev.pave.console.web.Html;
import dev.pave.console.web.Views;
import io.javalin.http.Context;

/** GET /audit: the last 200 changes. */
public final class AuditPage {
  private final Html html;
  private final AuditLog audit;

  public AuditPage(Html html, AuditLog audit) {
    this.html = html;
    this.audit = audit;
  }

  public void show(Context ctx) throws Exception {
    html.page(ctx, "audit.jte", "Audit log", "audit", new Views.Audit(audit.recent(null, null,
        200)));
  }
}
