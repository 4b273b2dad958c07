package dev.pave.spec;

import java.util.Arrays;
import java.util.List;

/** Who may reach the service. */
public record Expose(
    @Doc(value = "public (through the ingress), internal (inside the cluster) or none.",
        required = true)
        Type type,
    @Doc(value = "Public host name (default <app>.<environment domain>).",
        pattern = "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
        example = "shop.example.com")
        String host,
    @Doc(value = "Public path prefix (default /).", pattern = "^/.*$", example = "/api")
        String path,
    @Doc("Only these applications may call the service (default: every application of the"
        + " environment).")
        List<String> allowFrom) {

  /** Reachability levels. */
  public enum Type {
    PUBLIC,
    INTERNAL,
    NONE
  }

  @Shorthand("public | internal | none")
  public static Expose parse(String text) {
    for (Type t : Type.values()) {
      if (WireName.of(t).equals(text)) {
        return new Expose(t, null, null, null);
      }
    }
    throw new IllegalArgumentException("expected one of public, internal, none, or a mapping with"
        + " type and host; got \"" + text + "\"" + Suggest.didYouMean(text,
        Arrays.stream(Type.values()).map(WireName::of).toList()));
  }
}
