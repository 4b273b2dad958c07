package dev.pave.spec;

/** Where Prometheus scrapes the service (used when the environment runs the Prometheus Operator). */
public record Metrics(
    @Doc("Scrape the service (default true when it has a port).") Boolean enabled,
    @Doc(value = "Metrics path (default /metrics).", pattern = "^/.*$", example = "/metrics")
        String path,
    @Doc(value = "Metrics port (default: the service port).", min = 1, max = 65535)
        Integer port) {}
