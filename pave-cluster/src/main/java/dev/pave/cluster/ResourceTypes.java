package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resources the API serves: Kubernetes' built-in kinds, and those of every established
 * CustomResourceDefinition, which come and go with it as on a real server.
 */
public final class ResourceTypes {
  /*
   * group | versions (preferred first) | kind | plural | short names | scope | traits
   * traits: g = keeps generation, s = /status, r = /scale (Deployment style), p = no strategic
   * merge patch, c = create only (reviews), a = in category "all", n = no deletecollection
   */
  private static final String BUILT_IN = """
      |v|Namespace|namespaces|ns|C|sn
      |v1|ConfigMap|configmaps|cm|N|
      |v1|Secret|secrets||N|
      |v1|ServiceAccount|serviceaccounts|sa|N|
      |v1|Service|services|svc|N|sa
      |v1|Pod|pods|po|N|gsa
      |v1|Event|events|ev|N|
      |v1|Endpoints|endpoints|ep|N|
      |v1|PersistentVolumeClaim|persistentvolumeclaims|pvc|N|s
      |v1|PersistentVolume|persistentvolumes|pv|C|s
      |v1|Node|nodes|no|C|s
      |v1|LimitRange|limitranges|limits|N|
      |v1|ResourceQuota|resourcequotas|quota|N|s
      |v1|ReplicationController|replicationcontrollers|rc|N|gsra
      apps|v1|Deployment|deployments|deploy|N|gsra
      apps|v1|ReplicaSet|replicasets|rs|N|gsra
      apps|v1|StatefulSet|statefulsets|sts|N|gsra
      apps|v1|DaemonSet|daemonsets|ds|N|gsa
      apps|v1|ControllerRevision|controllerrevisions||N|
      batch|v1|Job|jobs||N|gsa
      batch|v1|CronJob|cronjobs|cj|N|gsa
      autoscaling|v2,v1|HorizontalPodAutoscaler|horizontalpodautoscalers|hpa|N|gsa
      policy|v1|PodDisruptionBudget|poddisruptionbudgets|pdb|N|gs
      networking.k8s.io|v1|NetworkPolicy|networkpolicies|netpol|N|g
      networking.k8s.io|v1|Ingress|ingresses|ing|N|gs
      networking.k8s.io|v1|IngressClass|ingressclasses||C|g
      discovery.k8s.io|v1|EndpointSlice|endpointslices||N|
      events.k8s.io|v1|Event|events|ev|N|
      coordination.k8s.io|v1|Lease|leases||N|
      rbac.authorization.k8s.io|v1|Role|roles||N|
      rbac.authorization.k8s.io|v1|RoleBinding|rolebindings||N|
      rbac.authorization.k8s.io|v1|ClusterRole|clusterroles||C|
      rbac.authorization.k8s.io|v1|ClusterRoleBinding|clusterrolebindings||C|
      storage.k8s.io|v1|StorageClass|storageclasses|sc|C|
      scheduling.k8s.io|v1|PriorityClass|priorityclasses|pc|C|
      apiextensions.k8s.io|v1|CustomResourceDefinition|customresourcedefinitions|crd,crds|C|gsp
      admissionregistration.k8s.io|v1|ValidatingWebhookConfiguration|validatingwebhookconfigurations||C|gp
      admissionregistration.k8s.io|v1|MutatingWebhookConfiguration|mutatingwebhookconfigurations||C|gp
      admissionregistration.k8s.io|v1|ValidatingAdmissionPolicy|validatingadmissionpolicies||C|gsp
      admissionregistration.k8s.io|v1|ValidatingAdmissionPolicyBinding|validatingadmissionpolicybindings||C|gp
      authentication.k8s.io|v1|TokenReview|tokenreviews||C|c
      authentication.k8s.io|v1|SelfSubjectReview|selfsubjectreviews||C|c
      authorization.k8s.io|v1|SubjectAccessReview|subjectaccessreviews||C|c
      authorization.k8s.io|v1|SelfSubjectAccessReview|selfsubjectaccessreviews||C|c
      authorization.k8s.io|v1|SelfSubjectRulesReview|selfsubjectrulesreviews||C|c
      authorization.k8s.io|v1|LocalSubjectAccessReview|localsubjectaccessreviews||N|c
      """;

  /** Custom resources list their verbs in this order in discovery. */
  private static final List<String> CUSTOM_VERBS = List.of("delete", "deletecollection", "get",
      "list", "patch", "create", "update", "watch");

  private final List<ResourceType> builtIn;
  /** Custom resources by CRD name, each with one entry per served version. */
  private final Map<String, List<ResourceType>> custom = new ConcurrentHashMap<>();

