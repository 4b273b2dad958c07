package dev.pave.console.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How much of the cluster goes through Pave: managed against unmanaged workloads per namespace
 * and per team, and the unmanaged ones by name (they bypass the platform's policies, identity
 * and rollbacks). Pure.
 */
public final class Adoption {
  private Adoption() {}

  public static final String NO_TEAM = "(no team)";

  public record Count(String name, int managed, int unmanaged) {
    public int percentManaged() {
      int all = managed + unmanaged;
      return all == 0 ? 100 : (int) Math.floor(100.0 * managed / all);
    }
  }

  public record Report(Count total, List<Count> byNamespace, List<Count> byTeam,
      List<Workload> unmanaged) {}

  public static Report of(Collection<Workload> workloads) {
    Map<String, int[]> ns = new TreeMap<>();
    Map<String, int[]> teams = new TreeMap<>();
    int managed = 0;
    int unmanaged = 0;
    List<Workload> bypassing = new ArrayList<>();
    for (Workload w : workloads) {
      int slot = w.managed() ? 0 : 1;
      ns.computeIfAbsent(w.namespace(), k -> new int[2])[slot]++;
      teams.computeIfAbsent(w.team() == null ? NO_TEAM : w.team(), k -> new int[2])[slot]++;
      if (w.managed()) {
        managed++;
      } else {
        unmanaged++;
        bypassing.add(w);
      }
    }
    bypassing.sort(Comparator.comparing(Workload::namespace).thenComparing(Workload::kind)
        .thenComparing(Workload::name));
    return new Report(new Count("all", managed, unmanaged), counts(ns), counts(teams),
        bypassing);
  }

  private static List<Count> counts(Map<String, int[]> m) {
    List<Count> out = new ArrayList<>();
    m.forEach((k, v) -> out.add(new Count(k, v[0], v[1])));
    return out;
  }
}
