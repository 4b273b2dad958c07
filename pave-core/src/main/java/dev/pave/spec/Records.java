package dev.pave.spec;

/** Field-by-field overlay of spec records. */
public final class Records {
  private Records() {}

  /**
   * Binds one YAML document to a spec-style record, with the same positioned, all-at-once
   * problems as {@link SpecReader}. Returns null when the document did not bind.
   */
  public static <T> T bind(Class<T> type, org.yaml.snakeyaml.nodes.Node node, SourceMap positions,
      java.util.List<Problem> problems, int lineOffset) {
    return new Binder(positions, problems, lineOffset).bindRecord(type, node, "");
  }

  /** A copy of base where every non-null field of top wins. Either may be null. */
  public static <T extends Record> T overlay(T base, T top) {
    if (base == null) {
      return top;
    }
    if (top == null) {
      return base;
    }
    Shape shape = Shape.of(base.getClass());
    Object[] values = new Object[shape.fields().size()];
    try {
      for (java.lang.reflect.RecordComponent c : base.getClass().getRecordComponents()) {
        int i = shape.fields().get(c.getName()).index();
        Object t = c.getAccessor().invoke(top);
        values[i] = t != null ? t : c.getAccessor().invoke(base);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    @SuppressWarnings("unchecked")
    T result = (T) shape.construct(values);
    return result;
  }
}
