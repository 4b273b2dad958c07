package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scheduler's events: when a pod is found unschedulable, kube-scheduler records a Warning
 * FailedScheduling event through events.k8s.io/v1 (reportingController default-scheduler,
 * action Scheduling, the PodScheduled condition's message as its note), which clients list
 * with a field selector on the pod. One event per pod and message: the scheduler's backoff
 * makes repeats rare, and a replay of a recorded cluster shows one.
 */
final class SchedulerEvents extends Controller {
  private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern(
      "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  SchedulerEvents() {
    super("scheduler-events");
  }

  @Override
  boolean wants(Store.Event e) {
    return !e.type().equals("DELETED") && e.key().startsWith("/pods/")
        && unschedulable(e.object()) != null;
  }

  @Override
  void handle(Store.Event e) {
    ObjectNode pod = e.object();
    String message = unschedulable(pod);
    JsonNode meta = pod.path("metadata");
    if (message == null || meta.hasNonNull("deletionTimestamp")
        || !reported.add(meta.path("uid").asText() + "/" + message)) {
      return;
    }
    String ns = meta.path("namespace").asText();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    ObjectNode event = Json.object();
    event.put("apiVersion", "events.k8s.io/v1").put("kind", "Event");
    // named as client-go's recorder names events: the object's name and a hex timestamp
    event.putObject("metadata").put("name", meta.path("name").asText() + "."
        + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano()))
        .put("namespace", ns);
    event.put("eventTime", MICRO.format(now));
    event.put("reportingController", "default-scheduler");
    event.put("reportingInstance", "default-scheduler-" + host());
    event.put("action", "Scheduling");
    event.put("reason", "FailedScheduling");
    event.putObject("regarding").put("kind", "Pod").put("namespace", ns)
        .put("name", meta.path("name").asText()).put("uid", meta.path("uid").asText())
        .put("apiVersion", "v1").put("resourceVersion", meta.path("resourceVersion").asText());
    event.put("note", message);
    event.put("type", "Warning");
    try {
      cluster.internalWrite("POST", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events",
          event);
    } catch (RuntimeException ex) {
      // An event that cannot be recorded (namespace terminating) does not matter to the pod.
      System.getLogger("scheduler-events").log(System.Logger.Level.DEBUG,
          "event not recorded", ex);
    }
  }

  /** The message of the pod's PodScheduled=False Unschedulable condition, or null. */
  private static String unschedulable(ObjectNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (c.path("type").asText().equals("PodScheduled")
          && c.path("status").asText().equals("False")
          && c.path("reason").asText().equals("Unschedulable")) {
        return c.path("message").asText();
      }
    }
    return null;
  }

  private static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException ex) {
      return "localhost";
    }
  }
}
