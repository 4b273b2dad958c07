package dev.pave.schema;

import dev.pave.spec.Application;
import dev.pave.spec.Doc;
import dev.pave.spec.Environment;
import dev.pave.spec.Metadata;
import dev.pave.spec.Shape;
import dev.pave.spec.WireName;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Derives the published schemas from the spec records, the same records the reader binds: a
 * JSON Schema for editors, and the OpenAPI v3 schema of the CustomResourceDefinitions. Both are
 * plain maps; the shell writes them out.
 */
public final class SchemaGenerator {
  /** The two dialects differ only where Kubernetes requires a structural schema. */
  public enum Dialect {
    JSON_SCHEMA,
    KUBERNETES
  }

  private final Dialect dialect;
  private final Map<String, Object> defs = new LinkedHashMap<>();

  private SchemaGenerator(Dialect dialect) {
    this.dialect = dialect;
  }

  /** A JSON Schema (draft 2020-12) for a whole document of the given kind. */
  public static Map<String, Object> jsonSchema(Class<? extends Record> documentType, String id) {
    SchemaGenerator g = new SchemaGenerator(Dialect.JSON_SCHEMA);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.put("$id", id);
    String kind = documentType == Application.class ? Application.KIND : Environment.KIND;
    root.put("title", "Pave " + kind);
    Map<String, Object> body = g.record(documentType);
    @SuppressWarnings("unchecked")
    Map<String, Object> props = (Map<String, Object>) body.get("properties");
    props.put("apiVersion", Map.of("const", Application.API_VERSION));
    props.put("kind", Map.of("const", kind));
    root.putAll(body);
    root.put("$defs", g.defs);
    return root;
  }

  /** The openAPIV3Schema of a CRD whose spec is the given record. */
  public static Map<String, Object> crdSchema(Class<? extends Record> specType) {
    SchemaGenerator g = new SchemaGenerator(Dialect.KUBERNETES);
    Map<String, Object> spec = g.record(specType);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("type", "object");
    status.put("description", "Observed state, written by the Pave operator.");
    status.put("x-kubernetes-preserve-unknown-fields", true);
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("apiVersion", Map.of("type", "string"));
    props.put("kind", Map.of("type", "string"));
    props.put("metadata", Map.of("type", "object"));
    props.put("spec", spec);
    props.put("status", status);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("type", "object");
    root.put("properties", props);
    return root;
  }

  private Map<String, Object> record(Class<?> type) {
    Shape shape = Shape.of(type);
    Map<String, Object> props = new LinkedHashMap<>();
    List<String> required = new ArrayList<>();
    for (Shape.Field f : shape.fields().values()) {
      props.put(f.name(), field(f.type(), f.doc()));
      if (f.doc() != null && f.doc().required()) {
        required.add(f.name());
      }
    }
    Map<String, Object> obj = new LinkedHashMap<>();
    obj.put("type", "object");
    obj.put("properties", props);
    if (!required.isEmpty()) {
      obj.put("required", required);
    }
    if (dialect == Dialect.JSON_SCHEMA && type != Metadata.class) {
      obj.put("additionalProperties", false);
    }
    return obj;
  }

  private Map<String, Object> field(Type type, Doc doc) {
    Map<String, Object> s = schemaOf(type, doc);
    if (doc != null) {
      Map<String, Object> withDoc = new LinkedHashMap<>();
      withDoc.put("description", doc.value());
      withDoc.putAll(s);
      if (!doc.example().isEmpty() && !s.containsKey("$ref")) {
        // OpenAPI v3 (and so a CRD) has a single example; JSON Schema has a list.
        if (dialect == Dialect.KUBERNETES) {
          withDoc.put("example", doc.example());
        } else {
          withDoc.put("examples", List.of(doc.example()));
        }
      }
      return withDoc;
    }
    return s;
  }

  private Map<String, Object> schemaOf(Type type, Doc doc) {
    Map<String, Object> s = new LinkedHashMap<>();
    if (type instanceof ParameterizedType pt) {
      Class<?> raw = (Class<?>) pt.getRawType();
      if (raw == List.class) {
        s.put("type", "array");
        s.put("items", schemaOf(pt.getActualTypeArguments()[0], null));
      } else {
        s.put("type", "object");
        s.put("additionalProperties", schemaOf(pt.getActualTypeArguments()[1], null));
      }
      return s;
    }
    Class<?> cls = (Class<?>) type;
    if (cls == String.class) {
      s.put("type", "string");
      if (doc != null && !doc.pattern().isEmpty()) {
        s.put("pattern", doc.pattern());
      }
    } else if (cls == Integer.class) {
      s.put("type", "integer");
      if (doc != null && doc.min() != Long.MIN_VALUE) {
        s.put("minimum", doc.min());
      }
      if (doc != null && doc.max() != Long.MAX_VALUE) {
        s.put("maximum", doc.max());
      }
    } else if (cls == Boolean.class) {
      s.put("type", "boolean");
    } else if (cls.isEnum()) {
      s.put("type", "string");
      s.put("enum", Arrays.stream(cls.getEnumConstants()).map(e -> WireName.of((Enum<?>) e))
          .toList());
    } else if (cls.isRecord()) {
      return recordRef(cls);
    } else {
      throw new IllegalStateException("no schema for " + type);
    }
    return s;
  }

  private Map<String, Object> recordRef(Class<?> cls) {
    Shape shape = Shape.of(cls);
    Map<String, Object> object = record(cls);
    if (shape.shorthand() != null) {
      if (dialect == Dialect.KUBERNETES) {
        // A structural schema cannot say "a string or an object": keep the value as written
        // and leave the check to Pave's own validation at admission.
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("x-kubernetes-preserve-unknown-fields", true);
        s.put("description", "Either " + shape.shorthand().value() + ", or a mapping of "
            + String.join(", ", shape.fieldNames()) + ".");
        return s;
      }
      Map<String, Object> scalar = new LinkedHashMap<>();
      scalar.put("type", "string");
      scalar.put("description", shape.shorthand().value());
      object = new LinkedHashMap<>(Map.of("anyOf", List.of(scalar, object)));
    }
    if (dialect == Dialect.KUBERNETES) {
      return object;
    }
    String name = cls.getSimpleName();
    defs.putIfAbsent(name, object);
    return new LinkedHashMap<>(Map.of("$ref", "#/$defs/" + name));
  }
}
