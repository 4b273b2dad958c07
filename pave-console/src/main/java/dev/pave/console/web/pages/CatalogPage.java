package dev.pave.console.web.pages;

import dev.pave.console.catalog.CatalogQuery;
import dev.pave.console.catalog.ServiceIndex;
import dev.pave.console.web.Html;
import dev.pave.console.web.Http;
import dev.pave.console.web.Views;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** GET /catalog: one page of the services, filtered and sorted on the server. */
public final class CatalogPage {
  /** The sortable columns in the order shown: sort key, header. */
  static final List<Map.Entry<String, String>> COLUMNS = List.of(Map.entry("service", "Service"),
      Map.entry("environment", "Environment"), Map.entry("team", "Team"),
      Map.entry("image", "Image"), Map.entry("version", "Version"),
      Map.entry("health", "Health"), Map.entry("revision", "Revision"),
      Map.entry("rollout", "Rollout"), Map.entry("policy", "Policy"),
      Map.entry("incidents", "Open incidents"), Map.entry("age", "Age"));
  private static final List<String> KEPT = List.of("q", "team", "env", "health", "policy",
      "incidents", "size");

  private final Html html;
  private final ServiceIndex index;
  private final Clock clock;

  public CatalogPage(Html html, ServiceIndex index, Clock clock) {
    this.html = html;
    this.index = index;
    this.clock = clock;
  }

  public void show(Context ctx) {
    Http.user(ctx);
    CatalogQuery q = Http.catalogQuery(ctx);
    CatalogQuery.Page page = q.run(index.services());
    String prev = page.page() > 1 ? url(ctx, q.sort(), q.descending(), page.page() - 1) : null;
    String next = page.page() < page.pages()
        ? url(ctx, q.sort(), q.descending(), page.page() + 1) : null;
    List<Views.Column> columns = new ArrayList<>();
    for (Map.Entry<String, String> c : COLUMNS) {
      boolean sorted = c.getKey().equals(q.sort() == null ? "service" : q.sort());
      // A click on the sorted column turns it round; on another one sorts by it ascending.
      boolean descendingNext = sorted && !q.descending();
      columns.add(new Views.Column(c.getValue(), url(ctx, c.getKey(), descendingNext, 1),
          sorted ? (q.descending() ? "descending" : "ascending") : null));
    }
    html.page(ctx, "catalog.jte", "Catalog", "catalog", new Views.Catalog(page, q, prev, next,
        columns, pageLinks(ctx, q, page), clock.instant(),
        url(ctx, q.sort(), q.descending(), page.page())));
  }

  /** First, last and the two pages either side of this one; a gap (null href) between. */
  private static List<Views.PageLink> pageLinks(Context ctx, CatalogQuery q,
      CatalogQuery.Page page) {
    List<Views.PageLink> out = new ArrayList<>();
    int last = 0;
    for (int p = 1; p <= page.pages(); p++) {
      if (p != 1 && p != page.pages() && Math.abs(p - page.page()) > 2) {
        continue;
      }
      if (last != 0 && p > last + 1) {
        out.add(new Views.PageLink("…", null, false));
      }
      out.add(new Views.PageLink(String.valueOf(p), url(ctx, q.sort(), q.descending(), p),
          p == page.page()));
      last = p;
    }
    return out;
  }

  private static String url(Context ctx, String sort, boolean descending, int page) {
    StringBuilder b = new StringBuilder("/catalog?page=" + page);
    for (String k : KEPT) {
      String v = ctx.queryParam(k);
      if (v != null && !v.isBlank()) {
        b.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
      }
    }
    if (sort != null) {
      b.append("&sort=").append(sort).append("&dir=").append(descending ? "desc" : "asc");
    }
    return b.toString();
  }
}
