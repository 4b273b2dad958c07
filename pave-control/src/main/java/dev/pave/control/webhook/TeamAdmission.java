package dev.pave.control.webhook;

import dev.pave.spec.Environment;
import dev.pave.spec.EnvironmentSpec;
import java.util.Map;

/**
 * Admission rules of Applications that concern Teams, as a pure decision on the request and
 * what {@link Lookup} knows of the cluster:
 * <ul>
 *   <li>TeamRequired: the Application's environment says {@code teams: required} and its team
 *       has no Team resource.
 *   <li>OtherTeamsApplication: the CI ServiceAccount of one team's namespace writes an
 *       Application of another team.
 * </ul>
 */
public final class TeamAdmission {
  static final String CI_PREFIX = "system:serviceaccount:";
  static final String ENVIRONMENT_LABEL = "pave.dev/environment";

  /** What the rules read from the cluster. */
  public interface Lookup {
    boolean teamExists(String team);

    /** The environment with its defaults and the cluster's Environment laid over, or null. */
    Environment environment(String name);

    /** The team whose namespace this is (its pave.dev/team label), or null. */
    String teamOfNamespace(String namespace);

    /** The environment of Applications without the label. */
    String defaultEnvironment();
  }

  private TeamAdmission() {}

  /** Why the request is refused, or null when these rules allow it. */
  @SuppressWarnings("unchecked")
  public static String refusal(Map<String, Object> request, Lookup lookup) {
    Map<String, Object> object = request.get("object") instanceof Map<?, ?> o
        ? (Map<String, Object>) o : Map.of();
    Map<String, Object> meta = object.get("metadata") instanceof Map<?, ?> m
        ? (Map<String, Object>) m : Map.of();
    Map<String, Object> spec = object.get("spec") instanceof Map<?, ?> s
        ? (Map<String, Object>) s : Map.of();
    if (!"Application".equals(object.get("kind")) || !(spec.get("team") instanceof String team)) {
      return null;
    }
    String where = "Application " + request.get("namespace") + "/" + meta.get("name");
    Object user = request.get("userInfo") instanceof Map<?, ?> u ? u.get("username") : null;
    if (user instanceof String name && name.startsWith(CI_PREFIX)
        && name.endsWith(":" + dev.pave.team.TeamObjects.CI_ACCOUNT)) {
      String namespace = name.substring(CI_PREFIX.length(), name.lastIndexOf(':'));
      String own = lookup.teamOfNamespace(namespace);
      if (own != null && !own.equals(team)) {
        return where + " is of team " + team + ", but " + name + " is the CI ServiceAccount"
            + " of team " + own + ", which may deploy only team " + own + "'s Applications";
      }
    }
    Map<String, Object> labels = meta.get("labels") instanceof Map<?, ?> l
        ? (Map<String, Object>) l : Map.of();
    String envName = labels.get(ENVIRONMENT_LABEL) instanceof String e ? e
        : lookup.defaultEnvironment();
    Environment env = lookup.environment(envName);
    EnvironmentSpec s = env == null ? null : env.spec();
    if (s != null && s.teams() == EnvironmentSpec.TeamPolicy.REQUIRED
        && !lookup.teamExists(team)) {
      return where + " names team \"" + team + "\", which has no Team resource, and"
          + " environment " + envName + " requires one (teams: required); create Team "
          + team + " first (pave team init " + team + " writes one), or name an existing team";
    }
    return null;
  }
}
