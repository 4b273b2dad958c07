package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A pod's log, exec, attach, portforward and proxy subresources. A real API server hands
 * these to the kubelet of the pod's node; here no kubelet and no container runtime stand
 * behind the nodes, so each answers at once with a Status that says so (kubectl prints it
 * and exits 1) instead of a route that does not exist or a connection left hanging. The
 * checks a real server makes first (the pod exists, the container is one of the pod's) come
 * first here too, with its messages.
 */
final class PodConnections {
  private static final List<String> SUBRESOURCES = List.of("log", "exec", "attach",
      "portforward", "proxy");

  private final Store store;

  PodConnections(Store store) {
    this.store = store;
  }

  /** The answer for a pod connection subresource, or null for any other request. */
  Response answer(Target t, Request r) {
    if (!t.type().group().isEmpty() || !t.type().plural().equals("pods")
        || t.subresource() == null || !SUBRESOURCES.contains(t.subresource())) {
      return null;
    }
    ObjectNode pod = store.get(t.key());
    if (pod == null) {
      throw ApiException.notFound(t.type(), t.name());
    }
    String node = pod.path("spec").path("nodeName").asText();
    if (node.isEmpty()) {
      // the real server's answer for a pod not yet scheduled
      throw ApiException.badRequest("pod " + t.name() + " does not have a host assigned");
    }
    String container = List.of("log", "exec", "attach").contains(t.subresource())
        ? container(pod, r.param("container"), t.name()) : null;
    String why = "the embedded API runs no kubelet or container runtime (node \"" + node
        + "\" is simulated)";
    throw ApiException.badRequest(switch (t.subresource()) {
      case "log" -> "container \"" + container + "\" in pod \"" + t.name()
          + "\" has no logs: " + why;
      case "exec" -> "cannot exec in container \"" + container + "\" of pod \"" + t.name()
          + "\": " + why;
      case "attach" -> "cannot attach to container \"" + container + "\" of pod \""
          + t.name() + "\": " + why;
      case "portforward" -> "cannot forward ports to pod \"" + t.name() + "\": " + why;
      default -> "cannot proxy to pod \"" + t.name() + "\": " + why;
    });
  }

  /** The container asked for, checked against the pod's, or the only one when none is. */
  private static String container(ObjectNode pod, String asked, String name) {
    List<String> names = new ArrayList<>();
    for (String list : List.of("containers", "initContainers", "ephemeralContainers")) {
      for (JsonNode c : pod.path("spec").path(list)) {
        names.add(c.path("name").asText());
      }
    }
    if (asked != null && !asked.isEmpty()) {
      if (!names.contains(asked)) {
        throw ApiException.badRequest("container " + asked + " is not valid for pod " + name);
      }
      return asked;
    }
    int regular = pod.path("spec").path("containers").size();
    if (regular == 1) {
      return names.get(0);
    }
    List<String> regularNames = names.subList(0, regular);
    throw ApiException.badRequest("a container name must be specified for pod " + name
        + ", choose one of: [" + String.join(" ", regularNames) + "]");
  }
}
