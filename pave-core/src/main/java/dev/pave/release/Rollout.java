package dev.pave.release;

import java.util.List;
import java.util.Map;

/**
 * Where a Deployment's rollout stands, read from its status as the Deployment controller
 * writes it: still progressing, available, or failed once its progress deadline passed.
 */
public record Rollout(Phase phase, String reason, String message) {

  /** Rollout phases shown on the Application. */
  public enum Phase {
    PROGRESSING,
    AVAILABLE,
    DEGRADED,
    FAILED
  }

  @SuppressWarnings("unchecked")
  public static Rollout of(Map<String, Object> deployment) {
    Map<String, Object> meta = map(deployment.get("metadata"));
    Map<String, Object> spec = map(deployment.get("spec"));
    Map<String, Object> status = map(deployment.get("status"));
    long generation = number(meta.get("generation"), 0);
    long observed = number(status.get("observedGeneration"), -1);
    long wanted = number(spec.get("replicas"), 1);
    long updated = number(status.get("updatedReplicas"), 0);
    long available = number(status.get("availableReplicas"), 0);
    long total = number(status.get("replicas"), 0);
    if (observed < generation) {
      return new Rollout(Phase.PROGRESSING, "Pending",
          "The Deployment controller has not yet seen generation " + generation + ".");
    }
    for (Object c : status.get("conditions") instanceof List<?> l ? l : List.of()) {
      Map<String, Object> cond = map(c);
      if ("Progressing".equals(cond.get("type")) && "False".equals(cond.get("status"))
          && "ProgressDeadlineExceeded".equals(cond.get("reason"))) {
        return new Rollout(Phase.FAILED, "ProgressDeadlineExceeded",
            "The rollout made no progress within its deadline: " + updated + " of " + wanted
                + " replicas updated, " + available + " available."
                + (cond.get("message") instanceof String m ? " " + m : ""));
      }
    }
    if (updated >= wanted && available >= wanted && total <= wanted) {
      return new Rollout(Phase.AVAILABLE, "RolloutComplete",
          "All " + wanted + " replicas run the current revision and are available.");
    }
    if (updated >= wanted && available < wanted) {
      return new Rollout(Phase.DEGRADED, "ReplicasUnavailable",
          available + " of " + wanted + " replicas are available.");
    }
    return new Rollout(Phase.PROGRESSING, "RollingOut",
        updated + " of " + wanted + " replicas updated, " + available + " available.");
  }

  private static long number(Object o, long fallback) {
    return o instanceof Number n ? n.longValue() : fallback;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
