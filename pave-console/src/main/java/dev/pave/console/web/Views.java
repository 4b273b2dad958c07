package dev.pave.console.web;

import dev.pave.console.access.ApiTokens;
import dev.pave.console.access.Principal;
import dev.pave.console.audit.AuditLog;
import dev.pave.console.catalog.Adoption;
import dev.pave.console.catalog.CatalogQuery;
import dev.pave.console.catalog.ServiceEntry;
import dev.pave.console.service.ServiceDetails;
import dev.pave.release.Revision;
import dev.pave.signals.incident.Incident;
import java.util.List;
import java.util.Map;

/** What each page template is given: plain records, built by the routes. */
public final class Views {
  private Views() {}

  /**
   * The frame every page shares: title, who is logged in, the form token, the theme picked
   * (null: the system's) and the page's own path, where the theme links come back to.
   */
  public record Chrome(String title, Principal user, String csrf, String section,
      boolean sandbox, String theme, String self) {
    public boolean loggedIn() {
      return user != null;
    }

    /** The theme link for {@code choice}: back to this page once it is set. */
    public String themeUrl(String choice) {
      return "/theme?set=" + choice + "&next=" + java.net.URLEncoder.encode(self,
          java.nio.charset.StandardCharsets.UTF_8);
    }

    public boolean themeIs(String choice) {
      return choice.equals(theme == null ? "system" : theme);
    }
  }

  /**
   * The catalog page. {@code columns} are the sortable headers; {@code now} is what the
   * relative times ("3 d ago") count from.
   */
  public record Catalog(CatalogQuery.Page page, CatalogQuery query, String previous,
      String next, List<Column> columns, List<PageLink> pageLinks, java.time.Instant now,
      String self) {}

  /** A sortable header: its link sorts by it; {@code ariaSort} is set on the sorted one. */
  public record Column(String label, String href, String ariaSort) {}

  /** A page number; a null {@code href} is the gap between far pages. */
  public record PageLink(String label, String href, boolean current) {}

  public record Service(ServiceDetails.Details details, List<Map<String, Object>> timeline,
      boolean signals, boolean mayChange, int previousRevision, java.time.Instant now) {}

  /** Two revisions compared; {@code objects} is null when either is not kept. */
  public record Diff(ServiceEntry entry, int from, int to,
      List<dev.pave.console.service.ObjectDiffs.ObjectDiff> objects, List<Revision> revisions) {}

  /** The rollback's confirmation, with what it changes (null when a revision is not kept). */
  public record RollbackConfirm(ServiceEntry entry, int to,
      List<dev.pave.console.service.ObjectDiffs.ObjectDiff> objects) {}

  public record RollbackDone(ServiceEntry entry, int target, int recordedAs, long millis,
      boolean failed, List<String> errors, String warning) {}

  public record Rule(String id, String severity, String title) {}

  public record Pack(String name, String description, List<Rule> rules) {}

  public record ExceptionRow(String namespace, String name, String owner, String reason,
      String ticket, List<String> rules, String expiresAt, String timeLeft, boolean expired,
      boolean mayRemove) {}

  /** {@code minExpiry}: the first day the new-exception form's date picker offers. */
  public record Policies(List<Pack> packs, List<ExceptionRow> exceptions, boolean supported,
      java.time.LocalDate minExpiry) {}

  public record Sink(String name, long delivered, long pending, long retrying, long dead,
      String lastError) {}

  public record Signals(boolean available, List<Incident> incidents, List<Sink> sinks,
      boolean mayReplay, String message) {}

  /**
   * An incident's page. {@code service} is null when the incident names no service the console
   * knows; {@code ack} null while nobody acknowledged this occurrence.
   */
  public record IncidentDetail(Incident incident, ServiceEntry service,
      dev.pave.console.incidents.Acknowledgements.Ack ack, boolean mayAcknowledge,
      java.time.Instant now) {}

  public record AdoptionPage(Adoption.Report report) {}

  public record UnmanagedWorkload(dev.pave.console.catalog.Workload workload,
      dev.pave.console.catalog.InitSuggestion.Suggestion init) {}

  /** {@code teams}: the teams the new-token form offers, those the user may give tokens for. */
  public record Tokens(List<ApiTokens.Token> tokens, String createdSecret,
      ApiTokens.Token created, java.time.Instant now, List<String> teams) {}

  public record Audit(List<AuditLog.Entry> entries) {}

  /** The login page; {@code loginToken} is the form's pre-session CSRF token. */
  public record Login(boolean sandbox, String error, String next, String loginToken) {}

  public record Error(int status, String message) {}
}
