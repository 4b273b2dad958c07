package dev.pave.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kinds the embedded API serves to discovery clients (kubectl) and keeps across restarts.
 * The in-process API stores any kind; this list is what it admits to knowing about, so it is
 * also the list of what a snapshot of the sandbox contains.
 */
final class ApiKinds {
  private ApiKinds() {}

  /** One served resource type. */
  record Kind(String group, String version, String kind, String plural, boolean namespaced,
      List<String> shortNames) {
    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }

    /** The collection path for all namespaces (cluster-wide for namespaced kinds). */
    String path() {
      return (group.isEmpty() ? "/api/" : "/apis/" + group + "/") + version + "/" + plural;
    }
  }

  static final List<Kind> ALL = List.of(
      core("Namespace", "namespaces", false, "ns"),
      core("Pod", "pods", true, "po"),
      core("Service", "services", true, "svc"),
      core("ConfigMap", "configmaps", true, "cm"),
      core("Secret", "secrets", true),
      core("ServiceAccount", "serviceaccounts", true, "sa"),
      core("Event", "events", true, "ev"),
      core("PersistentVolumeClaim", "persistentvolumeclaims", true, "pvc"),
      core("ResourceQuota", "resourcequotas", true, "quota"),
      core("LimitRange", "limitranges", true, "limits"),
      of("apps", "v1", "Deployment", "deployments", true, "deploy"),
      of("apps", "v1", "StatefulSet", "statefulsets", true, "sts"),
      of("apps", "v1", "DaemonSet", "daemonsets", true, "ds"),
      of("apps", "v1", "ReplicaSet", "replicasets", true, "rs"),
      of("batch", "v1", "Job", "jobs", true),
      of("batch", "v1", "CronJob", "cronjobs", true, "cj"),
      of("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, "netpol"),
      of("networking.k8s.io", "v1", "Ingress", "ingresses", true, "ing"),
      of("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, "pdb"),
      of("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, "hpa"),
      of("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
      of("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true),
      of("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false),
      of("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false),
      of("coordination.k8s.io", "v1", "Lease", "leases", true),
      of("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions",
          false, "crd", "crds"),
      of("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes", true),
      of("monitoring.coreos.com", "v1", "ServiceMonitor", "servicemonitors", true, "smon"),
      of("pave.dev", "v1alpha1", "Environment", "environments", false, "env"),
      of("pave.dev", "v1alpha1", "Application", "applications", true, "app"),
      of("pave.dev", "v1alpha1", "ApplicationRevision", "applicationrevisions", true, "apprev"),
      of("pave.dev", "v1alpha1", "PolicyException", "policyexceptions", true, "polex"),
      of("pave.dev", "v1alpha1", "SignalSink", "signalsinks", true));

  private static Kind core(String kind, String plural, boolean namespaced, String... shortNames) {
    return of("", "v1", kind, plural, namespaced, shortNames);
  }

  private static Kind of(String group, String version, String kind, String plural,
      boolean namespaced, String... shortNames) {
    return new Kind(group, version, kind, plural, namespaced, List.of(shortNames));
  }

  /** Discovery documents by request path, as a Kubernetes API server answers them. */
  static Map<String, Map<String, Object>> discovery(String gitVersion) {
    Map<String, Map<String, Object>> docs = new LinkedHashMap<>();
    docs.put("/version", Map.of("major", "1", "minor", "32", "gitVersion", gitVersion,
        "platform", "linux/amd64"));
    docs.put("/api", Map.of("kind", "APIVersions", "versions", List.of("v1"),
        "serverAddressByClientCIDRs", List.of(Map.of("clientCIDR", "0.0.0.0/0",
            "serverAddress", "127.0.0.1"))));
    Map<String, List<Kind>> byGroupVersion = new LinkedHashMap<>();
    for (Kind k : ALL) {
      byGroupVersion.computeIfAbsent(k.groupVersion(), x -> new ArrayList<>()).add(k);
    }
    List<Map<String, Object>> groups = new ArrayList<>();
    for (var e : byGroupVersion.entrySet()) {
      List<Map<String, Object>> resources = new ArrayList<>();
      for (Kind k : e.getValue()) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", k.plural());
        r.put("singularName", k.kind().toLowerCase());
        r.put("namespaced", k.namespaced());
        r.put("kind", k.kind());
        r.put("verbs", List.of("create", "delete", "deletecollection", "get", "list", "patch",
            "update", "watch"));
        if (!k.shortNames().isEmpty()) {
          r.put("shortNames", k.shortNames());
        }
        if (k.group().equals("pave.dev")) {
          r.put("categories", List.of("pave"));
        }
        resources.add(r);
        if (k.group().equals("pave.dev") || k.kind().equals("Deployment")) {
          resources.add(Map.of("name", k.plural() + "/status", "singularName", "",
              "namespaced", k.namespaced(), "kind", k.kind(), "verbs",
              List.of("get", "patch", "update")));
        }
      }
      docs.put((e.getKey().contains("/") ? "/apis/" : "/api/") + e.getKey(), Map.of(
          "kind", "APIResourceList", "apiVersion", "v1", "groupVersion", e.getKey(),
          "resources", resources));
      Kind first = e.getValue().get(0);
      if (!first.group().isEmpty()) {
        Map<String, Object> gv = Map.of("groupVersion", e.getKey(), "version", first.version());
        groups.add(Map.of("name", first.group(), "versions", List.of(gv),
            "preferredVersion", gv));
      }
    }
    docs.put("/apis", Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", groups));
    return docs;
  }
}
