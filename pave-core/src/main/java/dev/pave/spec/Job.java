package dev.pave.spec;

import java.util.List;

/** A scheduled task run from the service's image, rendered as a CronJob. */
public record Job(
    @Doc(value = "Job name; the CronJob is named <app>-<name>.", required = true,
        pattern = Names.DNS_LABEL, example = "cleanup")
        String name,
    @Doc(value = "Cron schedule (five fields, or @hourly, @daily, ...).", required = true,
        example = "*/15 * * * *")
        String schedule,
    @Doc("Command to run (default: the image's entrypoint).") List<String> command,
    @Doc("Arguments.") List<String> args,
    @Doc(value = "IANA time zone of the schedule (default: the controller's, usually UTC).",
        example = "Europe/Berlin")
        String timeZone,
    @Doc("allow, forbid (the default) or replace a run that is still going.")
        Concurrency concurrency,
    @Doc(value = "Longest a run may take, in seconds (default 3600).", min = 1, max = 604800)
        Integer timeoutSeconds,
    @Doc(value = "Retries of a failed run (default 2).", min = 0, max = 20) Integer retries,
    @Doc("Resources of the job's container (default: the service's).") Resources resources) {

  /** What happens when a run is due while the previous one is still running. */
  public enum Concurrency {
    ALLOW,
    FORBID,
    REPLACE
  }
}
