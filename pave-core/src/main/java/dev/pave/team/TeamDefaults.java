package dev.pave.team;

import dev.pave.spec.Application;
import dev.pave.spec.ApplicationSpec;

/**
 * What an Application takes from its Team when it does not say it itself: who is on call and
 * the runbook, so rendering writes them on its objects and signals and the console read them
 * where they read the Application's own.
 */
public final class TeamDefaults {
  private TeamDefaults() {}

  /** The Application with the Team's onCall and runbook where it sets none; as is otherwise. */
  public static Application inherit(Application app, Team team) {
    ApplicationSpec s = app.spec();
    if (team == null || s == null || (s.onCall() != null || team.spec().onCall() == null)
        && (s.runbook() != null || team.spec().runbook() == null)) {
      return app;
    }
    ApplicationSpec inherited = new ApplicationSpec(s.team(), s.image(), s.port(),
        s.description(), s.tier(), s.command(), s.args(), s.env(), s.resources(), s.replicas(),
        s.autoscale(), s.health(), s.expose(), s.dependsOn(), s.config(), s.volumes(), s.jobs(),
        s.metrics(), s.owner(), s.onCall() != null ? s.onCall() : team.spec().onCall(),
        s.runbook() != null ? s.runbook() : team.spec().runbook(), s.user(), s.overrides());
    return new Application(app.apiVersion(), app.kind(), app.metadata(), inherited);
  }
}
