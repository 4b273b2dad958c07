package dev.pave.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the pod is in each workload kind, and its containers and volumes with their paths: the
 * index path to find positions, and the name path to show people.
 */
final class Pods {
  /** Kinds whose pod template is at spec.template. */
  static final List<String> TEMPLATE_KINDS = List.of("Deployment", "StatefulSet", "DaemonSet",
      "ReplicaSet", "Job", "ReplicationController");
  static final List<String> POD_KINDS = List.of("Pod", "Deployment", "StatefulSet", "DaemonSet",
      "ReplicaSet", "Job", "ReplicationController", "CronJob", "PodTemplate");
  static final List<String> CONTAINER_LISTS = List.of("initContainers", "containers",
      "ephemeralContainers");

  private Pods() {}

  /** An element of a pod that a rule is checked against. */
  record Element(String name, String indexPath, String namePath, Map<String, Object> value) {}

  /** The pod of an object: its spec, metadata and path, or null if it has none. */
  record Pod(String path, Map<String, Object> spec, Map<String, Object> metadata) {}

  static Pod of(Map<String, Object> object) {
    Object kind = object.get("kind");
    if ("Pod".equals(kind)) {
      return new Pod("spec", map(object.get("spec")), map(object.get("metadata")));
    }
    // List.of rejects a null lookup, and an object may lack its kind.
    if (kind instanceof String && TEMPLATE_KINDS.contains(kind)) {
      Map<String, Object> template = map(map(object.get("spec")).get("template"));
      return new Pod("spec.template.spec", map(template.get("spec")),
          map(template.get("metadata")));
    }
    if ("CronJob".equals(kind)) {
      Map<String, Object> template = map(map(map(map(object.get("spec")).get("jobTemplate"))
          .get("spec")).get("template"));
      return new Pod("spec.jobTemplate.spec.template.spec", map(template.get("spec")),
          map(template.get("metadata")));
    }
    if ("PodTemplate".equals(kind)) {
      Map<String, Object> template = map(object.get("template"));
      return new Pod("template.spec", map(template.get("spec")), map(template.get("metadata")));
    }
    return null;
  }

  static List<Element> containers(Pod pod) {
    List<Element> out = new ArrayList<>();
    for (String list : CONTAINER_LISTS) {
      if (pod.spec().get(list) instanceof List<?> items) {
        for (int i = 0; i < items.size(); i++) {
          Map<String, Object> c = map(items.get(i));
          String name = c.get("name") instanceof String s ? s : String.valueOf(i);
          out.add(new Element(name, pod.path() + "." + list + "[" + i + "]",
              pod.path() + "." + list + "[name=" + name + "]", c));
        }
      }
    }
    return out;
  }

  static List<Element> volumes(Pod pod) {
    List<Element> out = new ArrayList<>();
    if (pod.spec().get("volumes") instanceof List<?> items) {
      for (int i = 0; i < items.size(); i++) {
        Map<String, Object> v = map(items.get(i));
        String name = v.get("name") instanceof String s ? s : String.valueOf(i);
        out.add(new Element(name, pod.path() + ".volumes[" + i + "]",
            pod.path() + ".volumes[name=" + name + "]", v));
      }
    }
    return out;
  }

  /**
   * The path for people: list items that have a name are shown by name
   * (containers[name=api]) rather than by index.
   */
  static String namePath(String indexPath, Map<String, Object> object) {
    StringBuilder out = new StringBuilder();
    Object node = object;
    for (String part : indexPath.split("\\.")) {
      int bracket = part.indexOf('[');
      String key = bracket < 0 ? part : part.substring(0, bracket);
      if (out.length() > 0) {
        out.append('.');
      }
      out.append(key);
      node = map(node).get(key);
      while (bracket >= 0) {
        int close = part.indexOf(']', bracket);
        int index = Integer.parseInt(part.substring(bracket + 1, close));
        Object item = node instanceof List<?> l && index < l.size() ? l.get(index) : null;
        Object name = map(item).get("name");
        out.append('[').append(name instanceof String s ? "name=" + s : String.valueOf(index))
            .append(']');
        node = item;
        bracket = part.indexOf('[', close);
      }
    }
    return out.toString();
  }

  /** Whether an object's labels include every one of the required labels. */
  static boolean hasLabels(Map<String, Object> metadata, Map<String, String> required) {
    Map<String, Object> labels = map(metadata.get("labels"));
    for (Map.Entry<String, String> e : required.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
