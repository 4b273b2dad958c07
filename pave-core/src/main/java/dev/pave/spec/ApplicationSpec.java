package dev.pave.spec;

import java.util.List;
import java.util.Map;

/** What a service developer writes: the whole contract between a service and the platform. */
public record ApplicationSpec(
    @Doc(value = "Owning team: a DNS label. Becomes part-of, pave.dev/team and"
        + " service.namespace.", required = true, pattern = Names.DNS_LABEL, example = "payments")
        String team,
    @Doc(value = "Container image with a tag or digest.", required = true,
        pattern = "^[^\\s]+$", example = "registry.example.com/payments/checkout:1.4.2")
        String image,
    @Doc(value = "Port the service listens on; omit for workers without one.", min = 1,
        max = 65535)
        Integer port,
    @Doc("One line on what the service does.") String description,
    @Doc("critical, standard (the default) or experimental.") Tier tier,
    @Doc("Overrides the image's entrypoint.") List<String> command,
    @Doc("Arguments to the entrypoint.") List<String> args,
    @Doc("Environment variables: plain values, or {secret|configMap, key} references.")
        Map<String, EnvValue> env,
    @Doc("CPU and memory: small, medium, large, or explicit requests and limits.")
        Resources resources,
    @Doc(value = "Fixed replica count (default 1, 2 for critical services; raised to the"
        + " environment's floor).", min = 0, max = 1000)
        Integer replicas,
    @Doc("Autoscaling instead of a fixed count.") Autoscale autoscale,
    @Doc("Health checks (default: HTTP GET /healthz on the service port).") Health health,
    @Doc("public, internal (the default with a port) or none.") Expose expose,
    @Doc("Applications, hosts and address ranges this service calls; all other egress is"
        + " denied.")
        List<Dependency> dependsOn,
    @Doc("Files mounted from a generated ConfigMap.") Config config,
    @Doc("Writable volumes.") List<Volume> volumes,
    @Doc("Scheduled tasks, rendered as CronJobs.") List<Job> jobs,
    @Doc("Metrics scraping.") Metrics metrics,
    @Doc(value = "Person or group accountable for the service.", example = "ana@example.com")
        String owner,
    @Doc(value = "How to reach whoever is on call (schedule name, URL or address).",
        example = "pagerduty:payments-primary")
        String onCall,
    @Doc(value = "Runbook URL.", pattern = "^https?://.+$",
        example = "https://runbooks.example.com/checkout")
        String runbook,
    @Doc(value = "Numeric user the containers run as (default 10001; never 0).", min = 1,
        max = 2147483647)
        Integer user,
    @Doc("Per-environment changes, keyed by environment name.") Map<String, EnvironmentOverride> overrides) {}
