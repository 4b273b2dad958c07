package dev.pave.console.web.api;

import static dev.pave.console.web.Http.body;
import static dev.pave.console.web.Http.json;
import static dev.pave.console.web.Http.map;
import static dev.pave.console.web.Http.str;
import static dev.pave.console.web.Http.user;

import dev.pave.console.web.Actions;
import dev.pave.console.web.Reads;
import io.javalin.http.Context;
import java.util.Map;

/** /api/v1/policies and /api/v1/exceptions. */
public final class PoliciesApi {
  private final Actions actions;
  private final Reads reads;

  public PoliciesApi(Actions actions, Reads reads) {
    this.actions = actions;
    this.reads = reads;
  }

  public void packs(Context ctx) {
    json(ctx, 200, Map.of("packs", reads.packs()));
  }

  public void exceptions(Context ctx) {
    json(ctx, 200, Map.of("items", reads.exceptions(user(ctx))));
  }

  public void createException(Context ctx) throws Exception {
    Map<String, Object> body = body(ctx);
    json(ctx, 201, actions.createException(user(ctx), str(body.get("namespace")),
        str(body.get("name")), map(body.get("spec"), "spec")));
  }

  public void deleteException(Context ctx) throws Exception {
    actions.deleteException(user(ctx), ctx.pathParam("namespace"), ctx.pathParam("name"));
    ctx.status(204);
  }
}
