package dev.pave.insights;

/**
 * Where a fact belongs: the team, application and environment it was enriched with. A part
 * that enrichment could not tell is stored as {@link #UNKNOWN}, so a fact is never dropped for
 * lack of an owner (that gap is itself what alert context measures).
 */
public record Key(String team, String app, String env) {
  public static final String UNKNOWN = "";

  public Key {
    team = team == null ? UNKNOWN : team;
    app = app == null ? UNKNOWN : app;
    env = env == null ? UNKNOWN : env;
  }
}
