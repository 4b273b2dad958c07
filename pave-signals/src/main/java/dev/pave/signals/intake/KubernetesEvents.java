package dev.pave.signals.intake;

import dev.pave.signals.Ids;
import dev.pave.signals.Origin;
import dev.pave.signals.Severity;
import dev.pave.signals.Signal;
import dev.pave.signals.SignalType;
import dev.pave.signals.Status;
import dev.pave.signals.Subject;
import dev.pave.signals.store.StorableText;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns core/v1 Events into signals. Events the Pave operator emits on Applications
 * ({@code source.component} or {@code reportingComponent} = pave-operator, one of the reasons
 * below, annotations {@code pave.dev/app}, {@code pave.dev/environment}, {@code pave.dev/revision},
 * {@code pave.dev/changed-by}) become platform signals: deploys, rollouts, rollbacks, drift and
 * policy decisions. Every other Event is a Kubernetes event of its namespace.
 */
public final class KubernetesEvents {
  public static final String OPERATOR = "pave-operator";
  public static final String APP = "pave.dev/app";
  public static final String ENVIRONMENT = "pave.dev/environment";
  public static final String REVISION = "pave.dev/revision";
  public static final String CHANGED_BY = "pave.dev/changed-by";
  public static final String SOURCE_COMMIT_TIME = "pave.dev/source-commit-time";

  /** The operator's reasons, the signal type each stands for and how severe it is. */
  public static final Map<String, Object[]> PLATFORM_REASONS = Map.of(
      "RevisionRecorded", new Object[] {SignalType.DEPLOY, Severity.INFO},
      "RolloutAvailable", new Object[] {SignalType.ROLLOUT, Severity.INFO},
      "RolloutFailed", new Object[] {SignalType.ROLLOUT, Severity.HIGH},
      "AutoRolledBack", new Object[] {SignalType.ROLLBACK, Severity.HIGH},
      "RolledBack", new Object[] {SignalType.ROLLBACK, Severity.MEDIUM},
      "DriftDetected", new Object[] {SignalType.DRIFT, Severity.MEDIUM},
      "DriftCorrected", new Object[] {SignalType.DRIFT, Severity.LOW},
      "AdmissionDenied", new Object[] {SignalType.POLICY, Severity.MEDIUM},
      "ExceptionUsed", new Object[] {SignalType.POLICY, Severity.LOW});

  private KubernetesEvents() {}

  public static Signal toSignal(Event e, String cluster, Instant received) {
    var meta = e.getMetadata();
    cluster = t(cluster);
    // Event text is whatever a controller wrote; the journal cannot hold every string.
    Map<String, String> annotations = new LinkedHashMap<>();
    if (meta.getAnnotations() != null) {
      meta.getAnnotations().forEach((k, v) -> annotations.put(t(k), t(v)));
    }
    String reason = t(e.getReason());
    String message = t(e.getMessage());
    String eventType = t(e.getType());
    String uid = t(meta.getUid());
    String component = e.getReportingComponent() != null && !e.getReportingComponent().isEmpty()
        ? t(e.getReportingComponent())
        : e.getSource() == null ? null : t(e.getSource().getComponent());
    var involved = e.getInvolvedObject();
    String namespace = t(involved != null && involved.getNamespace() != null
        ? involved.getNamespace() : meta.getNamespace());
    String involvedName = involved == null ? null : t(involved.getName());
    Subject subject = new Subject(cluster, namespace, involved == null ? "" : t(involved.getKind()),
        involved == null ? "" : involvedName);
    Instant time = time(e, received);
    int count = e.getCount() == null ? 1 : e.getCount();
    if (e.getSeries() != null && e.getSeries().getCount() != null) {
      count = e.getSeries().getCount();
    }
    String dedup = Json.dedupKey("k8s|" + cluster + "|" + uid + "|" + count + "|" + time);
    Map<String, String> labels = new LinkedHashMap<>();
    if (cluster != null) {
      labels.put("cluster", cluster);
    }
    if (namespace != null) {
      labels.put("namespace", namespace);
    }
    labels.put("reason", String.valueOf(reason));
    Object[] platform = reason == null ? null : PLATFORM_REASONS.get(reason);
    if (OPERATOR.equals(component) && platform != null) {
      String app = annotations.get(APP);
      String env = annotations.get(ENVIRONMENT);
      if (app == null && involved != null) {
        app = involvedName;
      }
      if (app != null) {
        labels.put(APP, app);
      }
      if (env != null) {
        labels.put(ENVIRONMENT, env);
      }
      Integer revision = null;
      String rev = annotations.get(REVISION);
      if (rev != null && rev.matches("\\d{1,9}")) {
        revision = Integer.parseInt(rev);
        labels.put(REVISION, rev);
      }
      // Lead time for changes needs when the commit was made, where the deploy knew it.
      String commitTime = annotations.get(SOURCE_COMMIT_TIME);
      if (commitTime != null) {
        labels.put(SOURCE_COMMIT_TIME, commitTime);
      }
      String changedBy = annotations.get(CHANGED_BY);
      if (changedBy != null) {
        labels.put(CHANGED_BY, changedBy);
      }
      return new Signal(Ids.signalId(dedup), (SignalType) platform[0], Status.INFO,
          (Severity) platform[1], time, reason, message, labels, Map.of(),
          subject, new Origin.Platform(reason, revision, changedBy), dedup, null);
    }
    boolean warning = "Warning".equals(eventType);
    return new Signal(Ids.signalId(dedup), SignalType.KUBERNETES_EVENT, Status.INFO,
        warning ? Severity.MEDIUM : Severity.INFO, time, reason, message, labels,
        Map.of(), subject, new Origin.KubernetesEvent(uid, reason, component,
            eventType, count), dedup, null);
  }

  private static String t(String s) {
    return StorableText.escape(s);
  }

  private static Instant time(Event e, Instant received) {
    for (String t : new String[] {
        e.getSeries() != null && e.getSeries().getLastObservedTime() != null
            ? e.getSeries().getLastObservedTime().getTime() : null,
        e.getLastTimestamp(),
        e.getEventTime() == null ? null : e.getEventTime().getTime(),
        e.getFirstTimestamp()}) {
      if (t != null && !t.isEmpty()) {
        try {
          return java.time.OffsetDateTime.parse(t).toInstant();
        } catch (java.time.format.DateTimeParseException ignored) {
          // MicroTime with unusual precision: try the next field
        }
      }
    }
    return received;
  }
}
