package dev.pave.signals.enrich;

import dev.pave.signals.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ties a signal to an application and environment of the catalog and copies the platform's
 * context onto it. Pure: the catalog snapshot and the time come in as arguments.
 *
 * <p>Matching, first that succeeds: the application and environment labels (Pave's own
 * {@code app.kubernetes.io/name} and {@code pave.dev/environment}, in their Prometheus spellings
 * too); the instance label {@code app.kubernetes.io/instance}; the namespace together with the
 * deployment, service, job or pod name; the namespace alone when one application lives there.
 * The cluster label narrows each step when the catalog knows clusters.
 */
public final class Enricher {
  /** How far back "recent revisions" reach. */
  public static final Duration RECENT = Duration.ofHours(24);

  static final List<String> APP_KEYS = List.of("app.kubernetes.io/name", "app_kubernetes_io_name",
      "label_app_kubernetes_io_name", "pave.dev/app", "pave_dev_app", "service.name",
      "service_name", "app");
  static final List<String> ENV_KEYS = List.of("pave.dev/environment", "pave_dev_environment",
      "label_pave_dev_environment", "deployment.environment.name", "deployment_environment_name",
      "environment", "env");
  static final List<String> INSTANCE_KEYS = List.of("app.kubernetes.io/instance",
      "app_kubernetes_io_instance", "label_app_kubernetes_io_instance");
  static final List<String> CLUSTER_KEYS = List.of("cluster", "k8s.cluster.name",
      "k8s_cluster_name", "cluster_name");
  static final List<String> WORKLOAD_KEYS = List.of("deployment", "statefulset", "daemonset",
      "service", "job_name", "cronjob", "k8s.deployment.name", "k8s_deployment_name");
  static final List<String> POD_KEYS = List.of("pod", "k8s.pod.name", "k8s_pod_name", "pod_name");

  /** Deployment pods: name-<replicaset hash>-<5 chars>; StatefulSet pods: name-<ordinal>. */
  private static final Pattern DEPLOYMENT_POD = Pattern.compile("^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$");
  private static final Pattern STATEFUL_POD = Pattern.compile("^(.+)-\\d+$");
  private static final Pattern JOB_POD = Pattern.compile("^(.+)-[a-z0-9]{5}$");

  private Enricher() {}

  public static EnrichedSignal enrich(Signal s, Catalog catalog, Instant now) {
    String app = first(s, APP_KEYS);
    String env = first(s, ENV_KEYS);
    String instance = first(s, INSTANCE_KEYS);
    String cluster = first(s, CLUSTER_KEYS);
    if (cluster == null && !s.subject().cluster().isEmpty()) {
      cluster = s.subject().cluster();
    }
    String namespace = s.labels().getOrDefault("namespace", s.subject().namespace());
    if (namespace == null || namespace.isEmpty()) {
      namespace = first(s, List.of("k8s.namespace.name", "k8s_namespace_name"));
    }

    CatalogEntry entry = null;
    String matchedBy = null;
    if (app != null && env != null) {
      entry = catalog.find(app, env);
      matchedBy = "labels";
    }
    if (entry == null && instance != null) {
      entry = catalog.ofInstance(instance);
      matchedBy = "instance label";
    }
    if (entry == null && namespace != null && !namespace.isEmpty()) {
      List<CatalogEntry> here = inCluster(catalog.inNamespace(namespace), cluster);
      if (app != null) {
        here = here.stream().filter(e -> e.app().equals(app)).toList();
      }
      String workload = workload(s);
      if (workload != null) {
        List<CatalogEntry> named = here.stream().filter(e -> workload.equals(e.app())
            || workload.startsWith(e.app() + "-")).toList();
        if (named.size() == 1) {
          entry = named.get(0);
          matchedBy = "namespace and workload name";
        }
      }
      if (entry == null && here.size() == 1) {
        entry = here.get(0);
        matchedBy = "namespace";
      }
    }
    if (entry == null && app != null) {
      List<CatalogEntry> candidates = inCluster(catalog.ofApp(app), cluster);
      if (env != null) {
        candidates = candidates.stream().filter(e -> env.equals(e.environment())).toList();
      }
      if (candidates.size() == 1) {
        entry = candidates.get(0);
        matchedBy = "application label and cluster";
      }
    }
    if (entry == null) {
      if (app == null) {
        String where = namespace == null || namespace.isEmpty() ? "no namespace"
            : "no single application in namespace " + namespace;
        return new EnrichedSignal(s, Enrichment.none(List.of(
            "application (no app.kubernetes.io/name or instance label, " + where + ")")));
      }
      // The signal names its application but the catalog does not know it: say which.
      List<String> missing = new ArrayList<>();
      missing.add("catalog entry for " + app + (env == null ? "" : " in " + env));
      if (env == null) {
        missing.add("environment");
      }
      return new EnrichedSignal(s, new Enrichment(Enrichment.Level.PARTIAL, missing,
          "labels (not in catalog)", app, env, null, null, null, null, null, cluster,
          namespace == null || namespace.isEmpty() ? null : namespace, null, null, null, null,
          null, null));
    }
    return new EnrichedSignal(s, fromEntry(entry, matchedBy, cluster, s, now));
  }

