package dev.pave.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A refused request, answered as a real API server answers it: a {@code Status} body with the
 * same code, reason, message and details, or the plain-text 404 of a path nothing serves.
 */
public final class ApiException extends RuntimeException {
  /** One cause of a refusal: which field, why, and the machine-readable reason. */
  public record Cause(String reason, String message, String field) {}

  private final int code;
  private final String reason;
  private final String name;
  private final String group;
  private final String kind;
  private final List<Cause> causes;
  private final boolean plain;
  private boolean emptyDetails;
  private String continueToken;
  private Integer retryAfter;

  private ApiException(int code, String reason, String message, String name, String group,
      String kind, List<Cause> causes, boolean plain) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.name = name;
    this.group = group;
    this.kind = kind;
    this.causes = causes;
    this.plain = plain;
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  /** Whether the answer is the mux's plain-text 404 rather than a Status. */
  boolean plain() {
    return plain;
  }

  static ApiException pageNotFound() {
    return new ApiException(404, null, "404 page not found", null, null, null, List.of(), true);
  }

  static ApiException notFound(ResourceType t, String name) {
    return notFound(t.group(), t.plural(), name);
  }

  static ApiException notFound(String group, String plural, String name) {
    String gr = group.isEmpty() ? plural : plural + "." + group;
    return new ApiException(404, "NotFound", gr + " \"" + name + "\" not found", name, group,
        plural, List.of(), false);
  }

  static ApiException alreadyExists(ResourceType t, String name) {
    return new ApiException(409, "AlreadyExists", t.groupResource() + " \"" + name
        + "\" already exists", name, t.group(), t.plural(), List.of(), false);
  }

  static ApiException conflict(ResourceType t, String name, String why) {
    return new ApiException(409, "Conflict", "Operation cannot be fulfilled on "
        + t.groupResource() + " \"" + name + "\": " + why, name, t.group(), t.plural(),
        List.of(), false);
  }

  static ApiException modified(ResourceType t, String name) {
    return conflict(t, name, "the object has been modified; please apply your changes to the "
        + "latest version and try again");
  }

  /** A 409 whose message and causes are given whole (server-side apply conflicts). */
  static ApiException conflict(ResourceType t, String name, String message, List<Cause> causes) {
    return new ApiException(409, "Conflict", message, name, t.group(), t.plural(), causes,
        false);
  }

  /**
   * 422 Invalid. {@code kind} is the Kind (not the resource), {@code group} its group, as in
   * {@code Deployment.apps "web" is invalid: spec.selector: Required value}.
   */
  static ApiException invalid(String group, String kind, String name, List<Cause> causes) {
    StringBuilder m = new StringBuilder(group.isEmpty() ? kind : kind + "." + group);
    m.append(" \"").append(name).append("\" is invalid: ");
    // The message names each distinct error once (as ErrorList.ToAggregate); causes keep all.
    List<String> parts = causes.stream().map(c -> c.field() + ": " + c.message()).distinct()
        .toList();
    m.append(parts.size() == 1 ? parts.get(0) : "[" + String.join(", ", parts) + "]");
    return new ApiException(422, "Invalid", m.toString(), name, group, kind, causes, false);
  }

