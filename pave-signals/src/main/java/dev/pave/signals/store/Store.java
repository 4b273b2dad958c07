package dev.pave.signals.store;

import dev.pave.signals.Signal;
import dev.pave.signals.incident.Incident;
import dev.pave.signals.schema.Notice;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/** Every SQL statement of the pipeline, in one place. */
public final class Store {
  private final DataSource ds;
  private final dev.pave.signals.insights.InsightsStore insights;

  public Store(DataSource ds) {
    this.ds = ds;
    this.insights = new dev.pave.signals.insights.InsightsStore(ds);
  }

  /** The insights rollups, written with the journal. */
  public dev.pave.signals.insights.InsightsStore insights() {
    return insights;
  }

  public Connection connection() throws SQLException {
    return ds.getConnection();
  }

  // --- journal -------------------------------------------------------------------------------

  /** Which of these de-duplication keys the journal already holds. */
  public Set<String> known(Connection c, Collection<String> dedupKeys) throws SQLException {
    Set<String> out = new HashSet<>();
    if (dedupKeys.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "select dedup_key from journal where dedup_key = any(?)")) {
      Array a = c.createArrayOf("text", dedupKeys.toArray());
      ps.setArray(1, a);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** A row of a batch written in one transaction. */
  public record Accepted(Notice notice, Instant receivedAt, List<Outgoing> outgoing,
      String encoded) {
    public Accepted(Notice notice, Instant receivedAt, List<Outgoing> outgoing) {
      this(notice, receivedAt, outgoing, Codec.encode(notice));
    }
  }

  /** One notice for one sink. */
  public record Outgoing(String sink, int lane) {}

  /**
   * Writes the rows to the journal and the timeline; returns the journal position of each row,
   * in order, for the outbox rows that point at them.
   */
  public long[] writeJournal(Connection c, List<Accepted> rows) throws SQLException {
    long[] seqs = new long[rows.size()];
    if (rows.isEmpty()) {
      return seqs;
    }
    // Positions taken up front, in one round trip, so the outbox can refer to the rows without
    // reading them back from a batched insert.
    try (PreparedStatement ps = c.prepareStatement("select nextval(pg_get_serial_sequence("
        + "'journal', 'seq')) from generate_series(1, ?)")) {
      ps.setInt(1, rows.size());
      try (ResultSet rs = ps.executeQuery()) {
        for (int i = 0; i < seqs.length && rs.next(); i++) {
          seqs[i] = rs.getLong(1);
        }
      }
    }
    try (PreparedStatement j = c.prepareStatement("insert into journal (seq, id, dedup_key,"
        + " received_at, time, type, status, severity, app, environment, enrichment,"
        + " incident_id, notice) values (?,?,?,?,?,?,?,?,?,?,?,?,?)");
        PreparedStatement t = c.prepareStatement("insert into timeline (app, environment, time,"
            + " type, status, severity, title, summary, signal_id, incident_id, enrichment)"
            + " values (?,?,?,?,?,?,?,?,?,?,?)")) {
      for (int i = 0; i < seqs.length; i++) {
        Accepted a = rows.get(i);
        Signal s = a.notice().signal().signal();
        var e = a.notice().signal().enrichment();
        String incident = a.notice().incident() == null ? null : a.notice().incident().id();
        j.setLong(1, seqs[i]);
        j.setString(2, s.id());
        j.setString(3, s.dedupKey());
        j.setTimestamp(4, Timestamp.from(a.receivedAt()));
        j.setTimestamp(5, Timestamp.from(s.time()));
        j.setString(6, s.type().wire());
        j.setString(7, s.status().wire());
        j.setString(8, s.severity().wire());
        j.setString(9, e.app());
        j.setString(10, e.environment());
        j.setString(11, e.level().wire());
        j.setString(12, incident);
        j.setString(13, a.encoded());
        j.addBatch();
        t.setString(1, e.app());
        t.setString(2, e.environment());
        t.setTimestamp(3, Timestamp.from(s.time()));
        t.setString(4, s.type().wire());
        t.setString(5, s.status().wire());
        t.setString(6, s.severity().wire());
        t.setString(7, s.title());
        t.setString(8, s.summary());
        t.setString(9, s.id());
        t.setString(10, incident);
        t.setString(11, e.level().wire());
        t.addBatch();
      }
      j.executeBatch();
      t.executeBatch();
    }
    // The scorecard's rollups move with the journal, in its transaction: never recomputed.
    List<dev.pave.insights.Fact> facts = new ArrayList<>();
    for (Accepted a : rows) {
      facts.addAll(dev.pave.signals.insights.FactsOf.of(a.notice()));
    }
    dev.pave.signals.insights.InsightsStore.record(c, facts);
    return seqs;
  }

  // --- incidents -----------------------------------------------------------------------------

  public Map<String, Incident> incidents(Connection c, Collection<String> keys)
      throws SQLException {
    Map<String, Incident> out = new HashMap<>();
    if (keys.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "select key, incident from incidents where key = any(?)")) {
      ps.setArray(1, c.createArrayOf("text", keys.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), Codec.incident(rs.getString(2)));
        }
      }
    }
    return out;
  }

  /**
   * Locks these incident keys until the transaction ends, keys not yet in the table too (a new
   * incident has no row to lock), so replicas writing signals of one incident take turns and
   * each reads the state the other committed. Keys map to a fixed number of lock slots, taken
   * in ascending order, so two writers never wait on each other in a circle and a batch of
   * thousands of keys takes at most {@value #INCIDENT_LOCK_SLOTS} locks.
   */
  public void lockIncidents(Connection c, Collection<String> keys) throws SQLException {
    java.util.TreeSet<Integer> slots = new java.util.TreeSet<>();
    for (String k : keys) {
      slots.add(Math.floorMod(k.hashCode(), INCIDENT_LOCK_SLOTS));
    }
    if (slots.isEmpty()) {
      return;
    }
    // unnest yields the array's order, ascending, and the locks are taken in it.
    try (PreparedStatement ps = c.prepareStatement(
        "select pg_advisory_xact_lock(?, s) from unnest(?) as t(s)")) {
      ps.setInt(1, INCIDENT_LOCK_SPACE);
      ps.setArray(2, c.createArrayOf("integer", slots.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          // each row is one lock taken
        }
      }
    }
  }

  private static final int INCIDENT_LOCK_SLOTS = 1024;
  /** The first key of the two-key advisory locks, naming this use of them ("pave"). */
  private static final int INCIDENT_LOCK_SPACE = 0x70617665;

  /** The keys of the flapping incidents that resolved, to lock before {@link #flappingResolved}. */
  public List<String> flappingResolvedKeys(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "select key from incidents where flapping and state = 'resolved'");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  public List<Incident> flappingResolved(Connection c) throws SQLException {
    List<Incident> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "select incident from incidents where flapping and state = 'resolved'");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(Codec.incident(rs.getString(1)));
      }
    }
    return out;
  }

  public void saveIncidents(Connection c, Collection<Incident> incidents) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("insert into incidents (key, id, app,"
        + " environment, state, flapping, updated_at, incident) values (?,?,?,?,?,?,?,?)"
        + " on conflict (key) do update set id = excluded.id, state = excluded.state,"
        + " flapping = excluded.flapping, updated_at = excluded.updated_at,"
        + " incident = excluded.incident")) {
      for (Incident i : incidents) {
        ps.setString(1, i.key());
        ps.setString(2, i.id());
        ps.setString(3, i.app());
        ps.setString(4, i.environment());
        ps.setString(5, i.state().wire());
        ps.setBoolean(6, i.flapping());
        ps.setTimestamp(7, Timestamp.from(i.updatedAt()));
        ps.setString(8, Codec.encode(i));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Incidents for the API, newest first. */
  public List<Incident> listIncidents(String state, int limit) throws SQLException {
    List<Incident> out = new ArrayList<>();
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select incident from incidents where (? is null or state = ?) order by updated_at desc"
            + " limit ?")) {
      ps.setString(1, state);
      ps.setString(2, state);
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(Codec.incident(rs.getString(1)));
        }
      }
    }
    return out;
  }

  // --- timeline ------------------------------------------------------------------------------

  public List<Map<String, Object>> timeline(String app, String env, Instant since, int limit)
      throws SQLException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select time, type, status, severity, title, summary, signal_id, incident_id,"
            + " enrichment from timeline where app = ? and environment = ? and time >= ?"
            + " order by time, seq limit ?")) {
      ps.setString(1, app);
      ps.setString(2, env);
      ps.setTimestamp(3, Timestamp.from(since));
      ps.setInt(4, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("time", rs.getTimestamp(1).toInstant().toString());
          m.put("type", rs.getString(2));
          m.put("status", rs.getString(3));
          m.put("severity", rs.getString(4));
          m.put("title", rs.getString(5));
          m.put("summary", rs.getString(6));
          m.put("signal", rs.getString(7));
          m.put("incident", rs.getString(8));
          m.put("enrichment", rs.getString(9));
          out.add(m);
        }
      }
    }
    return out;
  }

  // --- outbox --------------------------------------------------------------------------------

  /** Queues the rows for their sinks; {@code journalSeqs} as {@link #writeJournal} gave them. */
  public void enqueue(Connection c, List<Accepted> rows, long[] journalSeqs, Instant now)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("insert into outbox (sink, lane,"
        + " ordering_key, signal_id, journal_seq, next_attempt_at, created_at)"
        + " values (?,?,?,?,?,?,?)")) {
      Timestamp ts = Timestamp.from(now);
      int n = 0;
      for (int i = 0; i < rows.size(); i++) {
        Accepted a = rows.get(i);
        for (Outgoing o : a.outgoing()) {
          ps.setString(1, o.sink());
          ps.setInt(2, o.lane());
          ps.setString(3, a.notice().orderingKey());
          ps.setString(4, a.notice().signal().signal().id());
          ps.setLong(5, journalSeqs[i]);
          ps.setTimestamp(6, ts);
          ps.setTimestamp(7, ts);
          ps.addBatch();
          n++;
        }
      }
      if (n > 0) {
        ps.executeBatch();
      }
    }
  }

  /**
   * Moves the waiting notices of a sink to the lanes of a new lane count, each ordering key
   * staying in one lane; called while no deliverer drains the sink.
   */
  public int relane(String sink, java.util.function.ToIntFunction<String> lane)
      throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      Map<String, Integer> keys = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "select distinct ordering_key from outbox where sink = ?")) {
        ps.setString(1, sink);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            keys.put(rs.getString(1), lane.applyAsInt(rs.getString(1)));
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "update outbox set lane = ? where sink = ? and ordering_key = ?")) {
        for (Map.Entry<String, Integer> e : keys.entrySet()) {
          ps.setInt(1, e.getValue());
          ps.setString(2, sink);
          ps.setString(3, e.getKey());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
      return keys.size();
    }
  }

  /** A notice waiting for a sink; the notice itself is read only when it is due. */
  public record Pending(long seq, String orderingKey, int attempts, Instant nextAttemptAt,
      Instant createdAt) {}

  /** The oldest waiting notices of one sink's lane after a position, due or not. */
  public List<Pending> pending(String sink, int lane, long afterSeq, int limit)
      throws SQLException {
    List<Pending> out = new ArrayList<>();
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select seq, ordering_key, attempts, next_attempt_at, created_at from outbox"
            + " where sink = ? and lane = ? and seq > ? order by seq limit ?")) {
      ps.setString(1, sink);
      ps.setInt(2, lane);
      ps.setLong(3, afterSeq);
      ps.setInt(4, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Pending(rs.getLong(1), rs.getString(2), rs.getInt(3),
              rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant()));
        }
      }
    }
    return out;
  }

  /** The notices of these outbox rows. */
  public Map<Long, Notice> notices(Collection<Long> seqs) throws SQLException {
    Map<Long, Notice> out = new HashMap<>();
    if (seqs.isEmpty()) {
      return out;
    }
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select o.seq, coalesce(o.notice, j.notice) from outbox o left join journal j"
            + " on j.seq = o.journal_seq where o.seq = any(?)")) {
      ps.setArray(1, c.createArrayOf("bigint", seqs.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          // A row whose journal entry was removed by hand has no notice: it is left out (the
          // deliverer holds its incident back, visible in the backlog) rather than stopping
          // the whole lane.
          String notice = rs.getString(2);
          if (notice != null) {
            out.put(rs.getLong(1), Codec.notice(notice));
          }
        }
      }
    }
    return out;
  }

  /**
   * Takes or renews the lease of a sink's lane for {@code owner}: true while the owner holds it.
   * A lane held by another owner is taken only once that owner's lease ran out (it died or
   * stopped renewing). Expiry is computed with the database's clock, so the replicas' clocks
   * do not have to agree; the row lock of the upsert makes two takers of one lane exclusive.
   */
  public boolean leaseLane(String sink, int lane, String owner, java.time.Duration lease)
      throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "insert into outbox_lanes (sink, lane, owner, expires_at) values (?, ?, ?,"
            + " now() + ? * interval '1 millisecond') on conflict (sink, lane) do update set"
            + " owner = excluded.owner, expires_at = excluded.expires_at"
            + " where outbox_lanes.owner = excluded.owner or outbox_lanes.expires_at < now()")) {
      ps.setString(1, sink);
      ps.setInt(2, lane);
      ps.setString(3, owner);
      ps.setLong(4, lease.toMillis());
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * Renews {@code owner}'s membership among the replicas draining a sink (null lease: leaves)
   * and returns how many are live, itself included.
   */
  public int members(String sink, String owner, java.time.Duration lease) throws SQLException {
    try (Connection c = ds.getConnection()) {
      if (lease == null) {
        try (PreparedStatement ps = c.prepareStatement(
            "delete from outbox_members where sink = ? and owner = ?")) {
          ps.setString(1, sink);
          ps.setString(2, owner);
          ps.executeUpdate();
        }
        return 0;
      }
      try (PreparedStatement up = c.prepareStatement("insert into outbox_members (sink, owner,"
          + " expires_at) values (?, ?, now() + ? * interval '1 millisecond') on conflict (sink,"
          + " owner) do update set expires_at = excluded.expires_at");
          PreparedStatement gone = c.prepareStatement("delete from outbox_members where sink = ?"
              + " and expires_at < now() - interval '1 hour'");
          PreparedStatement live = c.prepareStatement("select count(*) from outbox_members"
              + " where sink = ? and expires_at >= now()")) {
        up.setString(1, sink);
        up.setString(2, owner);
        up.setLong(3, lease.toMillis());
        up.executeUpdate();
        gone.setString(1, sink);
        gone.executeUpdate();
        live.setString(1, sink);
        return (int) Math.max(1, single(live));
      }
    }
  }

  /** Gives a lane back at once (orderly stop), so another replica need not wait for expiry. */
  public void releaseLane(String sink, int lane, String owner) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "delete from outbox_lanes where sink = ? and lane = ? and owner = ?")) {
      ps.setString(1, sink);
      ps.setInt(2, lane);
      ps.setString(3, owner);
      ps.executeUpdate();
    }
  }

  /** Who holds each lane of a sink now (expired leases left out), for tests and diagnosis. */
  public Map<Integer, String> laneOwners(String sink) throws SQLException {
    Map<Integer, String> out = new HashMap<>();
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select lane, owner from outbox_lanes where sink = ? and expires_at >= now()")) {
      ps.setString(1, sink);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getInt(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  public void delivered(Collection<Long> seqs) throws SQLException {
    if (seqs.isEmpty()) {
      return;
    }
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "delete from outbox where seq = any(?)")) {
      ps.setArray(1, c.createArrayOf("bigint", seqs.toArray()));
      ps.executeUpdate();
    }
  }

  public void retryLater(long seq, int attempts, Instant next, String error) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "update outbox set attempts = ?, next_attempt_at = ?, last_error = ? where seq = ?")) {
      ps.setInt(1, attempts);
      ps.setTimestamp(2, Timestamp.from(next));
      ps.setString(3, error);
      ps.setLong(4, seq);
      ps.executeUpdate();
    }
  }

  /** Moves a notice from the outbox to the dead letters, in one transaction. */
  public void deadLetter(long seq, int attempts, String error, Instant now) throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ins = c.prepareStatement("insert into dead_letters (outbox_seq,"
          + " sink, ordering_key, signal_id, notice, attempts, last_error, created_at, dead_at)"
          + " select o.seq, o.sink, o.ordering_key, o.signal_id, coalesce(o.notice, j.notice),"
          + " ?, ?, o.created_at, ? from outbox o left join journal j on j.seq = o.journal_seq"
          + " where o.seq = ?");
          PreparedStatement del = c.prepareStatement("delete from outbox where seq = ?")) {
        ins.setInt(1, attempts);
        ins.setString(2, error);
        ins.setTimestamp(3, Timestamp.from(now));
        ins.setLong(4, seq);
        ins.executeUpdate();
        del.setLong(1, seq);
        del.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  public long outboxSize() throws SQLException {
    return count("select count(*) from outbox");
  }

  /** A sink's waiting notices, when the oldest was queued (null: none), its dead letters. */
  public record Backlog(long waiting, Instant oldest, long deadLetters) {}

  /**
   * The backlog of one sink, for the metrics, from the indexes only: the count walks the
   * sink's part of {@code outbox_lane} and {@code dead_letters_sink}; the oldest is the head of
   * each lane (at most 64, the most partitions), which is the oldest of the lane since rows are
   * queued in seq order with their queue time (replayed ones too).
   */
  public Backlog backlog(String sink) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement waiting = c.prepareStatement(
            "select count(*) from outbox where sink = ?");
        PreparedStatement oldest = c.prepareStatement("select min(h.created_at) from"
            + " generate_series(0, 63) l(lane) cross join lateral (select o.created_at from"
            + " outbox o where o.sink = ? and o.lane = l.lane order by o.seq limit 1) h");
        PreparedStatement dead = c.prepareStatement(
            "select count(*) from dead_letters where sink = ?")) {
      waiting.setString(1, sink);
      oldest.setString(1, sink);
      dead.setString(1, sink);
      Timestamp head;
      try (ResultSet rs = oldest.executeQuery()) {
        rs.next();
        head = rs.getTimestamp(1);
      }
      return new Backlog(single(waiting), head == null ? null : head.toInstant(), single(dead));
    }
  }

  private static long single(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A round trip to the database, for readiness: cheap whatever the tables hold. */
  public void ping() throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select 1"); ResultSet rs = ps.executeQuery()) {
      rs.next();
    }
  }

  public long journalSize() throws SQLException {
    return count("select count(*) from journal");
  }

  public long count(String sql) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  // --- dead letters --------------------------------------------------------------------------

  /** A dead letter as listed by {@code pave signals replay --list}. */
  public record DeadLetter(long seq, String sink, String signalId, String orderingKey,
      int attempts, String lastError, Instant deadAt) {}

  public List<DeadLetter> deadLetters(String sink) throws SQLException {
    List<DeadLetter> out = new ArrayList<>();
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select seq, sink, signal_id, ordering_key, attempts, last_error, dead_at from"
            + " dead_letters where (? is null or sink = ?) order by seq")) {
      ps.setString(1, sink);
      ps.setString(2, sink);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3),
              rs.getString(4), rs.getInt(5), rs.getString(6), rs.getTimestamp(7).toInstant()));
        }
      }
    }
    return out;
  }

  /**
   * Puts dead letters back into the outbox (lane recomputed by the caller's function) with
   * fresh attempts, oldest first, and removes them from the dead letters, in one transaction.
   */
  public int replay(String sink, Long onlySeq, java.util.function.ToIntBiFunction<String, String> lane,
      Instant now) throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      List<Object[]> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("select seq, sink, ordering_key, signal_id,"
          + " notice from dead_letters where (? is null or sink = ?) and (? is null or seq = ?)"
          + " order by seq for update")) {
        ps.setString(1, sink);
        ps.setString(2, sink);
        if (onlySeq == null) {
          ps.setNull(3, java.sql.Types.BIGINT);
          ps.setNull(4, java.sql.Types.BIGINT);
        } else {
          ps.setLong(3, onlySeq);
          ps.setLong(4, onlySeq);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5)});
          }
        }
      }
      try (PreparedStatement ins = c.prepareStatement("insert into outbox (sink, lane,"
          + " ordering_key, signal_id, notice, next_attempt_at, created_at) values"
          + " (?,?,?,?,?,?,?)");
          PreparedStatement del = c.prepareStatement("delete from dead_letters where seq = ?")) {
        for (Object[] r : rows) {
          ins.setString(1, (String) r[1]);
          ins.setInt(2, lane.applyAsInt((String) r[1], (String) r[2]));
          ins.setString(3, (String) r[2]);
          ins.setString(4, (String) r[3]);
          ins.setString(5, (String) r[4]);
          ins.setTimestamp(6, Timestamp.from(now));
          ins.setTimestamp(7, Timestamp.from(now));
          ins.addBatch();
          del.setLong(1, (Long) r[0]);
          del.addBatch();
        }
        ins.executeBatch();
        del.executeBatch();
      }
      // Toil: each replayed notice counts for the application it was about.
      List<dev.pave.insights.Fact> replayed = new ArrayList<>();
      for (Object[] r : rows) {
        var e = Codec.notice((String) r[4]).signal().enrichment();
        replayed.add(new dev.pave.insights.Fact.DeadLettersReplayed(new dev.pave.insights.Key(
            e.team(), e.app(), e.environment()), now, 1));
      }
      dev.pave.signals.insights.InsightsStore.record(c, replayed);
      c.commit();
      return rows.size();
    }
  }

  // --- tickets -------------------------------------------------------------------------------

  /** The ticket an ITSM sink keeps for an incident, and the incident version it last applied. */
  public record Ticket(String ticket, int version) {}

  public Ticket ticket(String sink, String incidentId) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select ticket, version from tickets where sink = ? and incident_id = ?")) {
      ps.setString(1, sink);
      ps.setString(2, incidentId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Ticket(rs.getString(1), rs.getInt(2)) : null;
      }
    }
  }

  /** Records the ticket and the version applied; a pending create attempt is settled. */
  public void saveTicket(String sink, String incidentId, Ticket t) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "insert into tickets (sink, incident_id, ticket, version) values (?,?,?,?)"
            + " on conflict (sink, incident_id) do update set ticket = excluded.ticket,"
            + " version = excluded.version");
        PreparedStatement del = c.prepareStatement(
            "delete from ticket_attempts where sink = ? and incident_id = ?")) {
      ps.setString(1, sink);
      ps.setString(2, incidentId);
      ps.setString(3, t.ticket());
      ps.setInt(4, t.version());
      ps.executeUpdate();
      del.setString(1, sink);
      del.setString(2, incidentId);
      del.executeUpdate();
    }
  }

  /** When a create of this incident's ticket was last attempted without a recorded ticket. */
  public Instant createAttempt(String sink, String incidentId) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select attempted_at from ticket_attempts where sink = ? and incident_id = ?")) {
      ps.setString(1, sink);
      ps.setString(2, incidentId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getTimestamp(1).toInstant() : null;
      }
    }
  }

  /**
   * Claims the create of this incident's ticket at {@code at}, before it goes out: true for
   * exactly one caller. It fails when a ticket is recorded, or when the pending attempt is no
   * longer the one the caller read ({@code seen}, null for none): another delivery, in this
   * process or another on the same database, claimed it in between. The conditional write
   * takes the row lock, so of two concurrent claims the second sees the first's and fails.
   */
  public boolean claimCreate(String sink, String incidentId, Instant seen, Instant at)
      throws SQLException {
    String noTicket = " and not exists (select 1 from tickets t where t.sink = ? and"
        + " t.incident_id = ?)";
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(seen == null
        ? "insert into ticket_attempts (sink, incident_id, attempted_at) select ?, ?, ?"
            + " where true" + noTicket + " on conflict (sink, incident_id) do nothing"
        : "update ticket_attempts a set attempted_at = ? where a.sink = ? and a.incident_id = ?"
            + " and a.attempted_at = ?" + noTicket)) {
      int k = 1;
      if (seen == null) {
        ps.setString(k++, sink);
        ps.setString(k++, incidentId);
        ps.setTimestamp(k++, Timestamp.from(at));
      } else {
        ps.setTimestamp(k++, Timestamp.from(at));
        ps.setString(k++, sink);
        ps.setString(k++, incidentId);
        ps.setTimestamp(k++, Timestamp.from(seen));
      }
      ps.setString(k++, sink);
      ps.setString(k, incidentId);
      return ps.executeUpdate() == 1;
    }
  }

  // --- retention -----------------------------------------------------------------------------

  /** Deletes what is older than the horizon; open incidents and waiting notices stay. */
  public Map<String, Integer> expire(Instant horizon) throws SQLException {
    Map<String, Integer> out = new LinkedHashMap<>();
    try (Connection c = ds.getConnection()) {
      for (String[] q : new String[][] {
          // A notice still waiting for a sink keeps its journal row: the outbox reads it there.
          {"journal", "delete from journal where received_at < ? and not exists (select 1"
              + " from outbox o where o.journal_seq = journal.seq)"},
          {"timeline", "delete from timeline where time < ?"},
          {"incidents", "delete from incidents where state = 'resolved' and updated_at < ?"},
          {"dead_letters", "delete from dead_letters where dead_at < ?"},
          {"ticket_attempts", "delete from ticket_attempts where attempted_at < ?"}}) {
        try (PreparedStatement ps = c.prepareStatement(q[1])) {
          ps.setTimestamp(1, Timestamp.from(horizon));
          out.put(q[0], ps.executeUpdate());
        }
      }
    }
    return out;
  }

  /** Deletes insight rollups and inventories older than their own horizon. */
  public Map<String, Integer> expireInsights(Instant horizon) throws SQLException {
    Map<String, Integer> out = new LinkedHashMap<>();
    try (Connection c = ds.getConnection()) {
      dev.pave.signals.insights.InsightsStore.expire(c, horizon, out);
    }
    return out;
  }
}
