package dev.pave.console.web.pages;

import dev.pave.console.catalog.CatalogQuery;
import dev.pave.console.catalog.ServiceIndex;
import dev.pave.console.web.Html;
import dev.pave.console.web.Http;
import dev.pave.console.web.Views;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** GET /catalog: one page of the services, filtered. */
public final class CatalogPage {
  private final Html html;
  private final ServiceIndex index;

  public CatalogPage(Html html, ServiceIndex index) {
    this.html = html;
    this.index = index;
  }

  public void show(Context ctx) {
    Http.user(ctx);
    CatalogQuery q = Http.catalogQuery(ctx);
    CatalogQuery.Page page = q.run(index.services());
    String prev = page.page() > 1 ? pageUrl(ctx, page.page() - 1) : null;
    String next = page.page() < page.pages() ? pageUrl(ctx, page.page() + 1) : null;
    html.page(ctx, "catalog.jte", "Catalog", "catalog", new Views.Catalog(page, q, prev, next));
  }

  private static String pageUrl(Context ctx, int page) {
    StringBuilder b = new StringBuilder("/catalog?page=" + page);
    for (String k : List.of("q", "team", "env", "health", "policy", "incidents", "size")) {
      String v = ctx.queryParam(k);
      if (v != null && !v.isBlank()) {
        b.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
      }
    }
    return b.toString();
  }
}
