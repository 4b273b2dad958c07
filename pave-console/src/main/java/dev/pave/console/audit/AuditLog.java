package dev.pave.console.audit;

import dev.pave.console.access.Principal;
import dev.pave.identity.Identity;
import dev.pave.signals.Ids;
import dev.pave.signals.Origin;
import dev.pave.signals.Severity;
import dev.pave.signals.Signal;
import dev.pave.signals.SignalType;
import dev.pave.signals.Status;
import dev.pave.signals.pipeline.Ingest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Every change made through the console: a row in {@code console_audit} (who, what, when, how
 * it ended) and, for changes to a service, a signal through pave-signals so the service's
 * timeline shows it next to its deploys, alerts and incidents.
 */
public final class AuditLog {
  private final DataSource ds;
  private final Ingest signals;
  private final Clock clock;
  private final Consumer<String> log;

  /** What was done. */
  public enum Action {
    DEPLOY("deploy", SignalType.DEPLOY),
    ROLLBACK("rollback", SignalType.ROLLBACK),
    EXCEPTION_CREATE("exception.create", SignalType.POLICY),
    EXCEPTION_DELETE("exception.delete", SignalType.POLICY),
    REPLAY("replay", SignalType.EXTERNAL),
    TOKEN_CREATE("token.create", SignalType.EXTERNAL),
    TOKEN_REVOKE("token.revoke", SignalType.EXTERNAL),
    INCIDENT_ACK("incident.acknowledge", SignalType.EXTERNAL),
    LOGIN("login", SignalType.EXTERNAL);

    private final String wire;
    private final SignalType type;

    Action(String wire, SignalType type) {
      this.wire = wire;
      this.type = type;
    }

    public String wire() {
      return wire;
    }
  }

  /** One audit row. */
  public record Entry(long seq, Instant time, String actor, String via, String action,
      String target, String app, String environment, String team, String outcome,
      String detail) {}

  /**
   * @param signals where service changes go to appear in the timeline; null when the console
   *     runs without pave-signals (then only the audit table has them)
   */
  public AuditLog(DataSource ds, Ingest signals, Clock clock, Consumer<String> log) {
    this.ds = ds;
    this.signals = signals;
    this.clock = clock;
    this.log = log;
  }

  /**
   * Records a change. {@code app} and {@code environment} are null for changes not about one
   * service (tokens, replays).
   */
  public Entry record(Principal who, Action action, String target, String app,
      String environment, String team, boolean ok, String detail) throws SQLException {
    Instant now = clock.instant();
    long seq;
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "insert into console_audit (time, actor, via, action, target, app, environment, team,"
            + " outcome, detail) values (?,?,?,?,?,?,?,?,?,?) returning seq")) {
      ps.setTimestamp(1, Timestamp.from(now));
      ps.setString(2, who.name());
      ps.setString(3, who.via());
      ps.setString(4, action.wire());
      ps.setString(5, target);
      ps.setString(6, app);
      ps.setString(7, environment);
      ps.setString(8, team);
      ps.setString(9, ok ? "ok" : "failed");
      ps.setString(10, detail);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        seq = rs.getLong(1);
      }
    }
    Entry e = new Entry(seq, now, who.name(), who.via(), action.wire(), target, app,
        environment, team, ok ? "ok" : "failed", detail);
    if (signals != null && app != null && environment != null) {
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put(Identity.NAME, app);
      labels.put(Identity.ENVIRONMENT, environment);
      if (team != null) {
        labels.put(Identity.TEAM, team);
      }
      String dedup = "console-audit/" + seq + "/" + now;
      Signal s = new Signal(Ids.signalId(dedup), action.type, Status.INFO,
          ok ? Severity.INFO : Severity.LOW, now, title(e), detail, labels,
          Map.of("pave.dev/changed-by", who.name()), null,
          new Origin.Platform("Console" + action.name(), null, who.name()), dedup, null);
      try {
        signals.submit(List.of(s));
      } catch (RuntimeException ex) {
        // The audit row is the record; the timeline copy is best effort and says so.
        log.accept("audit " + seq + " not in the timeline: " + ex.getMessage());
      }
    }
    return e;
  }

  static String title(Entry e) {
    String verb = switch (e.action()) {
      case "deploy" -> "Deployed";
      case "rollback" -> "Rolled back";
      case "exception.create" -> "Policy exception created";
      case "exception.delete" -> "Policy exception removed";
      case "incident.acknowledge" -> "Incident acknowledged";
      default -> e.action();
    };
    return verb + " by " + e.actor() + " in the console" + ("ok".equals(e.outcome()) ? ""
        : " (failed)");
  }

  /** The newest entries, optionally for one service. */
  public List<Entry> recent(String app, String environment, int limit) throws SQLException {
    List<Entry> out = new ArrayList<>();
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select seq, time, actor, via, action, target, app, environment, team, outcome, detail"
            + " from console_audit where (? is null or app = ?) and (? is null or"
            + " environment = ?) order by seq desc limit ?")) {
      ps.setString(1, app);
      ps.setString(2, app);
      ps.setString(3, environment);
      ps.setString(4, environment);
      ps.setInt(5, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
              rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
              rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11)));
        }
      }
    }
    return out;
  }
}
