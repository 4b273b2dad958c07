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

  /** The frame every page shares: title, who is logged in, the form token. */
  public record Chrome(String title, Principal user, String csrf, String section,
      boolean sandbox) {
    public boolean loggedIn() {
      return user != null;
    }
  }

  public record Catalog(CatalogQuery.Page page, CatalogQuery query, String previous,
      String next) {}

  public record Service(ServiceDetails.Details details, List<Map<String, Object>> timeline,
      boolean signals, boolean mayChange, int previousRevision) {}

  public record Diff(ServiceEntry entry, int from, int to, String diff,
      List<Revision> revisions) {}

  public record RollbackConfirm(ServiceEntry entry, int to) {}

  public record RollbackDone(ServiceEntry entry, int target, int recordedAs, long millis,
      boolean failed, List<String> errors, String warning) {}

  public record Rule(String id, String severity, String title) {}

  public record Pack(String name, String description, List<Rule> rules) {}

  public record ExceptionRow(String namespace, String name, String owner, String reason,
      String ticket, List<String> rules, String expiresAt, String timeLeft, boolean expired,
      boolean mayRemove) {}

  public record Policies(List<Pack> packs, List<ExceptionRow> exceptions, boolean supported) {}

  public record Sink(String name, long delivered, long pending, long retrying, long dead,
      String lastError) {}

  public record Signals(boolean available, List<Incident> incidents, List<Sink> sinks,
      boolean mayReplay, String message) {}

  public record AdoptionPage(Adoption.Report report) {}

  public record Tokens(List<ApiTokens.Token> tokens, String createdSecret,
      ApiTokens.Token created, java.time.Instant now) {}

  public record Audit(List<AuditLog.Entry> entries) {}

  /** The login page; {@code loginToken} is the form's pre-session CSRF token. */
  public record Login(boolean sandbox, String error, String next, String loginToken) {}

  public record Error(int status, String message) {}
}
