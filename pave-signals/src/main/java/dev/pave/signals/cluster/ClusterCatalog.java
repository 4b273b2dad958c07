package dev.pave.signals.cluster;

import dev.pave.identity.Identity;
import dev.pave.signals.enrich.CatalogEntry;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds catalog entries from what the operator keeps in the cluster: Application resources
 * (team, owner, on-call, runbook, tier from the spec; environment from the label
 * {@code pave.dev/environment}), ApplicationRevision resources (number, when, who, commit) and
 * the Deployments Pave rendered (namespace, version). Pure: the resources come in as arguments.
 */
public final class ClusterCatalog {
  private ClusterCatalog() {}

  public static List<CatalogEntry> entries(Collection<GenericKubernetesResource> applications,
      Collection<GenericKubernetesResource> revisions, Collection<Deployment> deployments,
      Collection<GenericKubernetesResource> exceptions, String cluster) {
    Map<String, List<CatalogEntry.Release>> releases = new HashMap<>();
    Map<String, String> revisionNamespace = new HashMap<>();
    for (GenericKubernetesResource r : revisions) {
      Map<String, Object> spec = spec(r);
      String app = str(spec.get("application"));
      String env = str(spec.get("environment"));
      if (app == null || env == null || !(spec.get("number") instanceof Number n)) {
        continue;
      }
      releases.computeIfAbsent(app + "/" + env, k -> new ArrayList<>()).add(
          new CatalogEntry.Release(n.intValue(), time(str(spec.get("createdAt"))),
              str(spec.get("changedBy")), str(spec.get("sourceCommit"))));
      revisionNamespace.put(app + "/" + env, r.getMetadata().getNamespace());
    }
    Map<String, Deployment> byInstance = new HashMap<>();
    for (Deployment d : deployments) {
      Map<String, String> l = d.getMetadata().getLabels();
      if (l != null && Identity.MANAGER.equals(l.get(Identity.MANAGED_BY))
          && l.get(Identity.INSTANCE) != null) {
        byInstance.put(l.get(Identity.INSTANCE), d);
      }
    }
    List<CatalogEntry> out = new ArrayList<>();
    for (GenericKubernetesResource a : applications) {
      Map<String, Object> spec = spec(a);
      String app = a.getMetadata().getName();
      Map<String, String> labels = a.getMetadata().getLabels() == null ? Map.of()
          : a.getMetadata().getLabels();
      String env = labels.get(Identity.ENVIRONMENT);
      if (env == null) {
        // Without the label the operator uses its own --env; a revision says which it was.
        env = releases.keySet().stream().filter(k -> k.startsWith(app + "/"))
            .map(k -> k.substring(app.length() + 1)).findFirst().orElse(null);
      }
      if (env == null) {
        continue;
      }
      String key = app + "/" + env;
      Deployment d = byInstance.get(app + "-" + env);
      String namespace = d != null ? d.getMetadata().getNamespace()
          : revisionNamespace.getOrDefault(key, null);
      String version = d != null && d.getMetadata().getLabels() != null
          ? d.getMetadata().getLabels().get(Identity.VERSION) : null;
      if (version == null && spec.get("image") instanceof String image) {
        version = Identity.versionOf(image);
      }
      String tier = str(spec.get("tier"));
      out.add(new CatalogEntry(app, env, str(spec.get("team")), str(spec.get("owner")),
          str(spec.get("onCall")), str(spec.get("runbook")), tier == null ? "standard" : tier,
          cluster, namespace, version, releases.getOrDefault(key, List.of()),
          exceptionsFor(exceptions, namespace, app)));
    }
    return out;
  }

  /** PolicyExceptions whose resources name the application's namespace or its workload name. */
  @SuppressWarnings("unchecked")
  static List<CatalogEntry.ActiveException> exceptionsFor(
      Collection<GenericKubernetesResource> exceptions, String namespace, String app) {
    List<CatalogEntry.ActiveException> out = new ArrayList<>();
    for (GenericKubernetesResource x : exceptions) {
      Map<String, Object> spec = spec(x);
      boolean covers = false;
      if (spec.get("resources") instanceof List<?> rs) {
        for (Object o : rs) {
          if (o instanceof Map<?, ?> m) {
            Object ns = m.get("namespace");
            Object name = m.get("name");
            Object rl = m.get("labels");
            boolean nsOk = ns == null || ns.equals(namespace);
            boolean nameOk = name == null || name.equals(app) || String.valueOf(name).endsWith("*")
                && app.startsWith(String.valueOf(name).replace("*", ""));
            boolean labelOk = rl == null || rl instanceof Map<?, ?> lm
                && app.equals(lm.get(Identity.NAME));
            covers |= nsOk && nameOk && labelOk && (ns != null || name != null || rl != null);
          }
        }
      }
      if (covers) {
        List<String> rules = spec.get("rules") instanceof List<?> l
            ? l.stream().map(String::valueOf).toList() : List.of();
        out.add(new CatalogEntry.ActiveException(x.getMetadata().getName(), rules,
            time(str(spec.get("expiresAt"))), str(spec.get("owner"))));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource r) {
    Object s = r.getAdditionalProperties().get("spec");
    return s instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
  }

  private static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  private static Instant time(String s) {
    if (s == null) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
