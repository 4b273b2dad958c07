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
        Response d = discovery.answer(r.path(), r.header("accept"));
        if (d != null) {
          return d;
        }
      }
      Target t = Target.parse(r.path(), types);
      authorize(r, t);
      return switch (r.method()) {
        case "GET" -> t.collection() ? reads.list(t, r) : reads.get(t, r);
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

  /** A watch: its lines go to the sink; a refusal before the stream starts is returned. */
  Response watch(Request r, Watches.Sink sink) throws IOException {
    try {
      if (r.user() == null) {
        throw ApiException.unauthorized();
      }
      Target t = Target.parse(r.path(), types);
      authorize(r, t);
      watches.watch(t, r, sink);
      return null;
    } catch (ApiException e) {
      return Response.of(e);
    }
  }

  private void authorize(Request r, Target t) {
    String verb = switch (r.method()) {
      case "GET" -> isWatch(r) ? "watch" : t.collection() ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> t.collection() ? "deletecollection" : "delete";
      default -> r.method().toLowerCase();
    };
    Authorizer.Ask ask = new Authorizer.Ask(r.user(), verb, t.type().group(), t.type().plural(),
        t.subresource(), t.namespace(), t.name());
    if (!authorizer.allowed(ask)) {
      String resource = t.subresource() == null ? t.type().plural()
          : t.type().plural() + "/" + t.subresource();
      String what = t.name() == null ? t.type().groupResource()
          : t.type().groupResource() + " \"" + t.name() + "\"";
      throw ApiException.forbidden(what + " is forbidden: User \"" + r.user().name()
          + "\" cannot " + verb + " resource \"" + resource + "\" in API group \""
          + t.type().group() + "\"" + (t.namespace() == null ? " at the cluster scope"
              : " in the namespace \"" + t.namespace() + "\""), t.type(), t.name(), List.of());
    }
  }
}
