package dev.pave.control;

import dev.pave.release.Revision;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rollback as users ask for it, from the CLI or the console. The Application is the starting
 * point: it names the environment, the owner of the objects and where its revisions are kept.
 * The target revision is checked first, then the Application is pinned to it, then its objects
 * are applied through {@link Releases#rollback}. When it cannot pin, nothing is changed; when
 * the apply fails, the pin is taken back, so a failed rollback leaves no pin behind.
 */
public final class Rollbacks {
  private static final int ATTEMPTS = 5;
  /** What a rollback writes on the Application, and puts back as it was when it fails. */
  private static final List<String> PIN_KEYS = List.of(ApplicationReconciler.PINNED_REVISION,
      ApplicationReconciler.PINNED_GENERATION, ApplicationReconciler.CHANGED_BY);
  private final KubernetesClient client;
  private final Releases releases;

  /**
   * What the rollback did.
   *
   * @param target the revision rolled back to
   * @param pinWarning set only when the apply failed and the pin could not be taken back
   */
  public record Result(int target, Releases.Outcome outcome, String pinWarning) {}

  /** A rollback that could not be done; nothing was changed. The message says what to do. */
  public static class Refused extends IllegalArgumentException {
    public Refused(String message) {
      super(message);
    }
  }

  /** Refused because a write failed (the pin, the apply), not because of what was asked. */
  public static final class Failed extends Refused {
    public Failed(String message) {
      super(message);
    }
  }

  public Rollbacks(KubernetesClient client, Releases releases) {
    this.client = client;
    this.releases = releases;
  }

  /**
   * Rolls the Application {@code appNamespace}/{@code t.app()} back to {@code to}, or to the
   * previous revision when null. {@code t.environment()}, when set, must be the Application's;
   * {@code t.namespace()} is used only when the Application's status does not yet say where
   * its revisions are.
   *
   * @throws Refused when there is no such Application or revision, or it cannot be pinned
   */
  public Result rollback(Releases.Target t, Integer to, String appNamespace, String changedBy) {
    String ns = appNamespace != null ? appNamespace : ApplicationTargets.DEFAULT_NAMESPACE;
    var resource = client.resources(ApplicationResource.class).inNamespace(ns).withName(t.app());
    ApplicationResource app = ApplicationTargets.read(resource, ns, t.app());
    Releases.Target target = ApplicationTargets.of(app, t.environment(), t.namespace());
    List<Revision> history = releases.history(target);
    Revision latest = history.isEmpty() ? null : history.get(history.size() - 1);
    int current = latest == null ? 0 : latest.number();
    Revision chosen = dev.pave.release.Rollbacks.userTarget(history, to,
        to == null ? releases.available(target) : java.util.Set.of()).orElse(null);
    if (chosen == null) {
      throw new Refused(to == null
          ? "there is no earlier revision of " + ns + "/" + t.app() + " that rolled out and"
              + " differs from revision " + current + "; name one with --to (kept revisions: "
              + numbers(history) + ")"
          : "revision " + to + (to == current ? " is the current revision" : " is not kept")
              + "; kept revisions: " + numbers(history));
    }
    if (chosen.hash().equals(latest.hash())) {
      // Nothing would change: revision `current` already runs these objects (it is itself a
      // rollback to them), so a success would be a claim about nothing.
      throw new Refused("revision " + chosen.number() + " holds the same objects as revision "
          + current + ", which is current; nothing to roll back (kept revisions: "
          + numbers(history) + ")");
    }
    int number = chosen.number();
    // Pin before applying: the rollback's own writes wake the operator, which must already
    // see the pin, or it would apply the newer release again. Who asked is written with the
    // pin, so the revision the operator may record first names them too.
    Map<String, String> before = pin(resource, app, number, changedBy);
    Releases.Outcome o;
    try {
      o = releases.rollback(target, number, changedBy);
    } catch (RuntimeException e) {
      String warning = unpin(resource, before);
      throw new Failed("rollback to revision " + number + " failed: "
          + Applier.describe(e) + (warning == null ? "" : "; " + warning));
    }
    return new Result(number, o, o.failed() ? unpin(resource, before) : null);
  }

  /** Writes the pin and returns the pin annotations as they were, to put back on failure. */
  private Map<String, String> pin(
      io.fabric8.kubernetes.client.dsl.Resource<ApplicationResource> resource,
      ApplicationResource app, int revision, String changedBy) {
    Map<String, String> before = pinOf(app);
    for (int attempt = 1; ; attempt++) {
      try {
        Map<String, String> annotations = app.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>() : new LinkedHashMap<>(app.getMetadata().getAnnotations());
        annotations.put(ApplicationReconciler.PINNED_REVISION, String.valueOf(revision));
        annotations.put(ApplicationReconciler.PINNED_GENERATION,
            String.valueOf(app.getMetadata().getGeneration()));
        if (changedBy != null) {
          annotations.put(ApplicationReconciler.CHANGED_BY, changedBy);
        }
        app.getMetadata().setAnnotations(annotations);
        client.resource(app).update(); // With its resourceVersion: a concurrent edit is a 409.
        return before;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409 && attempt < ATTEMPTS) {
          app = resource.get(); // The operator wrote in between: pin the fresh object.
          if (app != null) {
            continue;
          }
        }
        throw new Failed("could not pin " + app(resource) + " to revision " + revision + " ("
            + Applier.describe(e) + "); nothing was rolled back");
      }
    }
  }

  /** Puts the pin annotations back as they were; a warning when that failed, else null. */
  private String unpin(io.fabric8.kubernetes.client.dsl.Resource<ApplicationResource> resource,
      Map<String, String> before) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        ApplicationResource now = resource.get();
        if (now == null) {
          return null;
        }
        Map<String, String> annotations = now.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>() : new LinkedHashMap<>(now.getMetadata().getAnnotations());
        PIN_KEYS.forEach(annotations::remove);
        annotations.putAll(before);
        now.getMetadata().setAnnotations(annotations);
        client.resource(now).update();
        return null;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == ATTEMPTS) {
          return "the pin could not be removed (" + Applier.describe(e) + "); remove the"
              + " annotations " + ApplicationReconciler.PINNED_REVISION + " and "
              + ApplicationReconciler.PINNED_GENERATION + " from " + app(resource);
        }
      }
    }
    return null;
  }

  private static Map<String, String> pinOf(ApplicationResource app) {
    Map<String, String> out = new LinkedHashMap<>();
    Map<String, String> a = app.getMetadata().getAnnotations();
    if (a != null) {
      for (String k : PIN_KEYS) {
        if (a.containsKey(k)) {
          out.put(k, a.get(k));
        }
      }
    }
    return out;
  }

  private static List<String> numbers(List<Revision> history) {
    return history.stream().map(r -> String.valueOf(r.number())).toList();
  }

  private static String app(
      io.fabric8.kubernetes.client.dsl.Resource<ApplicationResource> resource) {
    ApplicationResource a = resource.get();
    return a == null ? "the Application" : "application " + a.getMetadata().getNamespace() + "/"
        + a.getMetadata().getName();
  }
}
