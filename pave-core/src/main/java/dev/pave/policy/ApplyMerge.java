package dev.pave.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Server-side apply's merge of an apply configuration into an object, as a
 * MutatingAdmissionPolicy's ApplyConfiguration mutation merges: maps merge field by field, lists
 * of listType map merge item by item on their keys, sets unite, every other list is atomic and
 * replaced. Built-in lists' types follow Kubernetes' tags (the same table as the embedded API's).
 */
final class ApplyMerge {
  private ApplyMerge() {}

  /** A keyed list: the suffix of its path ({@code []} for any item) and its item keys. */
  private record Keyed(String suffix, List<String> keys, Map<String, Object> defaults) {}

  private static final List<Keyed> MAP_LISTS = List.of(
      new Keyed("containers", List.of("name"), Map.of()),
      new Keyed("initContainers", List.of("name"), Map.of()),
      new Keyed("ephemeralContainers", List.of("name"), Map.of()),
      new Keyed("containers[].ports", List.of("containerPort", "protocol"),
          Map.of("protocol", "TCP")),
      new Keyed("containers[].env", List.of("name"), Map.of()),
      new Keyed("containers[].volumeMounts", List.of("mountPath"), Map.of()),
      new Keyed("containers[].volumeDevices", List.of("devicePath"), Map.of()),
      new Keyed("volumes", List.of("name"), Map.of()),
      new Keyed("imagePullSecrets", List.of("name"), Map.of()),
      new Keyed("hostAliases", List.of("ip"), Map.of()),
      new Keyed("topologySpreadConstraints", List.of("topologyKey", "whenUnsatisfiable"),
          Map.of()),
      new Keyed("resourceClaims", List.of("name"), Map.of()),
      new Keyed("schedulingGates", List.of("name"), Map.of()),
      new Keyed("conditions", List.of("type"), Map.of()),
      new Keyed("ownerReferences", List.of("uid"), Map.of()));

  private static final java.util.Set<String> SETS = java.util.Set.of("finalizers");

  /** The object with the configuration merged in; neither argument is changed. */
  static Map<String, Object> merge(Map<String, Object> object, Map<String, Object> config) {
    String kind = object.get("kind") instanceof String k ? k : "";
    return mergeMap(object, config, "", kind);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mergeMap(Map<String, Object> into, Map<String, Object> from,
      String path, String kind) {
    Map<String, Object> out = new LinkedHashMap<>(into);
    for (Map.Entry<String, Object> e : from.entrySet()) {
      String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      Object mine = out.get(e.getKey());
      Object theirs = e.getValue();
      if (theirs == null) {
        out.remove(e.getKey());
      } else if (mine instanceof Map<?, ?> m && theirs instanceof Map<?, ?> t) {
        out.put(e.getKey(), mergeMap((Map<String, Object>) m, (Map<String, Object>) t, p, kind));
      } else if (mine instanceof List<?> m && theirs instanceof List<?> t) {
        out.put(e.getKey(), mergeList((List<Object>) m, (List<Object>) t, p, kind));
      } else {
        out.put(e.getKey(), dev.pave.source.Trees.copy(theirs));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> mergeList(List<Object> into, List<Object> from, String path,
      String kind) {
    if (SETS.contains(last(path))) {
      List<Object> out = new ArrayList<>(into);
      from.stream().filter(v -> !out.contains(v)).forEach(out::add);
      return out;
    }
    Keyed keyed = keyed(path, kind);
    if (keyed == null) {
      return new ArrayList<>(from);
    }
    List<Object> out = new ArrayList<>(into);
    for (Object item : from) {
      if (!(item instanceof Map<?, ?> t)) {
        out.add(item);
        continue;
      }
      int at = -1;
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i) instanceof Map<?, ?> m && sameKey(keyed, (Map<String, Object>) m,
            (Map<String, Object>) t)) {
          at = i;
          break;
        }
      }
      if (at < 0) {
        out.add(item);
      } else {
        out.set(at, mergeMap((Map<String, Object>) out.get(at), (Map<String, Object>) t,
            path + "[]", kind));
      }
    }
    return out;
  }

  private static boolean sameKey(Keyed keyed, Map<String, Object> a, Map<String, Object> b) {
    for (String k : keyed.keys()) {
      Object x = a.getOrDefault(k, keyed.defaults().get(k));
      Object y = b.getOrDefault(k, keyed.defaults().get(k));
      if (!java.util.Objects.equals(normal(x), normal(y))) {
        return false;
      }
    }
    return true;
  }

  /** 8080 read from YAML and 8080 made by CEL are the same key. */
  private static Object normal(Object v) {
    return v instanceof Number n && !(v instanceof Double) ? n.longValue() : v;
  }

  private static Keyed keyed(String path, String kind) {
    if (kind.equals("Service") && path.equals("spec.ports")) {
      return new Keyed("spec.ports", List.of("port", "protocol"), Map.of("protocol", "TCP"));
    }
    for (Keyed k : MAP_LISTS) {
      String suffix = k.suffix().replace("containers[]", "*[]");
      String generic = path.replaceAll("(initContainers|ephemeralContainers|containers)\\[\\]",
          "*[]");
      if (generic.equals(suffix) || generic.endsWith("." + suffix)) {
        return k;
      }
    }
    return null;
  }

  private static String last(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }
}
