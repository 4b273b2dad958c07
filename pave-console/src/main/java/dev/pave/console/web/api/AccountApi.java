package dev.pave.console.web.api;

import static dev.pave.console.web.Http.json;
import static dev.pave.console.web.Http.user;

import dev.pave.console.access.Principal;
import dev.pave.console.audit.AuditLog;
import dev.pave.console.catalog.ServiceIndex;
import io.javalin.http.Context;
import java.util.Map;
import java.util.TreeMap;

/** /api/v1/me, /api/v1/audit, /api/v1/adoption and /healthz: who asks, what changed, what runs. */
public final class AccountApi {
  private final ServiceIndex index;
  private final AuditLog audit;

  public AccountApi(ServiceIndex index, AuditLog audit) {
    this.index = index;
    this.audit = audit;
  }

  /** Anonymous callers learn only that the console is up, not how big the estate is. */
  public void health(Context ctx) {
    json(ctx, 200, ctx.attribute("principal") == null ? Map.of("status", "ok")
        : Map.of("status", "ok", "services", index.services().size()));
  }

  public void me(Context ctx) {
    Principal p = user(ctx);
    Map<String, String> teams = new TreeMap<>();
    p.teams().forEach((t, r) -> teams.put(t, r.wire()));
    json(ctx, 200, Map.of("name", p.name(), "platformRole", p.platform().wire(),
        "teams", teams, "via", p.via()));
  }

  public void audit(Context ctx) throws Exception {
    json(ctx, 200, Map.of("items", audit.recent(ctx.queryParam("app"), ctx.queryParam("env"),
        500)));
  }

  public void adoption(Context ctx) {
    json(ctx, 200, index.adoption());
  }
}
