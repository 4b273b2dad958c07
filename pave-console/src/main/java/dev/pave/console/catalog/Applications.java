package dev.pave.console.catalog;

import dev.pave.control.ApplicationReconciler;
import dev.pave.control.ApplicationResource;
import dev.pave.render.Manifests;
import dev.pave.spec.Application;
import dev.pave.spec.Document;
import dev.pave.spec.ReadResult;
import dev.pave.spec.SpecReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an Application resource the way the operator does: the environment from its label,
 * the spec through pave-core's reader, the outcome from its status. Pure.
 */
public final class Applications {
  private Applications() {}

  public static String environmentOf(ApplicationResource a, String defaultEnvironment) {
    Map<String, String> labels = a.getMetadata().getLabels();
    return labels == null ? defaultEnvironment
        : labels.getOrDefault(ApplicationReconciler.ENVIRONMENT_LABEL, defaultEnvironment);
  }

  /** The resource as a pave.yaml document, as the operator reads it. */
  public static String specYaml(ApplicationResource a) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", "pave.dev/v1alpha1");
    doc.put("kind", "Application");
    doc.put("metadata", Map.of("name", a.getMetadata().getName()));
    doc.put("spec", a.getSpec() == null ? Map.of() : a.getSpec());
    return Manifests.yamlOf(doc);
  }

  public static ReadResult read(ApplicationResource a) {
    return SpecReader.read(a.getMetadata().getNamespace() + "/" + a.getMetadata().getName(),
        specYaml(a));
  }

  public static Optional<Document<Application>> spec(ApplicationResource a) {
    ReadResult r = read(a);
    return r.ok() && !r.applications().isEmpty() ? Optional.of(r.applications().get(0))
        : Optional.empty();
  }

  /** The catalog's view of the resource; policy and incidents are filled in later. */
  public static ServiceEntry entry(ApplicationResource a, String defaultEnvironment) {
    Map<String, Object> spec = a.getSpec() == null ? Map.of() : a.getSpec();
    Map<String, Object> status = a.getStatus() == null ? Map.of() : a.getStatus();
    String app = a.getMetadata().getName();
    String env = environmentOf(a, defaultEnvironment);
    String ns = objectsNamespace(status).orElse(app + "-" + env);
    String health = "Unknown";
    String message = "";
    if (status.get("conditions") instanceof List<?> conditions) {
      for (Object o : conditions) {
        if (o instanceof Map<?, ?> c && "Ready".equals(c.get("type"))) {
          health = "True".equals(c.get("status")) ? "Healthy" : "Degraded";
          message = c.get("message") == null ? "" : String.valueOf(c.get("message"));
        }
      }
    }
    int revision = status.get("revision") instanceof Number n ? n.intValue() : 0;
    String phase = status.get("phase") == null ? "Pending" : String.valueOf(status.get("phase"));
    // A rollout under way is not Ready yet, and not broken either.
    if ("Degraded".equals(health) && "Progressing".equals(phase)) {
      health = "Progressing";
    }
    return new ServiceEntry(app, env, a.getMetadata().getNamespace(), ns, text(spec, "team"),
        text(spec, "owner"), text(spec, "onCall"), text(spec, "runbook"), revision, phase,
        health, message, "Unchecked", 0, 0,
        a.getMetadata().getGeneration() == null ? 0 : a.getMetadata().getGeneration(),
        imageName(text(spec, "image")), imageVersion(text(spec, "image")),
        a.getMetadata().getCreationTimestamp());
  }

  /** {@code registry:5000/team/app:1.2} is image {@code registry:5000/team/app}. */
  static String imageName(String image) {
    if (image == null) {
      return null;
    }
    int at = image.indexOf('@');
    if (at >= 0) {
      return image.substring(0, at);
    }
    int colon = image.lastIndexOf(':');
    return colon > image.lastIndexOf('/') ? image.substring(0, colon) : image;
  }

  /** The tag or digest; an image named without either runs "latest", as the runtime reads it. */
  static String imageVersion(String image) {
    if (image == null) {
      return null;
    }
    int at = image.indexOf('@');
    if (at >= 0) {
      return image.substring(at + 1);
    }
    int colon = image.lastIndexOf(':');
    return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "latest";
  }

  private static Optional<String> objectsNamespace(Map<String, Object> status) {
    if (status.get("objects") instanceof List<?> objects) {
      for (Object o : objects) {
        if (o instanceof Map<?, ?> m && "Deployment".equals(m.get("kind"))
            && m.get("namespace") != null) {
          return Optional.of(String.valueOf(m.get("namespace")));
        }
      }
      for (Object o : objects) {
        if (o instanceof Map<?, ?> m && m.get("namespace") != null) {
          return Optional.of(String.valueOf(m.get("namespace")));
        }
      }
    }
    return Optional.empty();
  }

  private static String text(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? null : String.valueOf(v);
  }
}
