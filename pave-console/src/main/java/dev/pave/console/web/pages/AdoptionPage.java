package dev.pave.console.web.pages;

import dev.pave.console.catalog.InitSuggestion;
import dev.pave.console.catalog.ServiceIndex;
import dev.pave.console.catalog.Workload;
import dev.pave.console.web.Html;
import dev.pave.console.web.Http;
import dev.pave.console.web.Views;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;

/**
 * GET /adoption: workloads Pave manages against those that bypass it; GET
 * /adoption/{namespace}/{kind}/{name}: one unmanaged workload and how to adopt it.
 */
public final class AdoptionPage {
  private final Html html;
  private final ServiceIndex index;

  public AdoptionPage(Html html, ServiceIndex index) {
    this.html = html;
    this.index = index;
  }

  public void show(Context ctx) {
    html.page(ctx, "adoption.jte", "Adoption", "adoption",
        new Views.AdoptionPage(index.adoption()));
  }

  public void workload(Context ctx) {
    Http.user(ctx);
    String ns = ctx.pathParam("namespace");
    String kind = ctx.pathParam("kind");
    String name = ctx.pathParam("name");
    // From the adoption report, so the team a namespace's services give is filled in.
    Workload w = index.adoption().unmanaged().stream().filter(x -> x.namespace().equals(ns)
        && x.kind().equals(kind) && x.name().equals(name)).findFirst()
        .orElseThrow(() -> new NotFoundResponse("no unmanaged " + kind + " " + name
            + " in namespace " + ns + "; see /adoption for those there are"));
    html.page(ctx, "workload.jte", kind + " " + name, "adoption",
        new Views.UnmanagedWorkload(w, InitSuggestion.of(w)));
  }
}
