package dev.pave.console.web.api;

import static dev.pave.console.web.Http.json;
import static dev.pave.console.web.Http.user;

import dev.pave.console.web.Actions;
import dev.pave.console.web.Reads;
import io.javalin.http.Context;
import java.util.Map;

/** /api/v1/incidents and /api/v1/deliveries: what pave-signals holds, each read alone. */
public final class SignalsApi {
  private final Actions actions;
  private final Reads reads;

  public SignalsApi(Actions actions, Reads reads) {
    this.actions = actions;
    this.reads = reads;
  }

  public void incidents(Context ctx) throws Exception {
    user(ctx);
    json(ctx, 200, Map.of("items", reads.incidents()));
  }

  public void deliveries(Context ctx) throws Exception {
    user(ctx);
    json(ctx, 200, Map.of("sinks", reads.sinks()));
  }

  public void acknowledge(Context ctx) throws Exception {
    var r = actions.acknowledge(user(ctx), ctx.pathParam("key"));
    json(ctx, 200, Map.of("incident", r.ack().incidentId(), "acknowledgedBy", r.ack().actor(),
        "at", r.ack().at().toString(), "first", r.first()));
  }

  public void replay(Context ctx) throws Exception {
    json(ctx, 200, Map.of("replayed", actions.replay(user(ctx), ctx.pathParam("sink"))));
  }
}
