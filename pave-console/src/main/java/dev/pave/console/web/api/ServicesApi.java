package dev.pave.console.web.api;

import static dev.pave.console.web.Http.body;
import static dev.pave.console.web.Http.intParam;
import static dev.pave.console.web.Http.json;
import static dev.pave.console.web.Http.map;
import static dev.pave.console.web.Http.required;
import static dev.pave.console.web.Http.user;

import dev.pave.console.catalog.CatalogQuery;
import dev.pave.console.catalog.ServiceEntry;
import dev.pave.console.catalog.ServiceIndex;
import dev.pave.console.service.ServiceDetails;
import dev.pave.console.web.Actions;
import dev.pave.console.web.Http;
import dev.pave.console.web.Reads;
import dev.pave.policy.Finding;
import dev.pave.release.Revision;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** /api/v1/services...: the catalog, one service, its revisions, diff, timeline and changes. */
public final class ServicesApi {
  private final ServiceIndex index;
  private final ServiceDetails details;
  private final Actions actions;
  private final Reads reads;

  public ServicesApi(ServiceIndex index, ServiceDetails details, Actions actions, Reads reads) {
    this.index = index;
    this.details = details;
    this.actions = actions;
    this.reads = reads;
  }

  private ServiceEntry service(Context ctx) {
    return actions.service(ctx.pathParam("app"), ctx.pathParam("env"));
  }

  public void list(Context ctx) {
    CatalogQuery.Page page = Http.catalogQuery(ctx).run(index.services());
    json(ctx, 200, Map.of("items", page.items(), "total", page.total(), "page", page.page(),
        "size", page.size(), "pages", page.pages()));
  }

  public void one(Context ctx) {
    ServiceDetails.Details d = details.of(service(ctx));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("service", d.entry());
    m.put("environments", d.environments());
    m.put("spec", d.specYaml());
    m.put("specProblems", d.specProblems());
    m.put("revisions", d.revisions().stream().map(ServicesApi::revision).toList());
    m.put("findings", d.findings().stream().map(ServicesApi::finding).toList());
    m.put("links", d.links());
    json(ctx, 200, m);
  }

  public void rendered(Context ctx) {
    ctx.contentType("application/yaml");
    ctx.result(details.of(service(ctx)).renderedYaml());
  }

  public void revisions(Context ctx) {
    json(ctx, 200, Map.of("items", details.revisions(service(ctx)).stream()
        .map(ServicesApi::revision).toList()));
  }

  public void diff(Context ctx) {
    ServiceEntry e = service(ctx);
    int from = required(intParam(ctx.queryParam("from")), "from");
    int to = required(intParam(ctx.queryParam("to")), "to");
    String diff = details.diff(e, from, to).orElseThrow(() -> new NotFoundResponse(
        "revision " + from + " or " + to + " is not kept"));
    json(ctx, 200, Map.of("from", from, "to", to, "diff", diff));
  }

  public void timeline(Context ctx) {
    json(ctx, 200, Map.of("items", reads.timeline(service(ctx))));
  }

  public void rollback(Context ctx) throws Exception {
    Map<String, Object> body = body(ctx);
    Actions.RolledBack rb = actions.rollback(user(ctx), ctx.pathParam("app"),
        ctx.pathParam("env"), body.get("to") == null ? null
            : required(intParam(String.valueOf(body.get("to"))), "to"));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", rb.result().target());
    m.put("recordedAs", rb.result().outcome().revision());
    m.put("tookMillis", rb.result().outcome().took().toMillis());
    m.put("failed", rb.result().outcome().failed());
    m.put("errors", rb.errors());
    if (rb.result().pinWarning() != null) {
      m.put("warning", rb.result().pinWarning());
    }
    json(ctx, rb.result().outcome().failed() ? 502 : 200, m);
  }

  public void deploy(Context ctx) throws Exception {
    Map<String, Object> body = body(ctx);
    json(ctx, 202, actions.deploy(user(ctx), ctx.pathParam("app"), ctx.pathParam("env"),
        map(body.get("spec"), "spec")));
  }

  static Map<String, Object> revision(Revision r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("number", r.number());
    m.put("hash", r.hash());
    m.put("changedBy", r.changedBy());
    m.put("createdAt", r.createdAt() == null ? null : r.createdAt().toString());
    m.put("sourceCommit", r.sourceCommit());
    return m;
  }

  static Map<String, Object> finding(Finding f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rule", f.ruleId());
    m.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
    m.put("status", f.status().name().toLowerCase(Locale.ROOT));
    m.put("title", f.title());
    m.put("object", f.kind() + "/" + f.name());
    m.put("message", f.message());
    m.put("explanation", f.rationale());
    List<Map<String, Object>> v = new ArrayList<>();
    for (Finding.Violation x : f.violations()) {
      Map<String, Object> vm = new LinkedHashMap<>();
      vm.put("element", x.element());
      vm.put("path", x.path());
      vm.put("specFix", x.specFix());
      vm.put("fixed", x.fixed());
      v.add(vm);
    }
    m.put("violations", v);
    if (f.excepted() != null) {
      m.put("exceptedBy", f.excepted().exception());
      m.put("exceptionExpires", f.excepted().expiresAt());
    }
    return m;
  }
}
