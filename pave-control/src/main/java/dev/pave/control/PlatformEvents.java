package dev.pave.control;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the operator tells the rest of the platform: core/v1 Events on the Application, from
 * component {@code pave-operator}, with the application, environment, revision and who changed
 * it as annotations. Anything that watches Events (kubectl, the signals pipeline) reads them;
 * the reasons are the contract and are listed in docs/operator.md.
 */
public final class PlatformEvents {
  public static final String COMPONENT = "pave-operator";
  public static final String APP = "pave.dev/app";
  public static final String ENVIRONMENT = "pave.dev/environment";
  public static final String REVISION = "pave.dev/revision";
  public static final String CHANGED_BY = "pave.dev/changed-by";

  /** Why an event was emitted; the name is the Event's reason. */
  public enum Reason {
    RevisionRecorded(false),
    RolloutAvailable(false),
    RolloutFailed(true),
    AutoRolledBack(true),
    RolledBack(true),
    DriftDetected(true),
    DriftCorrected(true),
    InvalidSpec(true),
    ApiNotServed(true),
    AdmissionDenied(true),
    ExceptionUsed(false);

    final boolean warning;

    Reason(boolean warning) {
      this.warning = warning;
    }
  }

  private final KubernetesClient client;
  private final Clock clock;

  public PlatformEvents(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /**
   * An admission decision as an Event on the object that was sent, in its namespace: the app
   * and environment come from its identity labels, when it has them.
   */
  @SuppressWarnings("unchecked")
  public void emitAdmission(Map<String, Object> request, Reason reason, String message) {
    Map<String, Object> object = request.get("object") instanceof Map<?, ?> m
        ? (Map<String, Object>) m : Map.of();
    Map<String, Object> meta = object.get("metadata") instanceof Map<?, ?> m
        ? (Map<String, Object>) m : Map.of();
    Map<String, Object> labels = meta.get("labels") instanceof Map<?, ?> m
        ? (Map<String, Object>) m : Map.of();
    String namespace = String.valueOf(request.getOrDefault("namespace", "default"));
    String name = String.valueOf(meta.getOrDefault("name", meta.getOrDefault("generateName",
        "unnamed")));
    Map<String, String> annotations = new LinkedHashMap<>();
    Object app = labels.getOrDefault(dev.pave.identity.Identity.NAME, null);
    if (app != null) {
      annotations.put(APP, String.valueOf(app));
    }
    Object env = labels.get(dev.pave.identity.Identity.ENVIRONMENT);
    if (env != null) {
      annotations.put(ENVIRONMENT, String.valueOf(env));
    }
    if (request.get("userInfo") instanceof Map<?, ?> u && u.get("username") != null) {
      annotations.put(CHANGED_BY, String.valueOf(u.get("username")));
    }
    String now = clock.instant().toString();
    Event e = new EventBuilder()
        .withNewMetadata().withGenerateName(name + ".").withNamespace(namespace)
        .withAnnotations(annotations).endMetadata()
        .withNewInvolvedObject().withApiVersion(String.valueOf(object.getOrDefault("apiVersion",
            "v1"))).withKind(String.valueOf(object.getOrDefault("kind", "")))
        .withName(name).withNamespace(namespace).endInvolvedObject()
        .withReason(reason.name()).withMessage(message.length() > 1024
            ? message.substring(0, 1021) + "..." : message)
        .withType(reason.warning ? "Warning" : "Normal")
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1).build();
    try {
      client.v1().events().inNamespace(namespace).resource(e).create();
    } catch (KubernetesClientException ex) {
      // Best effort, as above.
    }
  }

  /** Emits one event; an event that cannot be written never undoes what it reports. */
  public void emit(ApplicationResource app, String environment, Reason reason, String message,
      Integer revision, String changedBy) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(APP, app.getMetadata().getName());
    annotations.put(ENVIRONMENT, environment);
    if (revision != null && revision > 0) {
      annotations.put(REVISION, String.valueOf(revision));
    }
    if (changedBy != null) {
      annotations.put(CHANGED_BY, changedBy);
    }
    String now = clock.instant().toString();
    Event e = new EventBuilder()
        .withNewMetadata().withGenerateName(app.getMetadata().getName() + ".")
        .withNamespace(app.getMetadata().getNamespace()).withAnnotations(annotations)
        .endMetadata()
        .withNewInvolvedObject().withApiVersion("pave.dev/v1alpha1").withKind("Application")
        .withName(app.getMetadata().getName()).withNamespace(app.getMetadata().getNamespace())
        .withUid(app.getMetadata().getUid()).endInvolvedObject()
        .withReason(reason.name()).withMessage(StatusText.oneLine(message, 1024))
        .withType(reason.warning ? "Warning" : "Normal")
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1).build();
    try {
      client.v1().events().inNamespace(app.getMetadata().getNamespace()).resource(e).create();
    } catch (KubernetesClientException ex) {
      // Best effort by design: the status and the revision are the record, the event a signal.
    }
  }
}
