package dev.pave.cluster;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code fieldValidation} query parameter: unknown fields and duplicate JSON keys are
 * refused (Strict), reported as warnings (Warn, the default) or passed over (Ignore); unknown
 * fields are dropped in every mode, as decoding into the real server's types drops them. The
 * known fields of built-in kinds are read from fabric8's model classes; custom resources' from
 * their CRD's schema ({@link CustomSchema}).
 */
final class FieldValidation {
  private static final String SERVICES =
      "META-INF/services/io.fabric8.kubernetes.api.model.KubernetesResource";
  private static final List<String> MODES = List.of("Ignore", "Warn", "Strict");

  /** Model class names by simple name, read once from the model jars' service files. */
  private static volatile Map<String, List<String>> classNames;
  private static final Map<String, Optional<Class<?>>> KINDS = new ConcurrentHashMap<>();
  private static final Map<Class<?>, Map<String, Type>> PROPERTIES = new ConcurrentHashMap<>();

  private FieldValidation() {}

  /**
   * Checks a decoded request body; drops unknown fields from {@code o}, adds warnings or
   * throws 400 as the request's mode says.
   */
  static void apply(Store store, ResourceType t, Request r, ObjectNode o,
      List<String> warnings) {
    String mode = mode(r);
    List<String> problems = new ArrayList<>();
    if (!r.contentType().contains("yaml")) {
      for (String d : duplicates(r.body())) {
        problems.add("duplicate field \"" + d + "\"");
      }
    }
    for (String u : unknownFields(store, t, o)) {
      problems.add("unknown field \"" + u + "\"");
    }
    if (problems.isEmpty() || mode.equals("Ignore")) {
      return;
    }
    if (mode.equals("Strict")) {
      throw ApiException.badRequest(t.kind() + " in version \"" + t.version()
          + "\" cannot be handled as a " + t.kind() + ": strict decoding error: "
          + String.join(", ", problems));
    }
    warnings.addAll(problems);
  }

  private static String mode(Request r) {
    String mode = r.param("fieldValidation");
    if (mode == null || mode.isEmpty()) {
      return "Warn";
    }
    if (!MODES.contains(mode)) {
      String options = switch (r.method()) {
        case "POST" -> "CreateOptions";
        case "PUT" -> "UpdateOptions";
        default -> "PatchOptions";
      };
      throw ApiException.invalid("meta.k8s.io", options, "", List.of(
          BuiltInStrategy.notSupported("fieldValidation", mode, MODES)));
    }
    return mode;
  }

  /** Removes the fields a kind does not know from {@code o}; answers their paths. */
  static List<String> unknownFields(Store store, ResourceType t, ObjectNode o) {
    List<String> unknown = new ArrayList<>();
    if (t.custom()) {
      if (o.get("metadata") instanceof ObjectNode meta) {
        walk(meta, ObjectMeta.class, "metadata", unknown);
      }
      unknown.addAll(CustomSchema.prune(store, t, o));
      return unknown;
    }
    Class<?> model = model(t).orElse(null);
    if (model != null) {
      walk(o, model, "", unknown);
    }
    return unknown;
  }

  // ---- the known fields of built-in kinds ----

  private static Optional<Class<?>> model(ResourceType t) {
    return KINDS.computeIfAbsent(t.apiVersion() + "/" + t.kind(), k -> find(t));
  }

  private static Optional<Class<?>> find(ResourceType t) {
    for (String name : classNames().getOrDefault(t.kind(), List.of())) {
      try {
        Class<?> c = Class.forName(name, false, FieldValidation.class.getClassLoader());
        Group g = c.getAnnotation(Group.class);
        Version v = c.getAnnotation(Version.class);
        String group = g == null ? "" : g.value();
        if (group.equals(t.group()) && v != null && v.value().equals(t.version())) {
          return Optional.of(c);
        }
      } catch (ClassNotFoundException | LinkageError e) {
        // a model jar that is not on the class path: the kind is not checked
      }
    }
    return Optional.empty();
  }

