package dev.pave.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * Impersonate-User and Impersonate-Group: a request acting as another user, when the sender
 * may impersonate (RBAC verb {@code impersonate} on users, groups or serviceaccounts, or
 * system:masters). The impersonated user gets the groups named, plus system:authenticated;
 * a service account's name brings its service-account groups as its token would.
 */
final class Impersonation {
  private Impersonation() {}

  /** Whether a request asks to act as someone else. */
  static boolean requested(Request r) {
    return r.header("impersonate-user") != null || r.header("impersonate-group") != null
        || r.header("impersonate-uid") != null;
  }

  /**
   * The user the request acts as; null when the sender may not impersonate it (the caller
   * answers 403), a 400 when groups come without a user name.
   */
  static User resolve(Request r, Authorizer authorizer) {
    String name = r.header("impersonate-user");
    List<String> groups = new ArrayList<>();
    String g = r.header("impersonate-group");
    if (g != null) {
      for (String s : g.split(",")) {
        if (!s.isBlank()) {
          groups.add(s.strip());
        }
      }
    }
    if (name == null || name.isEmpty()) {
      StringBuilder dump = new StringBuilder();
      for (String s : groups) {
        dump.append(dump.length() == 0 ? "" : ", ").append('"').append(s).append('"');
      }
      throw ApiException.badRequest("requested &user.DefaultInfo{Name:\"\", UID:\"\", "
          + "Groups:[]string{" + dump + "}, Extra:map[string][]string(nil)} without "
          + "impersonating a user name");
    }
    User sender = r.user();
    String[] sa = name.startsWith("system:serviceaccount:") ? name.split(":", 4) : null;
    boolean userOk = sa != null && sa.length == 4
        ? authorizer.allowed(new Authorizer.Ask(sender, "impersonate", "", "serviceaccounts",
            null, sa[2], sa[3]))
        : authorizer.allowed(new Authorizer.Ask(sender, "impersonate", "", "users", null, null,
            name));
    if (!userOk) {
      return null;
    }
    for (String group : groups) {
      if (!authorizer.allowed(new Authorizer.Ask(sender, "impersonate", "", "groups", null,
          null, group))) {
        return null;
      }
    }
    List<String> all = new ArrayList<>(groups);
    if (sa != null && sa.length == 4 && groups.isEmpty()) {
      all.add("system:serviceaccounts");
      all.add("system:serviceaccounts:" + sa[2]);
    }
    if (!name.equals("system:anonymous") && !all.contains("system:authenticated")) {
      all.add("system:authenticated");
    }
    return new User(name, "", List.copyOf(all));
  }

  /** The request as the impersonated user sends it. */
  static Request as(Request r, User user) {
    return new Request(r.method(), r.path(), r.query(), r.headers(), r.body(), user);
  }
}
