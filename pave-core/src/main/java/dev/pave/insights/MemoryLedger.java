package dev.pave.insights;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fold applied in memory: what the signals store does in PostgreSQL, for tests and for
 * generating history. Facts must come in time order per application and environment.
 */
public final class MemoryLedger {
  private record RollupKey(Key key, LocalDate day, Measure measure, String detail) {}

  private final Map<String, AppState> apps = new HashMap<>();
  private final Map<String, TeamState> teams = new HashMap<>();
  private final Map<RollupKey, Double> rollups = new LinkedHashMap<>();
  private final List<Inputs.Sample> samples = new ArrayList<>();
  private final Map<String, Inputs.Workload> workloads = new LinkedHashMap<>();
  private final Map<String, Inputs.ExceptionInUse> exceptions = new LinkedHashMap<>();

  public MemoryLedger add(Fact... facts) {
    for (Fact f : facts) {
      String app = f.key().app() + "\n" + f.key().env();
      var r = Fold.step(apps.get(app), teams.get(f.key().team()), f);
      apps.put(app, r.app());
      teams.put(f.key().team(), r.team());
      for (Contribution c : r.contributions()) {
        if (c.measure().sample()) {
          samples.add(new Inputs.Sample(c.key(), c.day(), c.measure(), c.detail(), c.value()));
        } else {
          rollups.merge(new RollupKey(c.key(), c.day(), c.measure(), c.detail()), c.value(),
              Double::sum);
        }
      }
      if (f instanceof Fact.WorkloadSeen w) {
        String id = w.namespace() + "/" + w.kind() + "/" + w.name();
        var old = workloads.get(id);
        workloads.put(id, new Inputs.Workload(w.key(), w.namespace(), w.kind(), w.name(),
            w.managed(), old == null ? w.at() : old.firstSeen()));
      } else if (f instanceof Fact.ExceptionUsed e) {
        String id = e.key().app() + "\n" + e.key().env() + "\n" + e.name();
        var old = exceptions.get(id);
        exceptions.put(id, new Inputs.ExceptionInUse(e.key(), e.name(),
            old == null ? e.at() : old.firstUsed(), e.expiresAt()));
      }
    }
    return this;
  }

  /** The scorecard over the window, everything the ledger holds within it. */
  public Insights report(Inputs.Window w, Costs costs) {
    LocalDate from = Fold.day(w.since());
    LocalDate to = Fold.day(w.now());
    List<Inputs.Rollup> in = new ArrayList<>();
    rollups.forEach((k, v) -> {
      if (!k.day().isBefore(from) && !k.day().isAfter(to)) {
        in.add(new Inputs.Rollup(k.key(), k.day(), k.measure(), k.detail(), v));
      }
    });
    List<Inputs.Sample> s = new ArrayList<>();
    for (Inputs.Sample x : samples) {
      if (!x.day().isBefore(from) && !x.day().isAfter(to)) {
        s.add(x);
      }
    }
    return Report.compute(null, null, w, in, s, List.copyOf(workloads.values()),
        List.copyOf(exceptions.values()), costs);
  }
}
