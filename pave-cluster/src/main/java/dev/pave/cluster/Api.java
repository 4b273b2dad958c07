package dev.pave.cluster;

import java.io.IOException;
import java.util.List;

/**
 * The request handler: authentication, discovery, routing, authorization, then the verb.
 * Everything that answers like a real API server meets here, whether the request came over
 * HTTP or from a controller inside the process.
 */
final class Api {
  private final ResourceTypes types;
  private final Discovery discovery;
  private final Reads reads;
  private final Writes writes;
  private final Watches watches;
  private volatile Authorizer authorizer = Authorizer.MASTERS_ONLY;
  private volatile Tables tables;
  /** Handlers of non-resource paths (such as /openapi), asked before discovery. */
  private final List<java.util.function.Function<Request, Response>> paths =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Handlers of resource requests that are not plain storage (reviews, tokens). */
  private final List<java.util.function.BiFunction<Target, Request, Response>> routes =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  Api(ResourceTypes types, Discovery discovery, Reads reads, Writes writes, Watches watches) {
    this.types = types;
    this.discovery = discovery;
    this.reads = reads;
    this.writes = writes;
    this.watches = watches;
  }

  void authorizer(Authorizer a) {
    authorizer = a;
  }

  /** Answers reads that ask for a Table (server-side printing) with {@code t}. */
  void tables(Tables t) {
    tables = t;
  }

  /** Adds a handler for non-resource GET paths; it answers null for paths it does not serve. */
  void path(java.util.function.Function<Request, Response> handler) {
    paths.add(handler);
  }

  /** Adds a handler for authorized resource requests; null lets the verb handlers answer. */
  void route(java.util.function.BiFunction<Target, Request, Response> handler) {
    routes.add(handler);
  }

  static boolean isWatch(Request r) {
    return "GET".equals(r.method()) && r.flag("watch");
  }

  Response handle(Request r) {
    try {
      if (r.user() == null) {
        throw ApiException.unauthorized();
      }
      if (r.method().equals("GET")) {
        if (List.of("/healthz", "/livez", "/readyz").contains(r.path())) {
          return new Response(200, "text/plain; charset=utf-8", Reads.utf8("ok"), List.of(),
              java.util.Map.of());
        }
        for (var p : paths) {
          Response answer = p.apply(r);
          if (answer != null) {
            return answer;
          }
        }
        Response d = discovery.answer(r.path(), r.header("accept"));
        if (d != null) {
          return d;
        }
      }
      Target t = Target.parse(r.path(), types);
      r = impersonate(r, t);
      authorize(r, t);
      for (var route : routes) {
        Response answer = route.apply(t, r);
        if (answer != null) {
          return answer;
        }
      }
      return switch (r.method()) {
        case "GET" -> read(t, r);
        case "POST" -> writes.create(t, r);
        case "PUT" -> writes.update(t, r);
        case "PATCH" -> writes.patch(t, r);
        case "DELETE" -> t.collection() ? writes.deleteCollection(t, r) : writes.delete(t, r);
        default -> throw ApiException.methodNotAllowed("the server does not allow this method "
            + "on the requested resource");
      };
    } catch (ApiException e) {
      return Response.of(e);
    }
  }

  private Response read(Target t, Request r) {
    Response answer = t.collection() ? reads.list(t, r) : reads.get(t, r);
    return tables != null && t.subresource() == null && Tables.asked(r)
        ? tables.table(t, r, answer) : answer;
  }

  /** A watch: its lines go to the sink; a refusal before the stream starts is returned. */
  Response watch(Request r, Watches.Sink sink) throws IOException {
    try {
      if (r.user() == null) {
        throw ApiException.unauthorized();
      }
      Target t = Target.parse(r.path(), types);
      r = impersonate(r, t);
      authorize(r, t);
      watches.watch(t, r, tables != null && Tables.asked(r) ? tables.watching(t, r, sink)
          : sink);
      return null;
    } catch (ApiException e) {
      return Response.of(e);
    }
  }

  /** The request as the user it impersonates, when it asks to and may. */
  private Request impersonate(Request r, Target t) {
    if (!Impersonation.requested(r)) {
      return r;
    }
    User as = Impersonation.resolve(r, authorizer);
    if (as == null) {
      throw forbidden(r.user(), "impersonate-on:user-info:" + verb(r, t), t);
    }
    return Impersonation.as(r, as);
  }

  private static String verb(Request r, Target t) {
    return switch (r.method()) {
      case "GET" -> isWatch(r) ? "watch" : t.collection() ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> t.collection() ? "deletecollection" : "delete";
      default -> r.method().toLowerCase();
    };
  }

  private void authorize(Request r, Target t) {
    String verb = verb(r, t);
    Authorizer.Ask ask = new Authorizer.Ask(r.user(), verb, t.type().group(), t.type().plural(),
        t.subresource(), t.namespace(), t.name());
    if (!authorizer.allowed(ask)) {
      throw forbidden(r.user(), verb, t);
    }
  }

  private static ApiException forbidden(User user, String verb, Target t) {
    String resource = t.subresource() == null ? t.type().plural()
        : t.type().plural() + "/" + t.subresource();
    String what = t.name() == null ? t.type().groupResource()
        : t.type().groupResource() + " \"" + t.name() + "\"";
    return ApiException.forbidden(what + " is forbidden: User \"" + user.name()
        + "\" cannot " + verb + " resource \"" + resource + "\" in API group \""
        + t.type().group() + "\"" + (t.namespace() == null ? " at the cluster scope"
            : " in the namespace \"" + t.namespace() + "\""), t.type(), t.name(), List.of());
  }
}
