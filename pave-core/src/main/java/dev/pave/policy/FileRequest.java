package dev.pave.policy;

import dev.pave.source.SourceObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The admission request the API server would build for creating an object read from a file:
 * what {@code request} holds when a ValidatingAdmissionPolicy is checked before deploy.
 */
final class FileRequest {
  private FileRequest() {}

  /**
   * A user as the API server sees one: an impersonated user (kubectl --as) is also in
   * system:authenticated.
   */
  static Map<String, Object> userInfo(String username, List<String> groups) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("username", username == null ? "" : username);
    List<String> all = new java.util.ArrayList<>(groups);
    if (username != null && !username.isEmpty() && !all.contains("system:authenticated")) {
      all.add("system:authenticated");
    }
    out.put("groups", List.copyOf(all));
    return out;
  }

  static Map<String, Object> of(SourceObject o, Map<String, Object> userInfo) {
    String apiVersion = o.apiVersion();
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    Map<String, Object> kind = Map.of("group", group, "version", version, "kind", o.kind());
    Map<String, Object> resource = Map.of("group", group, "version", version,
        "resource", AdmissionPolicies.resourceOf(o.kind()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("uid", "");
    out.put("kind", kind);
    out.put("resource", resource);
    out.put("requestKind", kind);
    out.put("requestResource", resource);
    out.put("name", o.name());
    out.put("namespace", o.namespace() == null ? "" : o.namespace());
    out.put("operation", "CREATE");
    out.put("userInfo", userInfo);
    out.put("dryRun", false);
    out.put("options", Map.of("kind", "CreateOptions", "apiVersion", "meta.k8s.io/v1"));
    return out;
  }

  static String plural(String kind) {
    String k = kind.toLowerCase(Locale.ROOT);
    return k.endsWith("s") ? k + "es" : k.endsWith("y") ? k.substring(0, k.length() - 1) + "ies"
        : k + "s";
  }
}
