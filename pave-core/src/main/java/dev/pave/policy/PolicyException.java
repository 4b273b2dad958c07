package dev.pave.policy;

import dev.pave.spec.Doc;
import dev.pave.spec.Metadata;
import java.util.List;
import java.util.Map;

/**
 * A time-limited, owned exemption from rules for named resources. Once expiresAt passes it
 * stops applying everywhere at the same instant, because every path asks the same clock value.
 */
public record PolicyException(
    @Doc(value = "Always pave.dev/v1alpha1.", required = true) String apiVersion,
    @Doc(value = "Always PolicyException.", required = true) String kind,
    @Doc(value = "Name of the exception.", required = true) Metadata metadata,
    @Doc(value = "What is excepted, why, by whom and until when.", required = true) Spec spec) {

  public static final String KIND = "PolicyException";

  /** The exemption. */
  public record Spec(
      @Doc(value = "Rule ids, <pack>/<rule>, or <pack>/* for a whole pack.", required = true)
          List<String> rules,
      @Doc(value = "Resources it covers.", required = true) List<Resource> resources,
      @Doc(value = "Why the exception is needed.", required = true) String reason,
      @Doc(value = "Who answers for it.", required = true) String owner,
      @Doc("Ticket that tracks its removal.") String ticket,
      @Doc(value = "RFC 3339 time after which it no longer applies.", required = true,
          pattern = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$",
          example = "2026-12-31T00:00:00Z")
          String expiresAt) {}

  /** A resource selector: by kind, namespace and name, or by labels; optionally one container. */
  public record Resource(
      @Doc("Kind, such as Deployment.") String kind,
      @Doc("Namespace.") String namespace,
      @Doc("Name; a trailing * matches a prefix.") String name,
      @Doc("Labels the resource must carry.") Map<String, String> labels,
      @Doc("Only this container.") String container) {}
}
