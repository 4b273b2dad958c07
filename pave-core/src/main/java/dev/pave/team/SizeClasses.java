package dev.pave.team;

import dev.pave.spec.Environment;
import dev.pave.spec.Records;
import dev.pave.spec.Suggest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The quota classes a Team's {@code size} names: small, medium and large built in, laid over
 * field by field by the Environment's {@code teamSizes}, so each environment may size a class
 * its own way (prod's medium larger than dev's).
 */
public final class SizeClasses {
  public static final String DEFAULT = "small";

  private SizeClasses() {}

  public static Map<String, TeamQuota> builtIn() {
    Map<String, TeamQuota> out = new LinkedHashMap<>();
    out.put("small", new TeamQuota(null, "4", "8Gi", 20, 10, "20Gi", 5, 20, 20, "2", "4Gi"));
    out.put("medium", new TeamQuota(null, "16", "32Gi", 60, 30, "100Gi", 20, 60, 60, "4",
        "8Gi"));
    out.put("large", new TeamQuota(null, "64", "128Gi", 200, 100, "500Gi", 50, 200, 200, "8",
        "16Gi"));
    return out;
  }

  /** The built-in classes with the environment's laid over them by name. */
  public static Map<String, TeamQuota> of(Environment env) {
    Map<String, TeamQuota> out = builtIn();
    Map<String, TeamQuota> own = env.spec() == null ? null : env.spec().teamSizes();
    if (own != null) {
      own.forEach((name, q) -> out.put(name, Records.overlay(out.get(name), q)));
    }
    return out;
  }

  /**
   * Every value of the team's size: the named class (default small) with the team's own values
   * laid over it. Throws {@link IllegalArgumentException} naming the valid classes when the
   * class is not defined.
   */
  public static TeamQuota resolve(TeamQuota size, Map<String, TeamQuota> classes,
      String environment) {
    String name = size == null || size.from() == null ? DEFAULT : size.from();
    TeamQuota base = classes.get(name);
    if (base == null) {
      throw new IllegalArgumentException("size class \"" + name + "\" is not defined in"
          + " environment " + environment + "; defined: " + String.join(", ", classes.keySet())
          + Suggest.didYouMean(name, classes.keySet()));
    }
    TeamQuota merged = Records.overlay(base, size);
    return new TeamQuota(name, merged.cpu(), merged.memory(), merged.pods(), merged.services(),
        merged.storage(), merged.volumeClaims(), merged.configMaps(), merged.secrets(),
        merged.containerCpu(), merged.containerMemory());
  }
}
