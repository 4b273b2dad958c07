package dev.pave.signals;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One thing that happened, in the canonical form every intake produces and every sink reads:
 * an alert, a Kubernetes event, a deploy, a rollback, a drift record or a policy decision.
 *
 * @param id stable identifier derived from {@code dedupKey}: a retried or duplicated signal
 *     gets the same id, so downstream receivers can de-duplicate too
 * @param dedupKey what makes two deliveries of the same signal equal (for Alertmanager: group
 *     key, fingerprint, status and start, since retries carry no idempotency id)
 * @param group what the incident is grouped by, before application and environment are known
 *     (the Alertmanager group key, an event reason and object); null when the signal opens no
 *     incident
 */
public record Signal(String id, SignalType type, Status status, Severity severity, Instant time,
    String title, String summary, Map<String, String> labels, Map<String, String> annotations,
    Subject subject, Origin origin, String dedupKey, String group) {

  public Signal {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(time, "time");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    subject = subject == null ? Subject.NONE : subject;
    title = title == null ? "" : title;
    summary = summary == null ? "" : summary;
  }

  /** A label or annotation value, labels first; null when neither has it. */
  public String attribute(String key) {
    String v = labels.get(key);
    return v != null ? v : annotations.get(key);
  }

  /** Whether the signal takes part in an incident (firing or resolving something). */
  public boolean opensIncident() {
    return group != null && status != Status.INFO;
  }
}
