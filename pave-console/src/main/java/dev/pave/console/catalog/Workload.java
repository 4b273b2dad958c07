package dev.pave.console.catalog;

import java.util.List;

/**
 * A workload found in the cluster (Deployment, StatefulSet, DaemonSet, CronJob), and whether
 * Pave produced it.
 *
 * @param team from the workload's pave.dev/team label, else its namespace's, else null
 * @param health Healthy, Progressing or Degraded from its replica counts; null for a CronJob
 * @param ready ready against wanted replicas ("2/3"); null for a CronJob
 * @param owners its owner references, as "Kind/name"
 * @param image the first container's image, or null
 * @param port the first container's first port, or null
 */
public record Workload(String kind, String namespace, String name, String team,
    boolean managed, String health, String ready, List<String> owners, String image,
    Integer port) {

  public Workload(String kind, String namespace, String name, String team, boolean managed) {
    this(kind, namespace, name, team, managed, null, null, List.of(), null, null);
  }

  public Workload withTeam(String t) {
    return new Workload(kind, namespace, name, t, managed, health, ready, owners, image, port);
  }
}
