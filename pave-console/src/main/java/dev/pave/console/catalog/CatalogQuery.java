package dev.pave.console.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A catalog search: free text plus filters, sorted by one column, one page at a time. Pure: it
 * runs over the index's sorted snapshot and never touches the cluster.
 *
 * @param sort a key of {@link #SORTS}; null keeps the index's order (service, environment)
 * @param descending whether the column sorts from its largest value
 */
public record CatalogQuery(String text, String team, String environment, String health,
    String policy, Boolean incidents, int page, int size, String sort, boolean descending) {

  public static final int MAX_SIZE = 200;
  public static final int DEFAULT_SIZE = 50;

  /** The columns the catalog sorts by. Ties keep the index's order, so paging is stable. */
  public static final Map<String, Comparator<ServiceEntry>> SORTS = sorts();

  public CatalogQuery {
    text = blankToNull(text);
    team = blankToNull(team);
    environment = blankToNull(environment);
    health = blankToNull(health);
    policy = blankToNull(policy);
    sort = blankToNull(sort);
    if (sort != null && !SORTS.containsKey(sort)) {
      throw new IllegalArgumentException("sort: no column \"" + sort + "\"; one of "
          + String.join(", ", SORTS.keySet()));
    }
    page = Math.max(1, page);
    size = size <= 0 ? DEFAULT_SIZE : Math.min(size, MAX_SIZE);
  }

  public CatalogQuery(String text, String team, String environment, String health,
      String policy, Boolean incidents, int page, int size) {
    this(text, team, environment, health, policy, incidents, page, size, null, false);
  }

  private static Map<String, Comparator<ServiceEntry>> sorts() {
    Map<String, Comparator<ServiceEntry>> m = new LinkedHashMap<>();
    m.put("service", by(ServiceEntry::app));
    m.put("environment", by(ServiceEntry::environment));
    m.put("team", by(ServiceEntry::team));
    m.put("owner", by(ServiceEntry::owner));
    m.put("image", by(ServiceEntry::image));
    m.put("version", by(ServiceEntry::version));
    m.put("health", by(ServiceEntry::health));
    m.put("revision", Comparator.comparingInt(ServiceEntry::revision));
    m.put("rollout", by(ServiceEntry::phase));
    m.put("policy", by(ServiceEntry::policy));
    m.put("incidents", Comparator.comparingInt(ServiceEntry::openIncidents));
    // Youngest first: the age grows as the creation time goes back.
    m.put("age", Comparator.comparing((ServiceEntry e) -> e.createdAt().orElse(Instant.MIN),
        Comparator.reverseOrder()));
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Case-insensitive; missing values sort after every value. */
  private static Comparator<ServiceEntry> by(Function<ServiceEntry, String> key) {
    Function<ServiceEntry, String> lower = e -> key.apply(e) == null ? null
        : key.apply(e).toLowerCase(Locale.ROOT);
    return Comparator.comparing(lower, Comparator.nullsLast(Comparator.<String>naturalOrder()));
  }

  /** One page, with the totals the filters offer. */
  public record Page(List<ServiceEntry> items, int total, int page, int size, int pages,
      Set<String> teams, Set<String> environments) {}

  public Page run(List<ServiceEntry> sorted) {
    String needle = text == null ? null : text.toLowerCase(Locale.ROOT);
    int from = (page - 1) * size;
    List<ServiceEntry> matching = new ArrayList<>();
    Set<String> teams = new TreeSet<>();
    Set<String> envs = new TreeSet<>();
    for (ServiceEntry e : sorted) {
      if (e.team() != null) {
        teams.add(e.team());
      }
      envs.add(e.environment());
      if (matches(e, needle)) {
        matching.add(e);
      }
    }
    if (sort != null) {
      Comparator<ServiceEntry> c = SORTS.get(sort);
      // List.sort is stable: equal keys stay in the index's order.
      matching.sort(descending ? c.reversed() : c);
    }
    int total = matching.size();
    List<ServiceEntry> items = from >= total ? List.of()
        : List.copyOf(matching.subList(from, Math.min(total, from + size)));
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