  public ResourceTypes() {
    List<ResourceType> list = new ArrayList<>();
    for (String line : BUILT_IN.strip().split("\n")) {
      String[] f = line.strip().split("\\|", -1);
      String traits = f[6];
      for (String v : f[1].split(",")) {
        String version = v.equals("v") ? "v1" : v;
        List<String> verbs = traits.contains("c") ? List.of("create")
            : traits.contains("n") || f[5].equals("C") && f[3].equals("namespaces")
                ? List.of("create", "delete", "get", "list", "patch", "update", "watch")
                : ResourceType.ALL_VERBS;
        list.add(new ResourceType(f[0], version, f[2], f[3], f[2].toLowerCase(),
            f[5].equals("N"), f[4].isEmpty() ? List.of() : List.of(f[4].split(",")), verbs,
            traits.contains("a") ? List.of("all") : List.of(), traits.contains("g"),
            traits.contains("s"), traits.contains("r")
                ? new ResourceType.Scale(".spec.replicas", ".status.replicas", ".status.selector")
                : null,
            !traits.contains("p"), false));
      }
    }
    builtIn = List.copyOf(list);
  }

  /** The resource at a URL's group, version and plural, if served. */
  public Optional<ResourceType> find(String group, String version, String plural) {
    for (ResourceType t : all()) {
      if (t.group().equals(group) && t.version().equals(version) && t.plural().equals(plural)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The resource of an apiVersion and kind, if served. */
  public Optional<ResourceType> byKind(String apiVersion, String kind) {
    for (ResourceType t : all()) {
      if (t.apiVersion().equals(apiVersion) && t.kind().equals(kind)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** Every served resource, built-in first, in a stable order. */
  public List<ResourceType> all() {
    List<ResourceType> all = new ArrayList<>(builtIn);
    custom.keySet().stream().sorted().forEach(k -> all.addAll(custom.get(k)));
    return all;
  }

  /** Served group names with their versions, preferred version first, in discovery order. */
  public Map<String, List<String>> groups() {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (ResourceType t : all()) {
      List<String> versions = groups.computeIfAbsent(t.group(), g -> new ArrayList<>());
      if (!versions.contains(t.version())) {
        versions.add(t.version());
      }
    }
    return groups;
  }

  public boolean servesGroup(String group) {
    return all().stream().anyMatch(t -> t.group().equals(group));
  }

  public boolean servesGroupVersion(String group, String version) {
    return all().stream().anyMatch(t -> t.group().equals(group) && t.version().equals(version));
  }

  /** Serves (or stops serving) the kinds of a CustomResourceDefinition. */
  void define(String crdName, JsonNode crd) {
    if (crd == null) {
      custom.remove(crdName);
      return;
    }
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    boolean namespaced = "Namespaced".equals(spec.path("scope").asText());
    List<ResourceType> types = new ArrayList<>();
    List<JsonNode> versions = new ArrayList<>();
    spec.path("versions").forEach(versions::add);
    // Discovery lists the storage version first among equals; Kubernetes sorts by version
    // priority (v2 before v1 before v1beta1), which is the order most CRDs declare anyway.
    for (JsonNode v : versions) {
      if (!v.path("served").asBoolean(true)) {
        continue;
      }
      JsonNode sub = v.path("subresources");
      JsonNode scale = sub.path("scale");
      List<String> shortNames = new ArrayList<>();
      names.path("shortNames").forEach(s -> shortNames.add(s.asText()));
      List<String> categories = new ArrayList<>();
      names.path("categories").forEach(s -> categories.add(s.asText()));
      types.add(new ResourceType(spec.path("group").asText(), v.path("name").asText(),
          names.path("kind").asText(), names.path("plural").asText(),
          names.path("singular").asText(names.path("kind").asText().toLowerCase()), namespaced,
          shortNames, CUSTOM_VERBS, categories, true, sub.has("status"),
          scale.isMissingNode() ? null : new ResourceType.Scale(
              scale.path("specReplicasPath").asText(), scale.path("statusReplicasPath").asText(),
              scale.path("labelSelectorPath").asText(null)), false, true));
    }
    custom.put(crdName, List.copyOf(types));
  }

  /** The CRD name that defines a custom resource, or null for built-in kinds. */
  static String crdName(ResourceType t) {
    return t.custom() ? t.plural() + "." + t.group() : null;
  }

  static List<String> split(String csv) {
    return csv.isEmpty() ? List.of() : Arrays.asList(csv.split(","));
  }
}
