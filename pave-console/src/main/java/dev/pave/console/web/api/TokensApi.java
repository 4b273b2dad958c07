package dev.pave.console.web.api;

import static dev.pave.console.web.Http.body;
import static dev.pave.console.web.Http.intParam;
import static dev.pave.console.web.Http.json;
import static dev.pave.console.web.Http.required;
import static dev.pave.console.web.Http.str;
import static dev.pave.console.web.Http.user;

import dev.pave.console.access.ApiTokens;
import dev.pave.console.web.Actions;
import dev.pave.console.web.Reads;
import io.javalin.http.Context;
import java.util.Map;

/** /api/v1/tokens: list, create (the secret shown once), revoke. */
public final class TokensApi {
  private final Actions actions;
  private final Reads reads;

  public TokensApi(Actions actions, Reads reads) {
    this.actions = actions;
    this.reads = reads;
  }

  public void list(Context ctx) throws Exception {
    json(ctx, 200, Map.of("items", reads.visibleTokens(user(ctx))));
  }

  public void create(Context ctx) throws Exception {
    Map<String, Object> body = body(ctx);
    ApiTokens.Created c = actions.createToken(user(ctx), str(body.get("name")),
        str(body.get("role")), str(body.get("team")), body.get("expiresInDays") == null
            ? null : required(intParam(String.valueOf(body.get("expiresInDays"))),
                "expiresInDays"));
    json(ctx, 201, Map.of("token", c.secret(), "id", c.token().id(), "expiresAt",
        c.token().expiresAt().toString(), "note", "shown once; store it now"));
  }

  public void revoke(Context ctx) throws Exception {
    actions.revokeToken(user(ctx), ctx.pathParam("id"));
    ctx.status(204);
  }
}
