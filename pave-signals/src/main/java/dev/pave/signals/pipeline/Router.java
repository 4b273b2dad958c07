package dev.pave.signals.pipeline;

import dev.pave.signals.config.SignalsConfig;
import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.incident.Change;
import dev.pave.signals.schema.Notice;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the sinks of a notice: every route whose team, environment, severity and type lists
 * match (an empty list matches anything) adds its sinks. Ticket and paging sinks only get
 * incident changes; the others get every signal. Pure.
 */
public final class Router {
  private final List<SignalsConfig.Route> routes;
  private final Map<String, SinkConfig> sinks;

  public Router(List<SignalsConfig.Route> routes, List<SinkConfig> sinks) {
    this.routes = List.copyOf(routes);
    Map<String, SinkConfig> m = new java.util.LinkedHashMap<>();
    for (SinkConfig s : sinks) {
      m.put(s.name(), s);
    }
    this.sinks = m;
  }

  public List<SinkConfig> route(Notice n) {
    Set<String> chosen = new LinkedHashSet<>();
    var s = n.signal().signal();
    var e = n.signal().enrichment();
    for (SignalsConfig.Route r : routes) {
      if (matches(r.teams(), e.team()) && matches(r.environments(), e.environment())
          && (r.severities().isEmpty() || r.severities().contains(s.severity()))
          && (r.types().isEmpty() || r.types().contains(s.type()))) {
        chosen.addAll(r.sinks());
      }
    }
    List<SinkConfig> out = new ArrayList<>();
    for (String name : chosen) {
      SinkConfig sink = sinks.get(name);
      if (sink == null) {
        continue;
      }
      if (sink.incidentsOnly() && (n.incident() == null || n.change() == Change.NONE)) {
        continue;
      }
      out.add(sink);
    }
    return out;
  }

  private static boolean matches(List<String> allowed, String value) {
    return allowed.isEmpty() || value != null && allowed.contains(value);
  }

  /** The lane of an ordering key: notices of one key always share a lane, so stay in order. */
  public static int lane(String orderingKey, int lanes) {
    return Math.floorMod(orderingKey.hashCode(), lanes);
  }
}
