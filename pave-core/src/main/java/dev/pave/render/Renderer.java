package dev.pave.render;

import dev.pave.spec.Application;
import dev.pave.spec.Environment;
import dev.pave.spec.Expose;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an Application in an Environment into plain Kubernetes objects. Pure and deterministic:
 * the same input gives the same objects in the same order, and nothing here reads a file, a
 * clock or a cluster. The input must have passed {@link dev.pave.spec.SpecReader}'s checks.
 */
public final class Renderer {
  private Renderer() {}

  public static List<HasMetadata> render(Application app, Environment env) {
    return render(Plan.of(app, Settings.of(env)));
  }

  public static List<HasMetadata> render(Application app, Settings env) {
    return render(Plan.of(app, env));
  }

  /** Objects in apply order: what others depend on comes first. */
  public static List<HasMetadata> render(Plan p) {
    List<HasMetadata> out = new ArrayList<>(12);
    if (p.env().ownsNamespace()) {
      out.add(Namespaces.render(p));
    }
    out.add(ServiceAccounts.render(p));
    if (p.spec().config() != null) {
      out.add(ConfigMaps.render(p));
    }
    out.addAll(Claims.render(p));
    out.add(Deployments.render(p));
    if (p.port() != null) {
      out.add(Services.render(p));
    }
    if (p.expose().type() == Expose.Type.PUBLIC) {
      out.add(PublicRoutes.render(p));
    }
    out.add(NetworkPolicies.render(p));
    if (p.autoscale() != null) {
      out.add(Autoscalers.render(p));
    }
    if (p.minReplicas() >= 2) {
      out.add(DisruptionBudgets.render(p));
    }
    out.addAll(CronJobs.render(p));
    if (p.scrape() != null && p.port() != null) {
      out.add(ServiceMonitors.render(p));
    }
    return out;
  }
}
