package dev.pave.console.catalog;

/**
 * A workload found in the cluster (Deployment, StatefulSet, DaemonSet, CronJob), and whether
 * Pave produced it.
 *
 * @param team from the workload's pave.dev/team label, else its namespace's, else null
 */
public record Workload(String kind, String namespace, String name, String team,
    boolean managed) {}
