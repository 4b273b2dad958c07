package dev.pave.cluster;

import java.util.List;
import java.util.Map;

/**
 * Who sent a request, as authentication established it; {@code extra} holds what the
 * authenticator adds beyond name and groups (the credential id of a client certificate).
 */
public record User(String name, String uid, List<String> groups,
    Map<String, List<String>> extra) {
  public User(String name, String uid, List<String> groups) {
    this(name, uid, groups, Map.of());
  }

  public static final User ADMIN = new User("admin", "", List.of("system:masters",
      "system:authenticated"));
  public static final User ANONYMOUS = new User("system:anonymous", "",
      List.of("system:unauthenticated"));
  /** The API's own controllers, which real clusters run as privileged service accounts. */
  public static final User CONTROLLER = new User("system:kube-controller-manager", "",
      List.of("system:masters", "system:authenticated"));
}
