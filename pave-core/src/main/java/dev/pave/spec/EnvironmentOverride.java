package dev.pave.spec;

import java.util.Map;

/** Per-environment changes to the spec; every field replaces the base value, env is merged. */
public record EnvironmentOverride(
    @Doc(value = "Image for this environment.", example = "registry.example.com/team/app:1.5.0-rc1")
        String image,
    @Doc(value = "Replica count for this environment.", min = 0, max = 1000) Integer replicas,
    @Doc("Autoscaling for this environment.") Autoscale autoscale,
    @Doc("Resources for this environment.") Resources resources,
    @Doc("Variables added to or replacing the base env.") Map<String, EnvValue> env,
    @Doc("Reachability for this environment.") Expose expose,
    @Doc("Tier for this environment.") Tier tier) {}
