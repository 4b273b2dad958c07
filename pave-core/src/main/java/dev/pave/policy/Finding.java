package dev.pave.policy;

import dev.pave.spec.Position;
import java.util.List;
import java.util.Map;

/**
 * One rule that one object breaks, with every offending element. The message follows Pod
 * Security Admission's style: a fixed reason, then a detail naming the elements.
 */
public record Finding(String ruleId, Severity severity, String title, String kind,
    String namespace, String name, String source, String message, String rationale,
    List<String> controls, List<Violation> violations, Status status, Excepted excepted) {

  /** The outcome for this rule and object. */
  public enum Status {
    /** The object breaks the rule. */
    FAILED,
    /** The object breaks the rule, but an unexpired exception covers it. */
    EXCEPTED,
    /** The rule could not be evaluated; failing closed reports it like a failure. */
    ERROR
  }

  /** Who excepted the finding and until when. */
  public record Excepted(String exception, String owner, String reason, String ticket,
      String expiresAt) {}

  /**
   * One offending element: where it is and how to fix it.
   *
   * @param element container or volume name, or null for the object or pod as a whole
   * @param path field path with names, e.g. spec.template.spec.containers[name=api].image
   * @param position line and column of that field (or of its closest written parent)
   * @param patch RFC 6902 operations against the whole object
   * @param fixedValue the element (or the changed fields) after the patch, as YAML
   */
  public record Violation(String element, String path, Position position,
      List<Map<String, Object>> patch, Deferred fixedValue, String specFix) {

    /**
     * The fixed element as YAML, for people to read. Rendered on demand: admission needs only
     * the verdict, and YAML writing costs more than evaluating the rules.
     */
    public String fixed() {
      return fixedValue == null ? null : (String) fixedValue.get();
    }
  }

  /** A value worked out on first use and then kept. */
  public static final class Deferred {
    private java.util.function.Supplier<Object> supplier;
    private Object value;

    public Deferred(java.util.function.Supplier<Object> supplier) {
      this.supplier = supplier;
    }

    public synchronized Object get() {
      if (supplier != null) {
        value = supplier.get();
        supplier = null;
      }
      return value;
    }
  }

  /** The same finding without its violations, for a shell that has already reported them. */
  public Finding withoutViolations() {
    return new Finding(ruleId, severity, title, kind, namespace, name, source, message,
        rationale, controls, List.of(), status, excepted);
  }

  public String resource() {
    return kind + "/" + (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + name;
  }

  public boolean blocking() {
    return status != Status.EXCEPTED;
  }
}
