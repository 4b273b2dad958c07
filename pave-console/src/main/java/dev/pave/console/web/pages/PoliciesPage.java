package dev.pave.console.web.pages;

import dev.pave.console.access.Principal;
import dev.pave.console.catalog.ServiceIndex;
import dev.pave.console.web.Actions;
import dev.pave.console.web.Html;
import dev.pave.console.web.Http;
import dev.pave.console.web.Reads;
import dev.pave.console.web.Views;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** GET /policies: packs and exceptions; the forms that create and remove an exception. */
public final class PoliciesPage {
  private final Html html;
  private final ServiceIndex index;
  private final Actions actions;
  private final Reads reads;
  private final Clock clock;

  public PoliciesPage(Html html, ServiceIndex index, Actions actions, Reads reads, Clock clock) {
    this.html = html;
    this.index = index;
    this.actions = actions;
    this.reads = reads;
    this.clock = clock;
  }

  public void show(Context ctx) {
    Principal p = Http.user(ctx);
    html.page(ctx, "policies.jte", "Policies", "policies",
        new Views.Policies(reads.packs(), reads.exceptions(p), index.exceptionsSupported(),
            today().plusDays(1)));
  }

  public void createException(Context ctx) throws Exception {
    Map<String, Object> resource = new LinkedHashMap<>();
    resource.put("kind", Http.blankToNull(ctx.formParam("kind")));
    resource.put("namespace", ctx.formParam("namespace"));
    resource.put("name", Http.blankToNull(ctx.formParam("resource")));
    resource.values().removeIf(Objects::isNull);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("rules", java.util.Arrays.stream(String.valueOf(ctx.formParam("rules"))
        .split("[,\\s]+")).filter(x -> !x.isBlank() && !x.equals("null")).toList());
    spec.put("resources", List.of(resource));
    spec.put("reason", Http.blankToNull(ctx.formParam("reason")));
    spec.put("owner", Http.blankToNull(ctx.formParam("owner")));
    spec.put("ticket", Http.blankToNull(ctx.formParam("ticket")));
    spec.put("expiresAt", expiresAt(ctx));
    spec.values().removeIf(Objects::isNull);
    actions.createException(Http.user(ctx), ctx.formParam("namespace"), ctx.formParam("name"),
        spec);
    ctx.redirect("/policies", HttpStatus.SEE_OTHER);
  }

  /**
   * The form's date picker sends a day ({@code expiresOn}); the exception expires at its
   * start, 00:00 UTC. A client that sends {@code expiresAt} (RFC 3339) keeps working.
   */
  private String expiresAt(Context ctx) {
    String day = Http.blankToNull(ctx.formParam("expiresOn"));
    if (day == null) {
      return Http.blankToNull(ctx.formParam("expiresAt"));
    }
    LocalDate d;
    try {
      d = LocalDate.parse(day);
    } catch (DateTimeParseException e) {
      throw new BadRequestResponse("expiresOn: \"" + day + "\" is not a date; YYYY-MM-DD");
    }
    if (!d.isAfter(today())) {
      throw new BadRequestResponse("expiresOn: " + d + " is not after today (" + today()
          + " UTC); pick a later day");
    }
    return d.atStartOfDay(ZoneOffset.UTC).toInstant().toString();
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  public void deleteException(Context ctx) throws Exception {
    actions.deleteException(Http.user(ctx), ctx.pathParam("namespace"), ctx.pathParam("name"));
    ctx.redirect("/policies", HttpStatus.SEE_OTHER);
  }
}
