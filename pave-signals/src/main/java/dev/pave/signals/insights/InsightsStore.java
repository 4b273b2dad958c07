package dev.pave.signals.insights;

import dev.pave.insights.AppState;
import dev.pave.insights.Contribution;
import dev.pave.insights.Costs;
import dev.pave.insights.Fact;
import dev.pave.insights.Fold;
import dev.pave.insights.Inputs;
import dev.pave.insights.Insights;
import dev.pave.insights.Key;
import dev.pave.insights.Measure;
import dev.pave.insights.Report;
import dev.pave.insights.TeamState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The insights tables: {@link #record} folds facts into them inside the journal's transaction;
 * {@link #insights} reads one window of rollups back into the scorecard.
 */
public final class InsightsStore {
  /**
   * Rollups outlive the journal: a year of trends from a 30-day journal is what they are for.
   * They are small (a row per application, day and measure), and go after this long.
   */
  public static final Duration RETENTION = Duration.ofDays(400);

  private final DataSource ds;

  public InsightsStore(DataSource ds) {
    this.ds = ds;
  }

  // --- writing, in the caller's transaction ---------------------------------------------------

  private record RollupKey(LocalDate day, String team, String env, String app, Measure measure,
      String detail) implements Comparable<RollupKey> {
    @Override
    public int compareTo(RollupKey o) {
      return Arrays.compare(new String[] {day.toString(), team, env, app, measure.name(), detail},
          new String[] {o.day.toString(), o.team, o.env, o.app, o.measure.name(), o.detail});
    }
  }

  private static boolean needsApp(Fact f) {
    return f instanceof Fact.RevisionRecorded || f instanceof Fact.RolloutAvailable
        || f instanceof Fact.RolloutFailed || f instanceof Fact.RolledBack
        || f instanceof Fact.IncidentOpened || f instanceof Fact.AdmissionDenied;
  }

  private static boolean needsTeam(Fact f) {
    return (f instanceof Fact.RolloutAvailable || f instanceof Fact.TeamCreated)
        && !f.key().team().isEmpty();
  }

  /** Folds the facts, in order, into the rollups, samples, states and inventories. */
  public static void record(Connection c, List<Fact> facts) throws SQLException {
    if (facts.isEmpty()) {
      return;
    }
    // States are locked in one order (sorted keys) so two replicas never wait in a circle.
    Set<List<String>> appKeys = new java.util.TreeSet<>((a, b) -> Arrays.compare(
        a.toArray(new String[0]), b.toArray(new String[0])));
    Set<String> teamKeys = new java.util.TreeSet<>();
    for (Fact f : facts) {
      if (needsApp(f)) {
        appKeys.add(List.of(f.key().app(), f.key().env()));
      }
      if (needsTeam(f)) {
        teamKeys.add(f.key().team());
      }
    }
    Map<List<String>, AppState> apps = loadApps(c, appKeys);
    Map<String, TeamState> teams = loadTeams(c, teamKeys);
    Set<List<String>> appsChanged = new HashSet<>();
    Set<String> teamsChanged = new HashSet<>();
    TreeMap<RollupKey, Double> rollups = new TreeMap<>();
    List<Contribution> samples = new ArrayList<>();
    for (Fact f : facts) {
      List<String> ak = List.of(f.key().app(), f.key().env());
      AppState before = needsApp(f) ? apps.get(ak) : AppState.EMPTY;
      TeamState team = needsTeam(f) ? teams.get(f.key().team()) : TeamState.EMPTY;
      var r = Fold.step(before, team, f);
      if (needsApp(f) && !r.app().equals(before)) {
        apps.put(ak, r.app());
        appsChanged.add(ak);
      }
      if (needsTeam(f) && !r.team().equals(team)) {
        teams.put(f.key().team(), r.team());
        teamsChanged.add(f.key().team());
      }
      for (Contribution x : r.contributions()) {
        if (x.measure().sample()) {
          samples.add(x);
        } else {
          rollups.merge(new RollupKey(x.day(), x.key().team(), x.key().env(), x.key().app(),
              x.measure(), x.detail()), x.value(), Double::sum);
        }
      }
    }
    saveApps(c, apps, appsChanged);
    saveTeams(c, teams, teamsChanged);
    if (!rollups.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("insert into insights_rollup (day, team,"
          + " environment, app, measure, detail, value) values (?,?,?,?,?,?,?) on conflict (day,"
          + " team, environment, app, measure, detail) do update set value ="
          + " insights_rollup.value + excluded.value")) {
        for (var e : rollups.entrySet()) {
          RollupKey k = e.getKey();
          ps.setObject(1, k.day());
          ps.setString(2, k.team());
          ps.setString(3, k.env());
          ps.setString(4, k.app());
          ps.setString(5, k.measure().name());
          ps.setString(6, k.detail());
          ps.setDouble(7, e.getValue());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    if (!samples.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("insert into insights_samples (day, team,"
          + " environment, app, measure, detail, seconds) values (?,?,?,?,?,?,?)")) {
        for (Contribution x : samples) {
          ps.setObject(1, x.day());
          ps.setString(2, x.key().team());
          ps.setString(3, x.key().env());
          ps.setString(4, x.key().app());
          ps.setString(5, x.measure().name());
          ps.setString(6, x.detail());
          ps.setDouble(7, x.value());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    inventories(c, facts);
  }

  private static void inventories(Connection c, List<Fact> facts) throws SQLException {
    try (PreparedStatement w = c.prepareStatement("insert into insights_workloads (namespace,"
        + " kind, name, team, app, environment, managed, first_seen, last_seen) values"
        + " (?,?,?,?,?,?,?,?,?) on conflict (namespace, kind, name) do update set"
        + " team = excluded.team, app = excluded.app, environment = excluded.environment,"
        + " managed = excluded.managed, first_seen = least(insights_workloads.first_seen,"
        + " excluded.first_seen), last_seen = greatest(insights_workloads.last_seen,"
        + " excluded.last_seen)");
        PreparedStatement x = c.prepareStatement("insert into insights_exceptions (app,"
            + " environment, name, team, first_used, last_used, expires_at) values"
            + " (?,?,?,?,?,?,?) on conflict (app, environment, name) do update set"
            + " team = excluded.team, first_used = least(insights_exceptions.first_used,"
            + " excluded.first_used), last_used = greatest(insights_exceptions.last_used,"
            + " excluded.last_used), expires_at = excluded.expires_at")) {
      int nw = 0;
      int nx = 0;
      for (Fact f : facts) {
        if (f instanceof Fact.WorkloadSeen s) {
          w.setString(1, s.namespace());
          w.setString(2, s.kind());
          w.setString(3, s.name());
          w.setString(4, s.key().team());
          w.setString(5, s.key().app());
          w.setString(6, s.key().env());
          w.setBoolean(7, s.managed());
          w.setTimestamp(8, Timestamp.from(s.at()));
          w.setTimestamp(9, Timestamp.from(s.at()));
          w.addBatch();
          nw++;
        } else if (f instanceof Fact.ExceptionUsed u) {
          x.setString(1, u.key().app());
          x.setString(2, u.key().env());
          x.setString(3, u.name());
          x.setString(4, u.key().team());
          x.setTimestamp(5, Timestamp.from(u.at()));
          x.setTimestamp(6, Timestamp.from(u.at()));
          x.setTimestamp(7, u.expiresAt() == null ? null : Timestamp.from(u.expiresAt()));
          x.addBatch();
          nx++;
        }
      }
      if (nw > 0) {
        w.executeBatch();
      }
      if (nx > 0) {
        x.executeBatch();
      }
    }
  }

  private static Map<List<String>, AppState> loadApps(Connection c, Set<List<String>> keys)
      throws SQLException {
    Map<List<String>, AppState> out = new java.util.HashMap<>();
    if (keys.isEmpty()) {
      return out;
    }
    String[] apps = keys.stream().map(k -> k.get(0)).toArray(String[]::new);
    String[] envs = keys.stream().map(k -> k.get(1)).toArray(String[]::new);
    try (PreparedStatement ins = c.prepareStatement("insert into insights_apps (app,"
        + " environment, highest_available, running, pending, failed) select a, e, 0, 0, 0, 0"
        + " from unnest(?::text[], ?::text[]) as k(a, e) order by a, e on conflict do nothing");
        PreparedStatement sel = c.prepareStatement("select app, environment, highest_available,"
            + " running, running_since, pending, pending_commit_time, failed, failed_at,"
            + " rollback_at, first_denied_at from insights_apps where (app, environment) in"
            + " (select * from unnest(?::text[], ?::text[])) order by app, environment"
            + " for update")) {
      ins.setArray(1, c.createArrayOf("text", apps));
      ins.setArray(2, c.createArrayOf("text", envs));
      ins.executeUpdate();
      sel.setArray(1, c.createArrayOf("text", apps));
      sel.setArray(2, c.createArrayOf("text", envs));
      try (ResultSet rs = sel.executeQuery()) {
        while (rs.next()) {
          out.put(List.of(rs.getString(1), rs.getString(2)), new AppState(rs.getInt(3),
              rs.getInt(4), instant(rs, 5), rs.getInt(6), instant(rs, 7), rs.getInt(8),
              instant(rs, 9), instant(rs, 10), instant(rs, 11)));
        }
      }
    }
    return out;
  }

  private static void saveApps(Connection c, Map<List<String>, AppState> apps,
      Set<List<String>> changed) throws SQLException {
    if (changed.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("update insights_apps set"
        + " highest_available = ?, running = ?, running_since = ?, pending = ?,"
        + " pending_commit_time = ?, failed = ?, failed_at = ?, rollback_at = ?,"
        + " first_denied_at = ? where app = ? and environment = ?")) {
      for (List<String> k : changed) {
        AppState s = apps.get(k);
        ps.setInt(1, s.highestAvailable());
        ps.setInt(2, s.running());
        ps.setTimestamp(3, ts(s.runningSince()));
        ps.setInt(4, s.pending());
        ps.setTimestamp(5, ts(s.pendingCommitTime()));
        ps.setInt(6, s.failed());
        ps.setTimestamp(7, ts(s.failedAt()));
        ps.setTimestamp(8, ts(s.rollbackAt()));
        ps.setTimestamp(9, ts(s.firstDeniedAt()));
        ps.setString(10, k.get(0));
        ps.setString(11, k.get(1));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static Map<String, TeamState> loadTeams(Connection c, Set<String> teams)
      throws SQLException {
    Map<String, TeamState> out = new java.util.HashMap<>();
    if (teams.isEmpty()) {
      return out;
    }
    try (PreparedStatement ins = c.prepareStatement("insert into insights_teams (team,"
        + " onboarded) select t, '{}' from unnest(?::text[]) as k(t) order by t"
        + " on conflict do nothing");
        PreparedStatement sel = c.prepareStatement("select team, created_at, onboarded from"
            + " insights_teams where team = any(?) order by team for update")) {
      var a = c.createArrayOf("text", teams.toArray());
      ins.setArray(1, a);
      ins.executeUpdate();
      sel.setArray(1, a);
      try (ResultSet rs = sel.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new TeamState(instant(rs, 2),
              Set.of((String[]) rs.getArray(3).getArray())));
        }
      }
    }
    return out;
  }

  private static void saveTeams(Connection c, Map<String, TeamState> teams, Set<String> changed)
      throws SQLException {
    if (changed.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("update insights_teams set created_at = ?,"
        + " onboarded = ? where team = ?")) {
      for (String t : changed) {
        TeamState s = teams.get(t);
        ps.setTimestamp(1, ts(s.createdAt()));
        ps.setArray(2, c.createArrayOf("text", s.onboarded().toArray()));
        ps.setString(3, t);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  // --- reading --------------------------------------------------------------------------------

  /**
   * The scorecard from {@code since} to {@code now}, for one team and environment or all
   * (null). Reads whole days of rollups: the window's first and last days count whole.
   */
  public Insights insights(String team, String env, Instant since, Instant now, Costs costs)
      throws SQLException {
    LocalDate from = Fold.day(since);
    LocalDate to = Fold.day(now);
    List<Inputs.Total> totals = new ArrayList<>();
    List<Inputs.WeekTotal> weeks = new ArrayList<>();
    List<Inputs.Spread> spreads = new ArrayList<>();
    List<Inputs.Sample> onboarding = new ArrayList<>();
    List<Inputs.Workload> workloads = new ArrayList<>();
    List<Inputs.ExceptionInUse> exceptions = new ArrayList<>();
    String filter = " and (?::text is null or team = ?) and (?::text is null or environment = ?)";
    try (Connection c = ds.getConnection()) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      // A year of a large platform is millions of rollup rows: they are added up here, in
      // SQL, so only sums and percentiles cross the connection. Hashing that many groups
      // spills to disk with the default 4MB.
      try (var st = c.createStatement()) {
        st.execute("set local work_mem = '64MB'");
      }
      try (PreparedStatement ps = c.prepareStatement("select team, environment, app, measure,"
          + " detail, sum(value) from insights_rollup where day between ? and ?" + filter
          + " group by team, environment, app, measure, detail")) {
        bind(ps, from, to, team, env);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            totals.add(new Inputs.Total(new Key(rs.getString(1), rs.getString(3),
                rs.getString(2)), Measure.valueOf(rs.getString(4)), rs.getString(5),
                rs.getDouble(6)));
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("select date_trunc('week', day)::date,"
          + " measure, sum(value) from insights_rollup where day between ? and ?" + filter
          + " group by 1, 2")) {
        bind(ps, from, to, team, env);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            weeks.add(new Inputs.WeekTotal(rs.getObject(1, LocalDate.class),
                Measure.valueOf(rs.getString(2)), rs.getDouble(3)));
          }
        }
      }
      // percentile_disc is the nearest rank, as Report.distribution computes it.
      try (PreparedStatement ps = c.prepareStatement("select measure, grouping(team),"
          + " grouping(app), grouping(environment), team, app, environment, count(*),"
          + " percentile_disc(array[0.5, 0.9]) within group (order by seconds), max(seconds),"
          + " avg(seconds) from insights_samples where day between ? and ?" + filter
          + " group by grouping sets ((measure), (measure, team), (measure, app),"
          + " (measure, environment))")) {
        bind(ps, from, to, team, env);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Inputs.Scope scope = rs.getInt(2) == 0 ? Inputs.Scope.TEAM
                : rs.getInt(3) == 0 ? Inputs.Scope.APP
                : rs.getInt(4) == 0 ? Inputs.Scope.ENV : Inputs.Scope.ALL;
            String name = switch (scope) {
              case TEAM -> rs.getString(5);
              case APP -> rs.getString(6);
              case ENV -> rs.getString(7);
              case ALL -> "";
            };
            Double[] p = (Double[]) rs.getArray(9).getArray();
            spreads.add(new Inputs.Spread(Measure.valueOf(rs.getString(1)), scope, name,
                new Insights.Distribution(rs.getLong(8), p[0], p[1], rs.getDouble(10),
                    rs.getDouble(11))));
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("select day, team, environment, app,"
          + " measure, detail, seconds from insights_samples where measure = 'ONBOARDING'"
          + " and day between ? and ?" + filter)) {
        bind(ps, from, to, team, env);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            onboarding.add(new Inputs.Sample(new Key(rs.getString(2), rs.getString(4),
                rs.getString(3)), rs.getObject(1, LocalDate.class),
                Measure.valueOf(rs.getString(5)), rs.getString(6), rs.getDouble(7)));
          }
        }
      }
      // Workloads belong to namespaces, seldom to one environment: filtered by team only.
      try (PreparedStatement ps = c.prepareStatement("select namespace, kind, name, team, app,"
          + " environment, managed, first_seen from insights_workloads where first_seen <= ?"
          + " and (?::text is null or team = ?)")) {
        ps.setTimestamp(1, Timestamp.from(now));
        ps.setString(2, team);
        ps.setString(3, team);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            workloads.add(new Inputs.Workload(new Key(rs.getString(4), rs.getString(5),
                rs.getString(6)), rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getBoolean(7), instant(rs, 8)));
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("select app, environment, name, team,"
          + " first_used, expires_at from insights_exceptions where last_used >= ? and"
          + " first_used <= ? and (?::text is null or team = ?) and (?::text is null or"
          + " environment = ?)")) {
        ps.setTimestamp(1, Timestamp.from(since));
        ps.setTimestamp(2, Timestamp.from(now));
        ps.setString(3, team);
        ps.setString(4, team);
        ps.setString(5, env);
        ps.setString(6, env);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            exceptions.add(new Inputs.ExceptionInUse(new Key(rs.getString(4), rs.getString(1),
                rs.getString(2)), rs.getString(3), instant(rs, 5), instant(rs, 6)));
          }
        }
      }
      c.commit();
    }
    return Report.compute(team, env, new Inputs.Window(since, now),
        new Inputs.Summary(totals, weeks, spreads, onboarding), workloads, exceptions, costs);
  }

  /** Removes rollups, samples and inventory rows older than the horizon. */
  public static void expire(Connection c, Instant horizon, Map<String, Integer> removed)
      throws SQLException {
    LocalDate day = Fold.day(horizon);
    for (String[] q : new String[][] {
        {"insights_rollup", "delete from insights_rollup where day < ?"},
        {"insights_samples", "delete from insights_samples where day < ?"}}) {
      try (PreparedStatement ps = c.prepareStatement(q[1])) {
        ps.setObject(1, day);
        removed.put(q[0], ps.executeUpdate());
      }
    }
    for (String[] q : new String[][] {
        {"insights_workloads", "delete from insights_workloads where last_seen < ?"},
        {"insights_exceptions", "delete from insights_exceptions where last_used < ?"}}) {
      try (PreparedStatement ps = c.prepareStatement(q[1])) {
        ps.setTimestamp(1, Timestamp.from(horizon));
        removed.put(q[0], ps.executeUpdate());
      }
    }
  }

  private static void bind(PreparedStatement ps, LocalDate from, LocalDate to, String team,
      String env) throws SQLException {
    ps.setObject(1, from);
    ps.setObject(2, to);
    ps.setString(3, team);
    ps.setString(4, team);
    ps.setString(5, env);
    ps.setString(6, env);
  }

  private static Instant instant(ResultSet rs, int i) throws SQLException {
    Timestamp t = rs.getTimestamp(i);
    return t == null ? null : t.toInstant();
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }
}
