package dev.pave.control.webhook;

import dev.pave.policy.Admission;
import dev.pave.policy.PolicyEngine;
import dev.pave.policy.PolicyException;
import dev.pave.policy.Severity;
import dev.pave.render.Manifests;
import dev.pave.spec.ReadResult;
import dev.pave.spec.SpecReader;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The webhook's handlers, each from AdmissionReview to AdmissionReview: workloads through the
 * policy engine (the same admission handler as the tests and `pave check`), Application and
 * Environment resources through the spec reader (the same messages as `pave validate`), and
 * Applications stamped with the user who sent them.
 */
public final class Reviews {
  /** Set on Applications by the mutating webhook: the user the API server authenticated. */
  public static final String REQUESTED_BY = "pave.dev/requested-by";

  private final PolicyEngine engine;
  private final List<PolicyException> exceptions;
  private final Severity denyAt;
  private final Set<String> excludedNamespaces;
  private final Clock clock;
  private final Consumer<Admitted> recorded;
  private volatile TeamAdmission.Lookup teams;

  /**
   * A decision worth recording: not a dry run, and either a denial or an admission that an
   * exception made possible. {@code request} is the review's request as the API server sent it.
   */
  public record Admitted(Map<String, Object> request, Admission.Decision decision) {
    /** Whether a PolicyException allowed a finding through. */
    public boolean usedException() {
      return decision.findings().stream()
          .anyMatch(f -> f.status() == dev.pave.policy.Finding.Status.EXCEPTED);
    }
  }

  public Reviews(PolicyEngine engine, List<PolicyException> exceptions, Severity denyAt,
      Set<String> excludedNamespaces, Clock clock, Consumer<Admitted> recorded) {
    this.engine = engine;
    this.exceptions = exceptions;
    this.denyAt = denyAt;
    this.excludedNamespaces = excludedNamespaces;
    this.clock = clock;
    this.recorded = recorded;
  }

  /** Also applies the Team rules of {@link TeamAdmission} to Applications. */
  public Reviews withTeams(TeamAdmission.Lookup lookup) {
    this.teams = lookup;
    return this;
  }

  /** Pods and workloads: the policy engine's verdict. */
  public Map<String, Object> workload(Map<String, Object> review) {
    Map<String, Object> request = map(review.get("request"));
    if (excludedNamespaces.contains(String.valueOf(request.get("namespace")))) {
      return answer(request, true, null, List.of(), null);
    }
    Admission.Decision d = Admission.review(review, engine, exceptions, clock.instant(), denyAt);
    Admitted a = new Admitted(request, d);
    if (d.record() && (!d.allowed() || a.usedException())) {
      recorded.accept(a);
    }
    return d.review();
  }

  /** Application and Environment resources: valid as `pave validate` reads them. */
  public Map<String, Object> paveResource(Map<String, Object> review) {
    Map<String, Object> request = map(review.get("request"));
    Map<String, Object> object = map(request.get("object"));
    Map<String, Object> meta = map(object.get("metadata"));
    // Metadata-only writes (finalizers, pins, labels) and deletions always pass, so that an
    // object whose spec stopped validating can still be finalized and deleted.
    if ("DELETE".equals(request.get("operation")) || object.isEmpty()
        || meta.get("deletionTimestamp") != null || specUnchanged(request)) {
      return answer(request, true, null, List.of(), null);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", object.getOrDefault("apiVersion", "pave.dev/v1alpha1"));
    doc.put("kind", object.get("kind"));
    doc.put("metadata", Map.of("name", String.valueOf(meta.get("name"))));
    doc.put("spec", object.getOrDefault("spec", Map.of()));
    String where = object.get("kind") + " " + (request.get("namespace") == null ? ""
        : request.get("namespace") + "/") + meta.get("name");
    ReadResult read = SpecReader.read(where, Manifests.yamlOf(doc));
    if (read.ok()) {
      String refused = teams == null ? null : TeamAdmission.refusal(request, teams);
      return answer(request, refused == null, refused, List.of(), null);
    }
    List<String> problems = read.problems().stream().map(p -> p.path() + ": " + p.message())
        .toList();
    return answer(request, false, where + " is not valid: " + String.join("; ", problems),
        List.of(), null);
  }

  /**
   * Applications: records who sent a change of the spec, for the revision it makes. Writes
   * that leave the spec alone (the operator's finalizer, a pin) keep the user who changed it.
   */
  public Map<String, Object> stampUser(Map<String, Object> review) {
    Map<String, Object> request = map(review.get("request"));
    Object user = map(request.get("userInfo")).get("username");
    Map<String, Object> meta = map(map(request.get("object")).get("metadata"));
    if (!(user instanceof String name) || "DELETE".equals(request.get("operation"))
        || specUnchanged(request)) {
      return answer(request, true, null, List.of(), null);
    }
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("op", "add");
    if (meta.get("annotations") == null) {
      op.put("path", "/metadata/annotations");
      op.put("value", Map.of(REQUESTED_BY, name));
    } else {
      op.put("path", "/metadata/annotations/" + REQUESTED_BY.replace("~", "~0")
          .replace("/", "~1"));
      op.put("value", name);
    }
    List<Map<String, Object>> patch = List.of(op);
    return answer(request, true, null, List.of(), patch);
  }

  private static boolean specUnchanged(Map<String, Object> request) {
    return "UPDATE".equals(request.get("operation")) && request.get("oldObject") instanceof Map
        && java.util.Objects.equals(map(request.get("object")).get("spec"),
            map(request.get("oldObject")).get("spec"));
  }

  private static Map<String, Object> answer(Map<String, Object> request, boolean allowed,
      String message, List<String> warnings, List<Map<String, Object>> patch) {
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("uid", request.getOrDefault("uid", ""));
    response.put("allowed", allowed);
    if (message != null) {
      response.put("status", Map.of("code", 403, "reason", "Invalid", "message", message));
    }
    if (!warnings.isEmpty()) {
      response.put("warnings", warnings);
    }
    if (patch != null) {
      response.put("patchType", "JSONPatch");
      response.put("patch", java.util.Base64.getEncoder().encodeToString(json(patch)));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("apiVersion", "admission.k8s.io/v1");
    out.put("kind", "AdmissionReview");
    out.put("response", response);
    return out;
  }

  private static byte[] json(Object o) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
