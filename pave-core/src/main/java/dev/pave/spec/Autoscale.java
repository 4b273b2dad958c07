package dev.pave.spec;

/** Horizontal autoscaling on CPU utilisation. */
public record Autoscale(
    @Doc(value = "Fewest replicas; raised to the environment's replica floor.", required = true,
        min = 1, max = 1000)
        Integer min,
    @Doc(value = "Most replicas.", required = true, min = 1, max = 1000) Integer max,
    @Doc(value = "Target average CPU utilisation in percent of requests (default 70).", min = 1,
        max = 100)
        Integer cpuPercent) {}
