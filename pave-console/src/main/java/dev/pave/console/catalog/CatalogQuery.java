package dev.pave.console.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A catalog search: free text plus filters, one page at a time. Pure: it runs over the
 * index's sorted snapshot and never touches the cluster.
 */
public record CatalogQuery(String text, String team, String environment, String health,
    String policy, Boolean incidents, int page, int size) {

  public static final int MAX_SIZE = 200;
  public static final int DEFAULT_SIZE = 50;

  public CatalogQuery {
    text = blankToNull(text);
    team = blankToNull(team);
    environment = blankToNull(environment);
    health = blankToNull(health);
    policy = blankToNull(policy);
    page = Math.max(1, page);
    size = size <= 0 ? DEFAULT_SIZE : Math.min(size, MAX_SIZE);
  }

  /** One page, with the totals the filters offer. */
  public record Page(List<ServiceEntry> items, int total, int page, int size, int pages,
      Set<String> teams, Set<String> environments) {}

  public Page run(List<ServiceEntry> sorted) {
    String needle = text == null ? null : text.toLowerCase(Locale.ROOT);
    int from = (page - 1) * size;
    List<ServiceEntry> items = new ArrayList<>(Math.min(size, sorted.size()));
    Set<String> teams = new TreeSet<>();
    Set<String> envs = new TreeSet<>();
    int total = 0;
    for (ServiceEntry e : sorted) {
      teams.add(e.team());
      envs.add(e.environment());
      if (!matches(e, needle)) {
        continue;
      }
      if (total >= from && items.size() < size) {
        items.add(e);
      }
      total++;
    }
    int pages = Math.max(1, (total + size - 1) / size);
    return new Page(items, total, page, size, pages, teams, envs);
  }

  private boolean matches(ServiceEntry e, String needle) {
    return (team == null || team.equals(e.team()))
        && (environment == null || environment.equals(e.environment()))
        && (health == null || health.equalsIgnoreCase(e.health()))
        && (policy == null || policy.equalsIgnoreCase(e.policy()))
        && (incidents == null || incidents == (e.openIncidents() > 0))
        && (needle == null || e.searchText().contains(needle));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
