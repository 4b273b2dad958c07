package dev.pave.release;

import dev.pave.spec.Doc;

/** The spec of an ApplicationRevision resource: one {@link Revision} as stored in the cluster. */
public record RevisionSpec(
    @Doc(value = "Application name.", required = true) String application,
    @Doc(value = "Environment name.", required = true) String environment,
    @Doc(value = "Revision number, 1 and up.", required = true, min = 1) Integer number,
    @Doc(value = "SHA-256 of the rendered objects.", required = true) String hash,
    @Doc(value = "Rendered objects, gzip-compressed JSON in base64.", required = true)
        String objects,
    @Doc("The spec that produced them, as YAML.") String spec,
    @Doc("Who or what made the change: a user, the CLI's changed-by, or auto-rollback.")
        String changedBy,
    @Doc("When the revision was recorded (RFC 3339).") String createdAt,
    @Doc("Source commit, when the deploy named one.") String sourceCommit) {

  public static RevisionSpec of(String application, String environment, Revision r) {
    return new RevisionSpec(application, environment, r.number(), r.hash(), r.objects(),
        r.spec(), r.changedBy(), r.createdAt() == null ? null : r.createdAt().toString(),
        r.sourceCommit());
  }

  public Revision revision() {
    return new Revision(number, hash, objects, spec, changedBy,
        createdAt == null ? null : java.time.Instant.parse(createdAt), sourceCommit);
  }
}
