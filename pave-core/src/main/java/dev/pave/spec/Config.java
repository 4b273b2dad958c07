package dev.pave.spec;

import java.util.Map;

/** Files mounted read-only into the container from a generated ConfigMap. */
public record Config(
    @Doc(value = "Directory the files appear in (default /etc/<app>).", pattern = "^/.*$",
        example = "/etc/checkout")
        String mountPath,
    @Doc(value = "File name to file content.", required = true) Map<String, String> files) {}
