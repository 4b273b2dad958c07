package dev.pave.control;

import dev.pave.render.Manifests;
import dev.pave.spec.Environment;
import dev.pave.team.Team;
import dev.pave.team.TeamReader;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;

/**
 * Teams, Environments and team namespaces as the cluster has them, kept in memory by
 * informers: admission asks on every Application write and the Application reconciler on every
 * render, so neither may cost a request to the API server.
 */
public final class TeamDirectory implements dev.pave.control.webhook.TeamAdmission.Lookup,
    AutoCloseable {
  static final String TEAM_LABEL = "pave.dev/team";

  private final Map<String, Environment> builtIn;
  private final String defaultEnvironment;
  private final SharedIndexInformer<TeamResource> teams;
  private final SharedIndexInformer<EnvironmentResource> environments;
  private final SharedIndexInformer<Namespace> namespaces;

  private TeamDirectory(Map<String, Environment> builtIn, String defaultEnvironment,
      SharedIndexInformer<TeamResource> teams,
      SharedIndexInformer<EnvironmentResource> environments,
      SharedIndexInformer<Namespace> namespaces) {
    this.builtIn = builtIn;
    this.defaultEnvironment = defaultEnvironment;
    this.teams = teams;
    this.environments = environments;
    this.namespaces = namespaces;
  }

  /** Starts the informers and waits until each has listed once. */
  public static TeamDirectory start(KubernetesClient client, Map<String, Environment> builtIn,
      String defaultEnvironment) {
    return new TeamDirectory(builtIn, defaultEnvironment,
        client.resources(TeamResource.class).inform(),
        client.resources(EnvironmentResource.class).inform(),
        client.namespaces().withLabel(TEAM_LABEL).inform());
  }

  /** The Team named {@code name} as its reader reads it; null when absent or not valid. */
  public Team team(String name) {
    TeamResource r = name == null ? null : teams.getStore().getByKey(name);
    if (r == null) {
      return null;
    }
    TeamReader.Read read = TeamReader.fromObject(Manifests.toMap(r));
    return read.ok() && !read.teams().isEmpty() ? read.teams().get(0).value() : null;
  }

  @Override
  public boolean teamExists(String team) {
    return teams.getStore().getByKey(team) != null;
  }

  @Override
  public Environment environment(String name) {
    return EnvironmentCatalog.of(builtIn, environments.getStore().list()).valid().get(name);
  }

  @Override
  public String teamOfNamespace(String namespace) {
    Namespace ns = namespaces.getStore().getByKey(namespace);
    return ns == null || ns.getMetadata().getLabels() == null ? null
        : ns.getMetadata().getLabels().get(TEAM_LABEL);
  }

  @Override
  public String defaultEnvironment() {
    return defaultEnvironment;
  }

  @Override
  public void close() {
    teams.close();
    environments.close();
    namespaces.close();
  }
}
