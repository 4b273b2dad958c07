package dev.pave.spec;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a spec record as the reader and the schema generator see them, worked out once
 * per class. The records are the single source of the spec's shape.
 */
public final class Shape {
  private static final ClassValue<Shape> CACHE = new ClassValue<>() {
    @Override
    protected Shape computeValue(Class<?> type) {
      return new Shape(type);
    }
  };

  /** One field of a record. */
  public record Field(String name, Type type, Doc doc, int index) {}

  private final Class<?> type;
  private final Map<String, Field> fields;
  private final Constructor<?> constructor;
  private final Method shorthand;

  private Shape(Class<?> type) {
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type + " is not a record");
    }
    this.type = type;
    RecordComponent[] components = type.getRecordComponents();
    Map<String, Field> byName = new LinkedHashMap<>();
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      byName.put(c.getName(), new Field(c.getName(), c.getGenericType(),
          c.getAnnotation(Doc.class), i));
      types[i] = c.getType();
    }
    this.fields = Collections.unmodifiableMap(byName);
    try {
      this.constructor = type.getDeclaredConstructor(types);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("no canonical constructor on " + type, e);
    }
    Method found = null;
    for (Method m : type.getDeclaredMethods()) {
      if (m.isAnnotationPresent(Shorthand.class) && Modifier.isStatic(m.getModifiers())) {
        found = m;
      }
    }
    this.shorthand = found;
  }

  public static Shape of(Class<?> type) {
    return CACHE.get(type);
  }

  public Class<?> type() {
    return type;
  }

  public Map<String, Field> fields() {
    return fields;
  }

  public List<String> fieldNames() {
    return new ArrayList<>(fields.keySet());
  }

  /** The scalar shorthand this record accepts, or null. */
  public Shorthand shorthand() {
    return shorthand == null ? null : shorthand.getAnnotation(Shorthand.class);
  }

  Object parseShorthand(String text) {
    try {
      return shorthand.invoke(null, text);
    } catch (java.lang.reflect.InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean hasShorthand() {
    return shorthand != null;
  }

  Object construct(Object[] values) {
    try {
      return constructor.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + type.getSimpleName(), e);
    }
  }
}
