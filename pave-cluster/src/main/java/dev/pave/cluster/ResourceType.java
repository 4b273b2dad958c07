package dev.pave.cluster;

import java.util.List;

/**
 * One resource the API serves at one group and version: what discovery lists, what the URL
 * names, and the few traits that change how writes behave.
 *
 * @param generation whether the kind keeps {@code metadata.generation} (kinds with a spec do;
 *     ConfigMaps, Secrets and the like do not)
 * @param status whether {@code /status} is a subresource, which makes writes to the main
 *     resource keep the stored status and writes to {@code /status} keep everything else
 * @param scale the paths behind {@code /scale}, or null where there is none
 * @param strategic whether strategic merge patches are accepted (built-in kinds only)
 */
public record ResourceType(String group, String version, String kind, String plural,
    String singular, boolean namespaced, List<String> shortNames, List<String> verbs,
    List<String> categories, boolean generation, boolean status, Scale scale,
    boolean strategic, boolean custom) {

  /** Where a kind's {@code /scale} subresource reads and writes its replica counts. */
  public record Scale(String specReplicasPath, String statusReplicasPath,
      String labelSelectorPath) {}

  public static final List<String> ALL_VERBS = List.of("create", "delete", "deletecollection",
      "get", "list", "patch", "update", "watch");

  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** How messages name the resource: {@code deployments.apps}, {@code configmaps}. */
  public String groupResource() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  /** The key prefix of this resource's objects in the store, shared by all its versions. */
  String storageKey() {
    return group + "/" + plural;
  }

  String listKind() {
    return kind + "List";
  }

  boolean has(String verb) {
    return verbs.contains(verb);
  }
}
