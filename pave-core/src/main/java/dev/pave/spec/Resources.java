package dev.pave.spec;

import java.util.Arrays;
import java.util.Locale;

/** CPU and memory: a preset size, or explicit requests and limits (which win over the preset). */
public record Resources(
    @Doc("Preset: small, medium or large.") Size size,
    @Doc("Explicit requests; a missing value comes from the size.") Quantities requests,
    @Doc("Explicit limits; a missing value comes from the size.") Quantities limits) {

  @Shorthand("small | medium | large")
  public static Resources parse(String text) {
    for (Size s : Size.values()) {
      if (s.name().toLowerCase(Locale.ROOT).equals(text)) {
        return new Resources(s, null, null);
      }
    }
    throw new IllegalArgumentException("expected one of small, medium, large, or a mapping with"
        + " requests and limits; got \"" + text + "\"" + Suggest.didYouMean(text,
        Arrays.stream(Size.values()).map(WireName::of).toList()));
  }

  /** A CPU and memory pair in Kubernetes quantity notation. */
  public record Quantities(
      @Doc(value = "CPU in cores or millicores.", pattern = Names.QUANTITY, example = "250m")
          String cpu,
      @Doc(value = "Memory in bytes with a binary suffix.", pattern = Names.QUANTITY,
          example = "512Mi")
          String memory) {}
}
