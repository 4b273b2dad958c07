package dev.pave.policy;

import dev.pave.source.SourceObject;
import dev.pave.spec.SourceMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admission handler: an AdmissionReview v1 request in, the review with its response out.
 * Findings at or above the deny threshold deny with the same message text as {@code pave
 * check}; lower ones become warnings. Dry-run requests get the same answer; the caller uses
 * {@link Decision#record()} to keep them out of the platform's history.
 */
public final class Admission {
  /** Kubernetes caps a response's warnings; keep each short and their number bounded. */
  static final int MAX_WARNINGS = 20;

  private Admission() {}

  /** The review to send back, the findings behind it, and whether to record it. */
  public record Decision(Map<String, Object> review, boolean allowed, List<Finding> findings,
      boolean record) {}

  public static Decision review(Map<String, Object> review, PolicyEngine engine,
      List<PolicyException> exceptions, Instant now, Severity denyAt) {
    return review(review, engine, exceptions, now, denyAt, Inventory.NONE);
  }

  /** As above, with the objects around the request known (from the operator's cache). */
  public static Decision review(Map<String, Object> review, PolicyEngine engine,
      List<PolicyException> exceptions, Instant now, Severity denyAt, Inventory inventory) {
    Map<String, Object> request = Pods.map(review.get("request"));
    String uid = request.get("uid") instanceof String s ? s : "";
    boolean dryRun = Boolean.TRUE.equals(request.get("dryRun"));
    Map<String, Object> object = Pods.map(request.get("object"));
    List<Finding> findings = List.of();
    if (!object.isEmpty() && !"DELETE".equals(request.get("operation"))) {
      Map<String, Object> withNamespace = object;
      Map<String, Object> meta = Pods.map(object.get("metadata"));
      if (!meta.containsKey("namespace") && request.get("namespace") instanceof String ns) {
        withNamespace = new LinkedHashMap<>(object);
        Map<String, Object> m = new LinkedHashMap<>(meta);
        m.put("namespace", ns);
        withNamespace.put("metadata", m);
      }
      SourceObject target = new SourceObject(withNamespace, new SourceMap("admission"));
      findings = engine.evaluate(target, exceptions, now, inventory);
    }
    List<String> denials = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (Finding f : findings) {
      if (f.status() == Finding.Status.EXCEPTED) {
        warnings.add(f.ruleId() + ": excepted by " + f.excepted().exception() + " until "
            + f.excepted().expiresAt());
      } else if (f.severity().atLeast(denyAt)) {
        denials.add(f.ruleId() + ": " + f.message());
      } else {
        warnings.add(f.ruleId() + ": " + f.message());
      }
    }
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("uid", uid);
    response.put("allowed", denials.isEmpty());
    if (!denials.isEmpty()) {
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("code", 403);
      status.put("reason", "Forbidden");
      status.put("message", "denied by Pave policy: " + String.join("; ", denials));
      response.put("status", status);
    }
    if (!warnings.isEmpty()) {
      response.put("warnings", warnings.size() > MAX_WARNINGS
          ? warnings.subList(0, MAX_WARNINGS) : warnings);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("apiVersion", "admission.k8s.io/v1");
    out.put("kind", "AdmissionReview");
    out.put("response", response);
    return new Decision(out, denials.isEmpty(), findings, !dryRun);
  }
}
