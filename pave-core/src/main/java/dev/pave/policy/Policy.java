package dev.pave.policy;

import dev.pave.spec.Doc;
import dev.pave.spec.Metadata;
import dev.pave.spec.WireName;
import java.util.List;
import java.util.Map;

/** A pack of rules: Pave's own policy kind. Rule ids are {@code <pack>/<rule>}. */
public record Policy(
    @Doc(value = "Always pave.dev/v1alpha1.", required = true) String apiVersion,
    @Doc(value = "Always Policy.", required = true) String kind,
    @Doc(value = "The pack name is metadata.name.", required = true) Metadata metadata,
    @Doc(value = "The rules.", required = true) Spec spec) {

  public static final String KIND = "Policy";

  public String name() {
    return metadata.name();
  }

  /** What the pack holds. */
  public record Spec(
      @Doc("What the pack is for.") String description,
      @Doc("Packs selected along with this one, as Restricted brings Baseline.")
          List<String> requires,
      @Doc("Values rules read as params.NAME; users may override them.")
          Map<String, Object> parameters,
      @Doc("Named CEL values every rule can read as variables.NAME, computed in order.")
          List<Variable> variables,
      @Doc("CEL conditions that must all hold for the pack to look at an object.")
          List<String> conditions,
      @Doc(value = "The rules, evaluated in order.", required = true) List<Rule> rules) {}

  /** A named expression, as in ValidatingAdmissionPolicy's spec.variables. */
  public record Variable(
      @Doc(value = "Name, read as variables.NAME.", required = true) String name,
      @Doc(value = "CEL expression.", required = true) String expression) {}

  /** One check, with everything a developer needs to act on its finding. */
  public record Rule(
      @Doc(value = "Identifier within the pack.", required = true,
          pattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", example = "allow-privilege-escalation")
          String id,
      @Doc(value = "One line on what the rule requires.", required = true) String title,
      @Doc(value = "critical, high, medium, low or info.", required = true) Severity severity,
      @Doc("Which objects the rule applies to (default: every object with a pod).") Match match,
      @Doc("Kinds of other objects in the same namespace the rule reads as related.KIND; the"
          + " rule is skipped where they are not known.")
          List<String> needs,
      @Doc("What the rule is checked for: object, pod, containers or volumes (default object).")
          Each each,
      @Doc(value = "CEL expression that is true when the object (or element) complies.",
          required = true)
          String validate,
      @Doc("Short fixed reason, as Pod Security Admission words it (default: the title).")
          String reason,
      @Doc("Detail; {elements} becomes 'container \"a\"' or 'containers \"a\", \"b\"'.")
          String message,
      @Doc("CEL expression giving the detail instead of message.") String messageExpression,
      @Doc("Field the rule is about, relative to the element (for the location and the path).")
          String field,
      @Doc("Why it matters.") String rationale,
      @Doc("Controls the rule serves (Pod Security Standards, CIS, NSA/CISA).")
          List<String> controls,
      @Doc("How to fix it: a JSON patch relative to the element, pod or object.") Fix fix,
      @Doc("What an evaluation error means: fail (the default: a finding) or ignore.")
          OnError onError) {}

  /** Which objects a rule looks at; every list is optional. */
  public record Match(
      @Doc("Kinds (default: Pod and every workload kind).") List<String> kinds,
      @Doc("Only these namespaces.") List<String> namespaces,
      @Doc("Never these namespaces.") List<String> excludeNamespaces,
      @Doc("Only objects with all these labels.") Map<String, String> labels) {}

  /** A correction, as RFC 6902 operations. */
  public record Fix(
      @Doc("What the paths are relative to: element (default), pod or object.") At at,
      @Doc(value = "JSON patch operations; paths are JSON pointers without the leading /.",
          required = true)
          List<Operation> ops,
      @Doc("How to make the change in a pave.yaml, when it differs.") String spec) {

    /** Where a fix applies. */
    public enum At {
      ELEMENT,
      POD,
      OBJECT
    }
  }

  /** One JSON patch operation. */
  public record Operation(
      @Doc(value = "add, replace or remove.", required = true) Op op,
      @Doc(value = "Pointer relative to the fix's anchor, e.g. securityContext/privileged.",
          required = true)
          String path,
      @Doc("Value to add or replace.") Object value) {

    /** RFC 6902 operations a fix may use. */
    public enum Op {
      ADD,
      REPLACE,
      REMOVE
    }
  }

  /** The parts of an object a rule is checked against. */
  public enum Each {
    OBJECT,
    POD,
    CONTAINERS,
    VOLUMES
  }

  /** What an error while evaluating means. */
  public enum OnError implements WireName {
    FAIL("fail"),
    IGNORE("ignore");

    private final String wire;

    OnError(String wire) {
      this.wire = wire;
    }

    @Override
    public String wireName() {
      return wire;
    }
  }
}