  private static Enrichment fromEntry(CatalogEntry e, String matchedBy, String signalCluster,
      Signal s, Instant now) {
    List<String> missing = new ArrayList<>();
    String cluster = e.cluster() != null ? e.cluster() : signalCluster;
    String runbook = e.runbook() != null ? e.runbook() : firstNonBlank(s.attribute("runbook_url"),
        s.attribute("runbook"));
    need(missing, "team", e.team());
    need(missing, "owner", e.owner());
    need(missing, "onCall", e.onCall());
    need(missing, "runbook", runbook);
    need(missing, "tier", e.tier());
    need(missing, "cluster", cluster);
    CatalogEntry.Release current = e.current();
    if (current == null) {
      missing.add("revision");
    }
    Instant since = now.minus(RECENT);
    List<CatalogEntry.Release> recent = e.releases().stream()
        .filter(r -> r.at() != null && !r.at().isBefore(since))
        .sorted((a, b) -> Integer.compare(b.number(), a.number())).toList();
    List<CatalogEntry.ActiveException> active = e.exceptions().stream()
        .filter(x -> x.expiresAt() == null || x.expiresAt().isAfter(now)).toList();
    return new Enrichment(missing.isEmpty() ? Enrichment.Level.COMPLETE : Enrichment.Level.PARTIAL,
        missing, matchedBy, e.app(), e.environment(), e.team(), e.owner(), e.onCall(), runbook,
        e.tier(), cluster, e.namespace(), e.version(),
        current == null ? null : current.number(), current == null ? null : current.at(),
        current == null ? null : current.changedBy(), recent, active);
  }

  private static void need(List<String> missing, String name, String value) {
    if (value == null || value.isBlank()) {
      missing.add(name);
    }
  }

  private static List<CatalogEntry> inCluster(List<CatalogEntry> entries, String cluster) {
    if (cluster == null) {
      return entries;
    }
    return entries.stream().filter(e -> e.cluster() == null || cluster.equals(e.cluster()))
        .toList();
  }

  /** The workload a signal is about: a workload label, the object it names, or its pod's owner. */
  static String workload(Signal s) {
    String w = first(s, WORKLOAD_KEYS);
    if (w != null) {
      return w;
    }
    String kind = s.subject().kind();
    if (!s.subject().name().isEmpty() && !kind.equals("Pod")) {
      return s.subject().name();
    }
    String pod = first(s, POD_KEYS);
    if (pod == null && kind.equals("Pod")) {
      pod = s.subject().name();
    }
    if (pod == null || pod.isEmpty()) {
      return null;
    }
    for (Pattern p : List.of(DEPLOYMENT_POD, STATEFUL_POD, JOB_POD)) {
      Matcher m = p.matcher(pod);
      if (m.matches()) {
        return m.group(1);
      }
    }
    return pod;
  }

  private static String first(Signal s, List<String> keys) {
    for (String k : keys) {
      String v = s.attribute(k);
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  private static String firstNonBlank(String a, String b) {
    return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
  }
}
