package dev.pave.console.web.pages;

import dev.pave.console.catalog.ServiceIndex;
import dev.pave.console.web.Html;
import dev.pave.console.web.Views;
import io.javalin.http.Context;

/** GET /adoption: workloads Pave manages against those that bypass it. */
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
}
