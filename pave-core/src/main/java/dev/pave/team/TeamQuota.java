package dev.pave.team;

import dev.pave.spec.Doc;
import dev.pave.spec.Names;
import dev.pave.spec.Shorthand;

/**
 * A team's quota in each of its namespaces: a size class by name, or values laid over one
 * ({@code from}). The same record defines the platform's classes on an Environment.
 */
public record TeamQuota(
    @Doc(value = "Size class whose values fill the ones not set here (default small).",
        pattern = Names.DNS_LABEL, example = "medium")
        String from,
    @Doc(value = "CPU limits of all pods together.", pattern = Names.QUANTITY, example = "8")
        String cpu,
    @Doc(value = "Memory limits of all pods together.", pattern = Names.QUANTITY,
        example = "16Gi")
        String memory,
    @Doc(value = "Most pods.", min = 0, max = 100000) Integer pods,
    @Doc(value = "Most Services.", min = 0, max = 100000) Integer services,
    @Doc(value = "Storage requested by all PersistentVolumeClaims together.",
        pattern = Names.QUANTITY, example = "100Gi")
        String storage,
    @Doc(value = "Most PersistentVolumeClaims.", min = 0, max = 100000) Integer volumeClaims,
    @Doc(value = "Most ConfigMaps.", min = 0, max = 100000) Integer configMaps,
    @Doc(value = "Most Secrets.", min = 0, max = 100000) Integer secrets,
    @Doc(value = "Largest CPU limit of one container.", pattern = Names.QUANTITY, example = "2")
        String containerCpu,
    @Doc(value = "Largest memory limit of one container.", pattern = Names.QUANTITY,
        example = "4Gi")
        String containerMemory) {

  @Shorthand("a size class name: small | medium | large, or one the platform defines")
  public static TeamQuota parse(String text) {
    String problem = Names.dnsLabelProblem(text);
    if (problem != null) {
      throw new IllegalArgumentException("expected a size class name (small, medium, large or"
          + " one the platform defines) or a mapping of quota values; " + problem);
    }
    return named(text);
  }

  /** Just a class name. */
  public static TeamQuota named(String sizeClass) {
    return new TeamQuota(sizeClass, null, null, null, null, null, null, null, null, null, null);
  }
}
