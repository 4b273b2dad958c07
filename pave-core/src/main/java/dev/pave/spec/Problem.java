package dev.pave.spec;

/**
 * One thing wrong with an input, pinned to where it is: the file, the 1-based line and column,
 * and the field path. Rendered like a compiler diagnostic so editors and CI logs link to it.
 */
public record Problem(String source, int line, int column, String path, String message) {

  public Problem {
    source = source == null ? "<input>" : source;
    path = path == null ? "" : path;
  }

  /** {@code pave.yaml:7:3: spec.replcas: unknown field; did you mean "replicas"?} */
  public String format() {
    String where = line > 0 ? source + ":" + line + ":" + column : source;
    return path.isEmpty() ? where + ": " + message : where + ": " + path + ": " + message;
  }

  @Override
  public String toString() {
    return format();
  }
}
