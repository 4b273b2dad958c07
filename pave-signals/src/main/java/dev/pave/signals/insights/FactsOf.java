package dev.pave.signals.insights;

import dev.pave.insights.Fact;
import dev.pave.insights.Key;
import dev.pave.signals.Origin;
import dev.pave.signals.Signal;
import dev.pave.signals.SignalType;
import dev.pave.signals.enrich.CatalogEntry;
import dev.pave.signals.enrich.Enrichment;
import dev.pave.signals.incident.Change;
import dev.pave.signals.schema.Notice;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which insight facts a journaled notice carries. The operator's Events (by reason), the
 * incident change the notice made, the enrichment of alerts, and two CloudEvent types the
 * pipeline has no other source for: {@value #WORKLOAD} (a workload seen, managed by Pave or
 * not) and {@value #TEAM} (a Team created).
 */
public final class FactsOf {
  public static final String COMMIT_TIME = "pave.dev/source-commit-time";
  public static final String WORKLOAD = "dev.pave.workload.observed";
  public static final String TEAM = "dev.pave.team.created";

  /** {@code <rule>: <message>} items of an admission denial, after "is not valid: " or "; ". */
  private static final Pattern DENIED_RULE =
      Pattern.compile("(?:is not valid: |; )([A-Za-z0-9][A-Za-z0-9._/-]*): ");
  /** {@code <rule> by <exception>} items of "Admitted with findings excepted: ...". */
  private static final Pattern EXCEPTED = Pattern.compile("[^:;\\s]+ by ([^;\\s]+)");

  private FactsOf() {}

  public static List<Fact> of(Notice n) {
    Signal s = n.signal().signal();
    Enrichment e = n.signal().enrichment();
    Key key = new Key(e.team() != null ? e.team() : s.attribute("pave.dev/team"),
        e.app() != null ? e.app() : s.attribute("pave.dev/app"),
        e.environment() != null ? e.environment() : s.attribute("pave.dev/environment"));
    Instant at = s.time();
    List<Fact> out = new ArrayList<>();
    if (s.origin() instanceof Origin.Platform p) {
      int rev = p.revision() == null ? 0 : p.revision();
      switch (p.reason()) {
        case "RevisionRecorded" -> out.add(new Fact.RevisionRecorded(key, at, rev,
            instant(s.attribute(COMMIT_TIME))));
        case "RolloutAvailable" -> out.add(new Fact.RolloutAvailable(key, at, rev));
        case "RolloutFailed" -> out.add(new Fact.RolloutFailed(key, at, rev));
        case "AutoRolledBack" -> out.add(new Fact.RolledBack(key, at, rev, true));
        case "RolledBack" -> out.add(new Fact.RolledBack(key, at, rev, false));
        case "DriftCorrected" -> out.add(new Fact.DriftCorrected(key, at));
        case "AdmissionDenied" -> {
          Matcher m = DENIED_RULE.matcher(s.summary());
          boolean any = false;
          while (m.find()) {
            out.add(new Fact.AdmissionDenied(key, at, m.group(1)));
            any = true;
          }
          if (!any) {
            out.add(new Fact.AdmissionDenied(key, at, ""));
          }
        }
        case "ExceptionUsed" -> {
          Matcher m = EXCEPTED.matcher(s.summary());
          while (m.find()) {
            out.add(new Fact.ExceptionUsed(key, at, m.group(1), expiry(e, m.group(1))));
          }
        }
        default -> { }
      }
    } else if (s.origin() instanceof Origin.External x && WORKLOAD.equals(x.type())) {
      String name = s.attribute("name");
      String namespace = s.attribute("namespace");
      if (name != null && namespace != null) {
        out.add(new Fact.WorkloadSeen(key, at, namespace,
            s.attribute("kind") == null ? "" : s.attribute("kind"), name,
            "true".equals(s.attribute("managed"))));
      }
    } else if (s.origin() instanceof Origin.External x && TEAM.equals(x.type())) {
      String team = s.attribute("team");
      if (team != null) {
        out.add(new Fact.TeamCreated(new Key(team, null, null), at));
      }
    }
    if (s.type() == SignalType.ALERT) {
      out.add(new Fact.Enriched(key, at, e.level() == Enrichment.Level.COMPLETE, e.missing()));
    }
    if (n.incident() != null && (n.change() == Change.OPENED || n.change() == Change.REOPENED)) {
      // The incident's own times (when the pipeline opened and resolved it), not the alert's.
      Instant opened = n.change() == Change.OPENED ? n.incident().openedAt()
          : n.incident().updatedAt();
      out.add(new Fact.IncidentOpened(key, opened, n.incident().id()));
    } else if (n.incident() != null && n.change() == Change.RESOLVED) {
      Instant resolved = n.incident().resolvedAt() != null ? n.incident().resolvedAt() : at;
      out.add(new Fact.IncidentResolved(key, resolved, n.incident().id(),
          n.incident().openedAt()));
    }
    return out;
  }

  private static Instant expiry(Enrichment e, String exception) {
    for (CatalogEntry.ActiveException x : e.activeExceptions()) {
      if (x.name().equals(exception)) {
        return x.expiresAt();
      }
    }
    return null;
  }

  private static Instant instant(String s) {
    try {
      return s == null ? null : Instant.parse(s);
    } catch (DateTimeParseException ex) {
      return null;
    }
  }
}
