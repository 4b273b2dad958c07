package dev.pave.cluster;

/** Decides whether a user may take a verb on a resource, as RBAC does. */
public interface Authorizer {
  /** What a request asks to do, in RBAC's terms. */
  record Ask(User user, String verb, String group, String resource, String subresource,
      String namespace, String name) {}

  boolean allowed(Ask ask);

  /** Members of system:masters may do anything; nobody else may do anything. */
  Authorizer MASTERS_ONLY = ask -> ask.user().groups().contains("system:masters");
}
