package dev.pave.console.catalog;

import java.util.Locale;

/**
 * One Application in one environment as the catalog lists it, read from its resource and
 * status. Immutable; the index replaces it when the resource changes.
 *
 * @param resourceNamespace namespace of the Application resource
 * @param namespace namespace of the objects it renders
 * @param health Healthy, Progressing (a rollout under way), Degraded or Unknown, from the
 *     Ready condition and the phase
 * @param policy Pass, Fail (a blocking finding) or Unchecked, from the policy engine
 * @param findings number of failing findings
 * @param image the image the spec runs, without its tag or digest
 * @param version the image's tag or digest: the version the service runs
 * @param created when the Application was created (RFC 3339), or null
 */
public record ServiceEntry(String app, String environment, String resourceNamespace,
    String namespace, String team, String owner, String onCall, String runbook, int revision,
    String phase, String health, String message, String policy, int findings,
    int openIncidents, long generation, String image, String version, String created) {

  /** When the Application was created, if its resource says. */
  public java.util.Optional<java.time.Instant> createdAt() {
    try {
      return created == null ? java.util.Optional.empty()
          : java.util.Optional.of(java.time.Instant.parse(created));
    } catch (java.time.format.DateTimeParseException e) {
      return java.util.Optional.empty();
    }
  }

  public String key() {
    return app + "/" + environment;
  }

  /** Lowercase text matched by the catalog's search box. */
  public String searchText() {
    return (app + " " + team + " " + environment + " " + namespace + " "
        + (owner == null ? "" : owner)).toLowerCase(Locale.ROOT);
  }

  public ServiceEntry withPolicy(String verdict, int count) {
    return new ServiceEntry(app, environment, resourceNamespace, namespace, team, owner, onCall,
        runbook, revision, phase, health, message, verdict, count, openIncidents, generation, image,
        version, created);
  }

  public ServiceEntry withIncidents(int open) {
    return new ServiceEntry(app, environment, resourceNamespace, namespace, team, owner, onCall,
        runbook, revision, phase, health, message, policy, findings, open, generation, image,
        version, created);
  }
}
