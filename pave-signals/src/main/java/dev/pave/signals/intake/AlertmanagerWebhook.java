package dev.pave.signals.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pave.signals.Ids;
import dev.pave.signals.Origin;
import dev.pave.signals.Severity;
import dev.pave.signals.Signal;
import dev.pave.signals.SignalType;
import dev.pave.signals.Status;
import dev.pave.signals.Subject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads an Alertmanager webhook notification (version 4) into one signal per alert. A group
 * can carry firing and resolved alerts together while its own status says firing, so each
 * alert's own status counts. Retries are byte-identical and carry no id, and HA peers send the
 * same alert each: the de-duplication key is group key + fingerprint + status + start.
 */
public final class AlertmanagerWebhook {
  private AlertmanagerWebhook() {}

  /** What one notification held. {@code truncated}: alerts Alertmanager left out (max_alerts). */
  public record Notification(String receiver, String groupKey, List<Signal> signals,
      int truncated) {}

  public static Notification parse(byte[] body) {
    JsonNode root = Json.read(body, "body");
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("expected a JSON object (an Alertmanager webhook"
          + " notification)");
    }
    String version = Json.text(root, "version");
    if (!"4".equals(version)) {
      throw new IllegalArgumentException("version: expected \"4\" (Alertmanager webhook"
          + " version 4), got "
          + (version == null ? "none" : "\"" + Json.shorten(version) + "\""));
    }
    JsonNode alerts = root.get("alerts");
    if (alerts == null || !alerts.isArray()) {
      throw new IllegalArgumentException("alerts: expected an array of alerts");
    }
    String receiver = Json.text(root, "receiver");
    String groupKey = Json.text(root, "groupKey");
    String externalUrl = Json.text(root, "externalURL");
    Map<String, String> commonAnnotations = Json.strings(root.get("commonAnnotations"));
    List<Signal> out = new ArrayList<>();
    for (int i = 0; i < alerts.size(); i++) {
      out.add(alert(alerts.get(i), "alerts[" + i + "]", receiver, groupKey, externalUrl,
          commonAnnotations));
    }
    JsonNode truncated = root.get("truncatedAlerts");
    return new Notification(receiver, groupKey, out,
        truncated == null ? 0 : truncated.asInt(0));
  }

  private static Signal alert(JsonNode a, String path, String receiver, String groupKey,
      String externalUrl, Map<String, String> commonAnnotations) {
    if (!a.isObject()) {
      throw new IllegalArgumentException(path + ": expected an alert object");
    }
    Map<String, String> labels = Json.strings(a.get("labels"));
    Map<String, String> annotations = new java.util.LinkedHashMap<>(commonAnnotations);
    annotations.putAll(Json.strings(a.get("annotations")));
    String statusText = Json.text(a, "status");
    Status status = switch (statusText == null ? "" : statusText) {
      case "firing" -> Status.FIRING;
      case "resolved" -> Status.RESOLVED;
      default -> throw new IllegalArgumentException(path + ".status: expected firing or"
          + " resolved, got " + (statusText == null ? "none" : "\"" + Json.shorten(statusText)
          + "\""));
    };
    String startsText = Json.text(a, "startsAt");
    Instant startsAt = Json.time(startsText, path + ".startsAt");
    Instant endsAt = Json.time(Json.text(a, "endsAt"), path + ".endsAt");
    if (startsAt == null) {
      throw new IllegalArgumentException(path + ".startsAt: missing");
    }
    String fingerprint = Json.text(a, "fingerprint");
    if (fingerprint == null || fingerprint.isEmpty()) {
      fingerprint = Ids.hash(16, new TreeMap<>(labels).toString());
    }
    String group = groupKey != null ? groupKey : "{}:{alertname=\"" + labels.get("alertname")
        + "\"}";
    String dedup = Json.dedupKey("am|" + group + "|" + fingerprint + "|" + status.wire() + "|"
        + startsText);
    String summary = first(annotations.get("summary"), annotations.get("description"),
        annotations.get("message"));
    Subject subject = subject(labels);
    return new Signal(Ids.signalId(dedup), SignalType.ALERT, status,
        Severity.parse(labels.get("severity")),
        status == Status.RESOLVED && endsAt != null ? endsAt : startsAt,
        first(labels.get("alertname"), "alert"), summary, labels, annotations, subject,
        new Origin.Alert(receiver, groupKey, fingerprint, startsAt, endsAt,
            Json.text(a, "generatorURL"), externalUrl),
        dedup, group);
  }

  private static Subject subject(Map<String, String> l) {
    String[][] kinds = {{"pod", "Pod"}, {"deployment", "Deployment"},
        {"statefulset", "StatefulSet"}, {"daemonset", "DaemonSet"}, {"job_name", "Job"},
        {"service", "Service"}, {"node", "Node"}};
    for (String[] k : kinds) {
      if (l.get(k[0]) != null) {
        return new Subject(l.get("cluster"), l.get("namespace"), k[1], l.get(k[0]));
      }
    }
    return new Subject(l.get("cluster"), l.get("namespace"), "", "");
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }
}