  private static Map<String, List<String>> classNames() {
    Map<String, List<String>> names = classNames;
    if (names != null) {
      return names;
    }
    names = new HashMap<>();
    try {
      Enumeration<URL> files = FieldValidation.class.getClassLoader().getResources(SERVICES);
      while (files.hasMoreElements()) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
            files.nextElement().openStream(), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) {
              continue;
            }
            String simple = name.substring(name.lastIndexOf('.') + 1);
            names.computeIfAbsent(simple, k -> new ArrayList<>()).add(name);
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the Kubernetes model's kinds", e);
    }
    classNames = names;
    return names;
  }

  /** Walks a value against the model type it decodes into, collecting and dropping unknowns. */
  private static void walk(JsonNode n, Type type, String path, List<String> unknown) {
    Class<?> raw = raw(type);
    if (raw == null) {
      return;
    }
    if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
      Type element = raw.isArray() ? raw.getComponentType() : argument(type, 0);
      int i = 0;
      for (JsonNode e : n) {
        walk(e, element, path + "[" + i++ + "]", unknown);
      }
      return;
    }
    if (Map.class.isAssignableFrom(raw)) {
      Type value = argument(type, 1);
      if (n.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          walk(e.getValue(), value, join(path, e.getKey()), unknown);
        }
      }
      return;
    }
    if (!(n instanceof ObjectNode object)) {
      return;
    }
    Map<String, Type> known = properties(raw);
    if (known.isEmpty()) {
      return; // free-form (FieldsV1, raw extensions, custom deserializers)
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Type t = known.get(e.getKey());
      if (t == null) {
        unknown.add(join(path, e.getKey()));
        it.remove();
      } else {
        walk(e.getValue(), t, join(path, e.getKey()), unknown);
      }
    }
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
      return c;
    }
    return null;
  }

  private static Type argument(Type type, int i) {
    if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > i) {
      return p.getActualTypeArguments()[i];
    }
    return Object.class;
  }

  /** A model class's JSON properties; empty for anything decoded another way. */
  private static Map<String, Type> properties(Class<?> c) {
    return PROPERTIES.computeIfAbsent(c, FieldValidation::read);
  }

  private static Map<String, Type> read(Class<?> c) {
    if (!KubernetesResource.class.isAssignableFrom(c) || c.isInterface()
        || Modifier.isAbstract(c.getModifiers())) {
      return Map.of();
    }
    JsonDeserialize custom = c.getAnnotation(JsonDeserialize.class);
    if (custom != null && custom.using() != JsonDeserializer.None.class) {
      return Map.of();
    }
    Map<String, Type> props = new LinkedHashMap<>();
    for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        JsonProperty p = f.getAnnotation(JsonProperty.class);
        if (p == null || f.isAnnotationPresent(JsonIgnore.class)
            || Modifier.isStatic(f.getModifiers())) {
          continue;
        }
        props.putIfAbsent(p.value().isEmpty() ? f.getName() : p.value(), f.getGenericType());
      }
    }
    return props;
  }

  // ---- duplicate keys ----

  /** The paths of keys that appear twice in one JSON object of the body, in order met. */
  static List<String> duplicates(byte[] body) {
    List<String> found = new ArrayList<>();
    if (body == null || body.length == 0) {
      return found;
    }
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
      Deque<Frame> stack = new ArrayDeque<>();
      String field = null;
      for (JsonToken tok = p.nextToken(); tok != null; tok = p.nextToken()) {
        switch (tok) {
          case FIELD_NAME -> {
            field = p.currentName();
            Frame f = stack.peek();
            if (f != null && !f.keys.add(field)) {
              found.add(join(f.path, field));
            }
          }
          case START_OBJECT, START_ARRAY -> {
            stack.push(new Frame(childPath(stack.peek(), field),
                tok == JsonToken.START_ARRAY));
            field = null;
          }
          case END_OBJECT, END_ARRAY -> {
            stack.pop();
            Frame parent = stack.peek();
            if (parent != null && parent.array) {
              parent.index++;
            }
          }
          default -> {
            Frame f = stack.peek();
            if (f != null && f.array) {
              f.index++;
            }
          }
        }
      }
    } catch (IOException e) {
      return List.of(); // the decoder reports what is unreadable
    }
    return found;
  }

  private static String childPath(Frame parent, String field) {
    if (parent == null) {
      return "";
    }
    return parent.array ? parent.path + "[" + parent.index + "]" : join(parent.path, field);
  }

  private static final class Frame {
    final String path;
    final boolean array;
    final Set<String> keys = new HashSet<>();
    int index;

    Frame(String path, boolean array) {
      this.path = path;
      this.array = array;
    }
  }
}