  static ApiException invalidWithMessage(String group, String kind, String name, String message,
      List<Cause> causes) {
    return new ApiException(422, "Invalid", message, name, group, kind, causes, false);
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, "BadRequest", message, null, null, null, List.of(), false);
  }

  static ApiException forbidden(String message, ResourceType t, String name, List<Cause> causes) {
    return new ApiException(403, "Forbidden", message, name, t == null ? null : t.group(),
        t == null ? null : t.plural(), causes, false);
  }

  /** 405, with the empty details of the generic server response the real handler builds. */
  static ApiException methodNotAllowed(String message) {
    return new ApiException(405, "MethodNotAllowed", message, null, null, null, List.of(),
        false).withEmptyDetails();
  }

  static ApiException unsupportedMediaType(String message) {
    return new ApiException(415, "UnsupportedMediaType", message, null, null, null, List.of(),
        false);
  }

  /** 406: the client accepts none of the media types this object can be written in. */
  static ApiException notAcceptable(String message) {
    return new ApiException(406, "NotAcceptable", message, null, null, null, List.of(), false);
  }

  static ApiException unauthorized() {
    return new ApiException(401, "Unauthorized", "Unauthorized", null, null, null, List.of(),
        false);
  }

  static ApiException internal(String message) {
    return new ApiException(500, null, message, null, null, null, List.of(), false);
  }

  static ApiException timeout(String message) {
    return new ApiException(504, "Timeout", message, null, null, null, List.of(), false);
  }

  static ApiException gone(String message) {
    return new ApiException(410, "Expired", message, null, null, null, List.of(), false);
  }

  /**
   * A refusal of any code and reason (either may be absent) with details, as admission
   * steps answer; details are written only where name, kind or causes are given.
   */
  static ApiException of(int code, String reason, String message, String name, String group,
      String kind, List<Cause> causes) {
    return new ApiException(code, reason, message, name, group, kind, causes, false);
  }

  /** 410 for a continue token whose snapshot is gone, with a token to go on inconsistently. */
  static ApiException expiredContinue(String fresh, String message) {
    ApiException e = new ApiException(410, "Expired", message, null, null, null, List.of(),
        false);
    e.continueToken = fresh;
    return e;
  }

  /** 504 for a list at a resourceVersion the store has not reached within the wait. */
  static ApiException tooLarge(String requested, long current) {
    ApiException e = new ApiException(504, "Timeout", "Timeout: Too large resource version: "
        + requested + ", current: " + current, null, null, null, List.of(new Cause(
            "ResourceVersionTooLarge", "Too large resource version", null)), false);
    e.retryAfter = 1;
    return e;
  }

  /**
   * An admission webhook's refusal as the API server answers it: the webhook's code (400 when
   * below), its reason when it gave one, and "admission webhook "name" denied the request"
   * followed by its message, or by its reason, or by "without explanation". For in-process
   * admission steps that stand in for a webhook.
   */
  public static ApiException webhookDenied(String webhook, int code, String reason,
      String message) {
    String denied = "admission webhook \"" + webhook + "\" denied the request";
    String text = message != null && !message.isEmpty() ? denied + ": " + message
        : reason != null && !reason.isEmpty() ? denied + ": " + reason
        : denied + " without explanation";
    return new ApiException(Math.max(code, 400), reason == null || reason.isEmpty() ? null
        : reason, text, null, null, null, List.of(), false);
  }

  /** Any other status the real server answers with a reason and plain details. */
  static ApiException of(int code, String reason, String message) {
    return new ApiException(code, reason, message, null, null, null, List.of(), false);
  }

  /** The same refusal with {@code details.kind} naming the Kind, as preconditions do. */
  ApiException kindAs(String kindName) {
    return new ApiException(code, reason, getMessage(), name, null, kindName, causes, plain);
  }

  /** The same refusal with an empty {@code details} object, as some handlers answer. */
  ApiException withEmptyDetails() {
    emptyDetails = true;
    return this;
  }

  /** The Status body. */
  public ObjectNode status() {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    ObjectNode meta = s.putObject("metadata");
    if (continueToken != null) {
      meta.put("continue", continueToken);
    }
    s.put("status", "Failure");
    s.put("message", getMessage());
    if (reason != null) {
      s.put("reason", reason);
    }
    if (name != null || kind != null || !causes.isEmpty() || emptyDetails) {
      ObjectNode d = s.putObject("details");
      if (name != null) {
        d.put("name", name);
      }
      if (group != null && !group.isEmpty()) {
        d.put("group", group);
      }
      if (kind != null) {
        d.put("kind", kind);
      }
      if (!causes.isEmpty()) {
        ArrayNode c = d.putArray("causes");
        for (Cause cause : causes) {
          ObjectNode o = c.addObject();
          if (cause.reason() != null) {
            o.put("reason", cause.reason());
          }
          o.put("message", cause.message());
          if (cause.field() != null) {
            o.put("field", cause.field());
          }
        }
      }
      if (retryAfter != null) {
        d.put("retryAfterSeconds", retryAfter);
      }
    }
    s.put("code", code);
    return s;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // refusals are answers, not faults
  }
}
