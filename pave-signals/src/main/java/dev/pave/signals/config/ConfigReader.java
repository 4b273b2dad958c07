package dev.pave.signals.config;

import dev.pave.signals.Severity;
import dev.pave.signals.SignalType;
import dev.pave.signals.enrich.CatalogEntry;
import dev.pave.signals.incident.IncidentRules;
import dev.pave.source.SourceObject;
import dev.pave.source.SourceReader;
import dev.pave.spec.Problem;
import dev.pave.spec.SourceMap;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the signals configuration file with pave-core's positioned YAML reader, so every
 * problem names the file, line, column and field. Secret files are read relative to the
 * configuration file; their content is never part of a message.
 */
public final class ConfigReader {
  public static final String KIND = "SignalsConfig";

  /** The configuration, or every problem found (then {@code config} is null). */
  public record Result(SignalsConfig config, List<Problem> problems) {}

  private ConfigReader() {}

  public static Result read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      return new Result(null, List.of(new Problem(file.toString(), 0, 0, "",
          "cannot read the file: " + e.getClass().getSimpleName())));
    }
    return read(file.toString(), text, file.toAbsolutePath().getParent());
  }

  public static Result read(String source, String text, Path baseDir) {
    SourceReader.Result r = SourceReader.read(source, text);
    List<Problem> problems = new ArrayList<>(r.problems());
    if (!problems.isEmpty()) {
      return new Result(null, problems);
    }
    if (r.objects().size() != 1) {
      return new Result(null, List.of(new Problem(source, 0, 0, "", "expected one document of"
          + " kind " + KIND + ", found " + r.objects().size())));
    }
    SourceObject o = r.objects().get(0);
    SourceMap pos = o.positions();
    Fields root = new Fields(o.object(), "", pos, problems);
    root.allow("apiVersion", "kind", "intake", "database", "retention", "catalog", "incidents",
        "sinks", "routes", "insights");
    if (!"pave.dev/v1alpha1".equals(root.string("apiVersion", null))) {
      root.problem("apiVersion", "expected apiVersion: pave.dev/v1alpha1");
    }
    if (!KIND.equals(root.string("kind", null))) {
      root.problem("kind", "expected kind: " + KIND);
    }
    SecretSource secrets = SecretSource.files(baseDir);
    SignalsConfig.Intake intake = intake(root.object("intake"), secrets);
    SignalsConfig.Database database = database(root.object("database"), secrets, baseDir);
    Duration retention = root.duration("retention", Duration.ofDays(30));
    SignalsConfig.CatalogSource catalog = catalog(root.object("catalog"));
    IncidentRules incidents = incidents(root.object("incidents"));
    Fields insights = root.object("insights");
    insights.allow("costs");
    dev.pave.insights.Costs costs = insights.has("costs") ? costs(insights.object("costs"))
        : null;
    List<SinkConfig> sinks = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Fields f : root.objects("sinks")) {
      SinkConfig s = Sinks.read(f, secrets);
      if (s != null && !names.add(s.name())) {
        f.problem("name", "another sink is already called \"" + s.name() + "\"");
      } else if (s != null) {
        sinks.add(s);
      }
    }
    List<SignalsConfig.Route> routes = new ArrayList<>();
    for (Fields f : root.objects("routes")) {
      routes.add(route(f, names));
    }
    if (!problems.isEmpty()) {
      return new Result(null, problems);
    }
    return new Result(new SignalsConfig(intake, database, retention, catalog, incidents,
        List.copyOf(sinks), List.copyOf(routes), costs), List.of());
  }

  /**
   * The platform's stated costs (docs/insights.md, "Cost"): the people building and running it
   * (count and yearly cost each), its infrastructure a month, and a vendor's price per cluster
   * or per node a month for the clusters and nodes it would charge for.
   */
  private static dev.pave.insights.Costs costs(Fields f) {
    f.allow("people", "infrastructurePerMonth", "vendor", "clusters", "nodes");
    Fields people = f.object("people");
    people.allow("count", "yearlyCostEach", "stillNeededIfBought");
    double count = people.amount("count");
    double each = people.amount("yearlyCostEach");
    double kept = people.amount("stillNeededIfBought");
    if (kept > count && people.has("count")) {
      people.problem("stillNeededIfBought", "must be at most people.count (" + fmt(count)
          + "), got " + fmt(kept));
    }
    Fields vendor = f.object("vendor");
    vendor.allow("perClusterPerMonth", "perNodePerMonth");
    double perCluster = vendor.amount("perClusterPerMonth");
    double perNode = vendor.amount("perNodePerMonth");
    int clusters = f.integer("clusters", 0, 0, 1_000_000);
    int nodes = f.integer("nodes", 0, 0, 10_000_000);
    if (perCluster > 0 && clusters == 0) {
      f.problem("clusters", "missing clusters: vendor.perClusterPerMonth is priced per cluster,"
          + " so the number of clusters is needed");
    }
    if (perNode > 0 && nodes == 0) {
      f.problem("nodes", "missing nodes: vendor.perNodePerMonth is priced per node, so the"
          + " number of nodes is needed");
    }
    return new dev.pave.insights.Costs(count * each, f.amount("infrastructurePerMonth"),
        perNode, perCluster, nodes, clusters, kept * each);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  private static SignalsConfig.Intake intake(Fields f, SecretSource secrets) {
    f.allow("address", "port", "queue", "ackTimeout", "alertmanager", "cloudevents", "api");
    return new SignalsConfig.Intake(f.string("address", "127.0.0.1"),
        f.integer("port", 9095, 0, 65535), f.integer("queue", 20000, 1, 10_000_000),
        f.duration("ackTimeout", Duration.ofSeconds(10)),
        credentials(f.object("alertmanager"), secrets),
        credentials(f.object("cloudevents"), secrets), credentials(f.object("api"), secrets));
  }

  private static SignalsConfig.Credentials credentials(Fields f, SecretSource secrets) {
    f.allow("bearerTokenFile", "hmacSecretFile");
    return new SignalsConfig.Credentials(secrets.read(f, "bearerToken"),
        secrets.read(f, "hmacSecret"));
  }

  private static SignalsConfig.Database database(Fields f, SecretSource secrets, Path baseDir) {
    f.allow("url", "dataDirectory", "port", "user", "passwordFile", "poolSize");
    String url = f.string("url", "embedded");
    if (!url.equals("embedded") && !url.startsWith("jdbc:postgresql:")) {
      f.problem("url", "expected embedded or a jdbc:postgresql: URL");
    }
    String dir = f.string("dataDirectory", "pave-signals-data");
    Path data = baseDir == null ? Path.of(dir) : baseDir.resolve(dir);
    return new SignalsConfig.Database(url, data, f.integer("port", 0, 0, 65535),
        f.string("user", "postgres"), secrets.read(f, "password"),
        f.integer("poolSize", 8, 2, 200));
  }

  private static SignalsConfig.CatalogSource catalog(Fields f) {
    f.allow("kubernetes", "applications");
    SignalsConfig.Kubernetes k = null;
    if (f.has("kubernetes")) {
      Fields kf = f.object("kubernetes");
      kf.allow("kubeconfig", "context", "cluster", "namespaces", "events", "resync",
          "sinkNamespace");
      String sinkNamespace = kf.string("sinkNamespace", "pave-system");
      if (!sinkNamespace.isEmpty() && !sinkNamespace.matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")) {
        kf.problem("sinkNamespace", "expected a namespace name, or \"\" for no SignalSink"
            + " resources, got \"" + sinkNamespace + "\"");
      }
      k = new SignalsConfig.Kubernetes(kf.string("kubeconfig", null), kf.string("context", null),
          kf.string("cluster", null), kf.strings("namespaces"), kf.bool("events", true),
          kf.duration("resync", Duration.ofMinutes(5)), sinkNamespace);
    }
    List<CatalogEntry> apps = new ArrayList<>();
    for (Fields a : f.objects("applications")) {
      a.allow("app", "environment", "team", "owner", "onCall", "runbook", "tier", "cluster",
          "namespace", "version", "revision");
      String app = a.required("app", "the application name");
      String env = a.required("environment", "the environment name");
      // The revision deployed now, for sources outside a cluster (a CI job rewrites it); without
      // it, enrichment can never be complete.
      int revision = a.integer("revision", 0, 1, Integer.MAX_VALUE);
      apps.add(new CatalogEntry(app, env, a.string("team", null), a.string("owner", null),
          a.string("onCall", null), a.string("runbook", null), a.string("tier", null),
          a.string("cluster", null), a.string("namespace", app + "-" + env),
          a.string("version", null), revision == 0 ? List.of()
              : List.of(new CatalogEntry.Release(revision, null, null, null)), List.of()));
    }
    return new SignalsConfig.CatalogSource(k, apps);
  }

  private static IncidentRules incidents(Fields f) {
    f.allow("reopenWindow", "flapWindow", "flapThreshold", "flapQuiet");
    IncidentRules d = IncidentRules.DEFAULT;
    return new IncidentRules(f.duration("reopenWindow", d.reopenWindow()),
        f.duration("flapWindow", d.flapWindow()),
        f.integer("flapThreshold", d.flapThreshold(), 2, 1000),
        f.duration("flapQuiet", d.flapQuiet()));
  }

  private static SignalsConfig.Route route(Fields f, Set<String> sinkNames) {
    f.allow("sinks", "teams", "environments", "severities", "types");
    List<String> sinks = f.strings("sinks");
    if (sinks.isEmpty()) {
      f.problem("sinks", "missing required field \"sinks\": the sinks this route delivers to");
    }
    for (int i = 0; i < sinks.size(); i++) {
      if (!sinkNames.contains(sinks.get(i))) {
        f.problem("sinks[" + i + "]", "no sink is called \"" + sinks.get(i) + "\""
            + dev.pave.spec.Suggest.didYouMean(sinks.get(i), sinkNames) + " Sinks: "
            + String.join(", ", sinkNames) + ".");
      }
    }
    return filters(f, sinks);
  }

  /** The result of reading a SignalSink resource: its sink and routes, or the problems. */
  public record SinkResult(SinkConfig sink, List<SignalsConfig.Route> routes,
      List<Problem> problems) {}

  /**
   * Reads the spec of a SignalSink resource called {@code name}: the fields of a
   * {@code sinks:} entry (credentials as {@code ...SecretRef}), and {@code routes} without
   * {@code sinks} (they all deliver to this sink; no routes: every signal). Problems name the
   * field from {@code spec}; the same reader as the file checks the same rules.
   */
  public static SinkResult readSink(String source, String name, Map<String, Object> spec,
      SecretSource secrets) {
    List<Problem> problems = new ArrayList<>();
    SourceMap positions = new SourceMap(source);
    Fields f = new Fields(spec, "spec", positions, problems);
    if (name == null || !name.matches("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")) {
      problems.add(positions.problem("metadata.name", "expected a DNS label (lowercase"
          + " letters, digits, '-', at most 63) as the sink's name, got \"" + name + "\""));
    }
    SinkConfig sink = spec == null ? null : Sinks.read(f, name, secrets, "routes");
    if (spec == null) {
      problems.add(positions.problem("spec", "missing spec: type and the sink's fields"));
    }
    List<SignalsConfig.Route> routes = new ArrayList<>();
    if (!f.has("routes")) {
      routes.add(new SignalsConfig.Route(List.of(name), List.of(), List.of(), List.of(),
          List.of()));
    }
    for (Fields r : f.objects("routes")) {
      r.allow("teams", "environments", "severities", "types");
      routes.add(filters(r, List.of(name)));
    }
    if (!problems.isEmpty() || sink == null) {
      return new SinkResult(null, List.of(), problems);
    }
    return new SinkResult(sink, List.copyOf(routes), List.of());
  }

  /** A route's matchers: teams, environments, severities and types. */
  private static SignalsConfig.Route filters(Fields f, List<String> sinks) {
    List<Severity> severities = new ArrayList<>();
    List<String> sev = f.strings("severities");
    for (int i = 0; i < sev.size(); i++) {
      try {
        severities.add(Severity.valueOf(sev.get(i).toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        f.problem("severities[" + i + "]", "unknown severity \"" + sev.get(i)
            + "\"; valid: critical, high, medium, low, info");
      }
    }
    List<SignalType> types = new ArrayList<>();
    List<String> ts = f.strings("types");
    Map<String, SignalType> byWire = new LinkedHashMap<>();
    for (SignalType t : SignalType.values()) {
      byWire.put(t.wire(), t);
    }
    for (int i = 0; i < ts.size(); i++) {
      SignalType t = byWire.get(ts.get(i));
      if (t == null) {
        f.problem("types[" + i + "]", "unknown signal type \"" + ts.get(i) + "\""
            + dev.pave.spec.Suggest.didYouMean(ts.get(i), byWire.keySet()) + " Valid: "
            + String.join(", ", byWire.keySet()) + ".");
      } else {
        types.add(t);
      }
    }
    return new SignalsConfig.Route(sinks, f.strings("teams"), f.strings("environments"),
        severities, types);
  }

  static URI uri(Fields f, String key, boolean required) {
    String v = required ? f.required(key, "the URL to deliver to") : f.string(key, null);
    if (v == null) {
      return null;
    }
    try {
      URI u = new URI(v);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        f.problem(key, "expected an http:// or https:// URL, got \"" + v + "\"");
        return null;
      }
      return u;
    } catch (URISyntaxException e) {
      f.problem(key, "not a valid URL: " + e.getReason());
      return null;
    }
  }

}
