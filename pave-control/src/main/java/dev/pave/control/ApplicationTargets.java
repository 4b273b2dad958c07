package dev.pave.control;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.Map;

/**
 * From an Application to its releases: the environment is its label, the owner its UID, and
 * its revisions are where its status says ({@code status.revisionNamespace}), so `pave history`
 * and `pave rollback` never guess from the objects' namespace.
 */
public final class ApplicationTargets {
  /** Where `pave deploy` puts Applications unless told otherwise. */
  public static final String DEFAULT_NAMESPACE = "pave-apps";

  private ApplicationTargets() {}

  /** The releases of Application {@code namespace}/{@code name}, for {@code environment}. */
  public static Releases.Target of(KubernetesClient client, String namespace, String name,
      String environment) {
    return of(read(client.resources(ApplicationResource.class).inNamespace(namespace)
        .withName(name), namespace, name), environment, null);
  }

  static ApplicationResource read(Resource<ApplicationResource> resource, String namespace,
      String name) {
    ApplicationResource app = resource.get();
    if (app == null) {
      throw new Rollbacks.Refused("application " + namespace + "/" + name + " not found; pass"
          + " -n with the namespace of the Application resource (kubectl get applications -A"
          + " lists them)");
    }
    return app;
  }

  /**
   * The target of {@code app}; {@code environment}, when set, must be the Application's, and
   * {@code revisions} is used only while its status does not yet name where its revisions are.
   */
  static Releases.Target of(ApplicationResource app, String environment, String revisions) {
    String ref = app.getMetadata().getNamespace() + "/" + app.getMetadata().getName();
    Map<String, String> labels = app.getMetadata().getLabels();
    String env = labels == null ? null : labels.get(ApplicationReconciler.ENVIRONMENT_LABEL);
    if (env == null) {
      env = environment;
    } else if (environment != null && !environment.equals(env)) {
      throw new Rollbacks.Refused("application " + ref + " is deployed to " + env + ", not "
          + environment + "; use -e " + env);
    }
    Map<String, Object> status = app.getStatus() == null ? Map.of() : app.getStatus();
    String where = status.get("revisionNamespace") instanceof String s ? s : revisions;
    if (where == null || env == null) {
      throw new Rollbacks.Refused("application " + ref + " has no revisions yet; wait until"
          + " the operator has applied it (pave status " + app.getMetadata().getName() + " -n "
          + app.getMetadata().getNamespace() + ")");
    }
    return new Releases.Target(app.getMetadata().getName(), env, where, Owner.of(app));
  }
}
