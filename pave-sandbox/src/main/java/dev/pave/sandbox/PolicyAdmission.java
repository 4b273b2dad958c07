package dev.pave.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pave.cluster.Admission;
import dev.pave.cluster.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Pave's validating webhook inside the embedded API: writes of workloads and of Pave's
 * resources go through the same admission handlers the webhook serves in a cluster, with the
 * AdmissionReview a real API server would send it, and a refusal reaches the client as the
 * API server reports a webhook's denial.
 */
final class PolicyAdmission implements Admission {
  /** The name the webhook is registered under in a cluster install. */
  static final String WEBHOOK = "validate.pave.dev";

  /** The admission handlers: an AdmissionReview in, an AdmissionReview out. */
  record Handlers(Function<Map<String, Object>, Map<String, Object>> workloads,
      Function<Map<String, Object>, Map<String, Object>> paveResources) {}

  private static final Set<String> WORKLOADS = Set.of("pods", "deployments", "statefulsets",
      "daemonsets", "replicasets", "jobs", "cronjobs");
  private static final Set<String> PAVE = Set.of("applications", "environments");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Handlers handlers;

  PolicyAdmission(Handlers handlers) {
    this.handlers = handlers;
  }

  /** The webhook's rules: CREATE and UPDATE of the main resource, never of a subresource. */
  static boolean applies(String operation, String group, String plural, String subresource) {
    boolean main = subresource == null || subresource.isEmpty();
    boolean write = operation.equals("CREATE") || operation.equals("UPDATE");
    return main && write && (group.equals("apps") || group.equals("batch") || group.isEmpty())
        && WORKLOADS.contains(plural) || main && write && group.equals("pave.dev")
        && PAVE.contains(plural);
  }

  @Override
  public void validate(Attributes a) {
    String group = a.type().group();
    String plural = a.type().plural();
    if (!applies(a.operation(), group, plural, a.subresource())) {
      return;
    }
    Map<String, Object> answer = (WORKLOADS.contains(plural) ? handlers.workloads()
        : handlers.paveResources()).apply(review(a));
    Map<?, ?> response = answer.get("response") instanceof Map<?, ?> r ? r : Map.of();
    if (response.get("warnings") instanceof List<?> warnings) {
      warnings.forEach(w -> a.warnings().add(String.valueOf(w)));
    }
    if (Boolean.TRUE.equals(response.get("allowed"))) {
      return;
    }
    Map<?, ?> status = response.get("status") instanceof Map<?, ?> s ? s : Map.of();
    throw ApiException.webhookDenied(WEBHOOK, status.get("code") instanceof Number n
        ? n.intValue() : 0, status.get("reason") instanceof String r ? r : null,
        status.get("message") instanceof String m ? m : null);
  }

  /** The AdmissionReview the API server sends a webhook for this write. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> review(Attributes a) {
    Map<String, Object> object = JSON.convertValue(a.object(), Map.class);
    Object name = a.name() != null ? a.name()
        : a.object().path("metadata").path("name").asText("");
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("uid", UUID.randomUUID().toString());
    req.put("kind", Map.of("group", a.type().group(), "version", a.type().version(),
        "kind", a.type().kind()));
    req.put("resource", Map.of("group", a.type().group(), "version", a.type().version(),
        "resource", a.type().plural()));
    req.put("requestKind", req.get("kind"));
    req.put("requestResource", req.get("resource"));
    req.put("name", name);
    if (a.namespace() != null && !a.namespace().isEmpty()) {
      req.put("namespace", a.namespace());
    }
    req.put("operation", a.operation());
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("username", a.user().name());
    if (a.user().uid() != null && !a.user().uid().isEmpty()) {
      user.put("uid", a.user().uid());
    }
    user.put("groups", a.user().groups());
    req.put("userInfo", user);
    req.put("object", object);
    if (a.oldObject() != null) {
      req.put("oldObject", JSON.convertValue(a.oldObject(), Map.class));
    }
    req.put("dryRun", a.dryRun());
    Map<String, Object> review = new LinkedHashMap<>();
    review.put("apiVersion", "admission.k8s.io/v1");
    review.put("kind", "AdmissionReview");
    review.put("request", req);
    return review;
  }
}
