package dev.pave.cluster;

import java.util.List;

/** Who sent a request, as authentication established it. */
public record User(String name, String uid, List<String> groups) {
  public static final User ADMIN = new User("admin", "", List.of("system:masters",
      "system:authenticated"));
  public static final User ANONYMOUS = new User("system:anonymous", "",
      List.of("system:unauthenticated"));
  /** The API's own controllers, which real clusters run as privileged service accounts. */
  public static final User CONTROLLER = new User("system:kube-controller-manager", "",
      List.of("system:masters", "system:authenticated"));
}
