package dev.pave.spec;

import java.util.List;

/** How Kubernetes knows the service is alive and ready. */
public record Health(
    @Doc(value = "HTTP path for readiness and liveness (default /healthz).", pattern = "^/.*$",
        example = "/healthz")
        String path,
    @Doc(value = "Port of the health endpoint (default: the service port).", min = 1,
        max = 65535)
        Integer port,
    @Doc(value = "HTTP path for readiness only, when it differs.", pattern = "^/.*$",
        example = "/ready")
        String readinessPath,
    @Doc(value = "HTTP path for liveness only, when it differs.", pattern = "^/.*$",
        example = "/live")
        String livenessPath,
    @Doc(value = "How long the service may take to start, in seconds (default 60).", min = 1,
        max = 3600)
        Integer startupSeconds,
    @Doc("Command run in the container instead of an HTTP check (for services without a port).")
        List<String> command) {

  @Shorthand("an HTTP path such as /healthz")
  public static Health parse(String text) {
    if (!text.startsWith("/")) {
      throw new IllegalArgumentException(
          "expected an HTTP path starting with \"/\" (for example /healthz), or a mapping; got \""
              + text + "\"");
    }
    return new Health(text, null, null, null, null, null);
  }
}
