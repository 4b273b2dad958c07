package dev.pave.cluster;

/**
 * What a resource URL addresses: a resource type, maybe a namespace, maybe a name, maybe a
 * subresource. A collection has no name.
 */
record Target(ResourceType type, String namespace, String name, String subresource) {

  boolean collection() {
    return name == null;
  }

  String key() {
    return Store.key(type, type.namespaced() ? namespace : "", name);
  }

  /**
   * Parses {@code /api/v1/...} and {@code /apis/GROUP/VERSION/...}; throws the plain 404 for
   * what nothing serves, as the real server's mux does.
   */
  static Target parse(String path, ResourceTypes types) {
    String[] p = path.substring(1).split("/", -1);
    String group;
    String version;
    int i;
    if (p[0].equals("api") && p.length > 1) {
      group = "";
      version = p[1];
      i = 2;
    } else if (p[0].equals("apis") && p.length > 2) {
      group = p[1];
      version = p[2];
      i = 3;
    } else {
      throw ApiException.pageNotFound();
    }
    if (!types.servesGroupVersion(group, version) || p.length <= i) {
      throw ApiException.pageNotFound();
    }
    String namespace = null;
    if (p[i].equals("namespaces") && p.length > i + 2
        && types.find(group, version, p[i + 2]).filter(ResourceType::namespaced).isPresent()) {
      namespace = p[i + 1];
      i += 2;
    }
    ResourceType t = types.find(group, version, p[i]).orElseThrow(() -> ApiException.of(404,
        "NotFound", "the server could not find the requested resource").withEmptyDetails());
    String name = p.length > i + 1 ? p[i + 1] : null;
    String sub = p.length > i + 2 ? p[i + 2] : null;
    if (p.length > i + 3 || name != null && name.isEmpty()) {
      throw ApiException.pageNotFound();
    }
    if (t.namespaced() && namespace == null && name != null) {
      throw ApiException.pageNotFound();
    }
    return new Target(t, namespace, name, sub);
  }
}
