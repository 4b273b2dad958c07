package dev.pave.team;

import dev.pave.spec.Names;
import dev.pave.spec.Problem;
import dev.pave.spec.SourceMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks of a Team that need more than one field; each names the field and what is valid. */
public final class TeamChecks {
  /** Longest team name, so that {@code <team>-<environment>} fits a 63-character name. */
  public static final int MAX_NAME = 40;

  private TeamChecks() {}

  public static List<Problem> check(Team team, SourceMap at) {
    List<Problem> out = new ArrayList<>();
    String name = team.metadata().name();
    if (name.length() > MAX_NAME) {
      out.add(at.problem("metadata.name", "\"" + name + "\" has " + name.length()
          + " characters; use at most " + MAX_NAME + " so that <team>-<environment> fits a"
          + " 63-character namespace name"));
    }
    TeamSpec s = team.spec();
    if (s.members() == null || s.members().isEmpty()) {
      out.add(at.problem("spec.members", "a Team needs at least one member, for example"
          + " - {group: " + name + "-devs, role: developer}"));
    } else {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < s.members().size(); i++) {
        Member m = s.members().get(i);
        String path = "spec.members[" + i + "]";
        if ((m.group() == null) == (m.user() == null)) {
          out.add(at.problem(path, "set exactly one of group or user"));
        } else if (!seen.add(m.describe())) {
          out.add(at.problem(path, m.describe() + " is listed twice; keep one entry with the"
              + " role it needs (admin includes developer, developer includes viewer)"));
        }
      }
    }
    if (s.environments() != null) {
      if (s.environments().isEmpty()) {
        out.add(at.problem("spec.environments", "an empty list gives the team no namespace;"
            + " name the environments, or leave the field out for every environment"));
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < s.environments().size(); i++) {
        String e = s.environments().get(i);
        String path = "spec.environments[" + i + "]";
        String problem = Names.dnsLabelProblem(e);
        if (problem != null) {
          out.add(at.problem(path, problem));
        } else if (!seen.add(e)) {
          out.add(at.problem(path, "environment \"" + e + "\" is listed twice"));
        }
      }
    }
    if (s.registries() != null) {
      for (int i = 0; i < s.registries().size(); i++) {
        String r = s.registries().get(i);
        if (r.isBlank() || r.chars().anyMatch(Character::isWhitespace) || r.contains("://")) {
          out.add(at.problem("spec.registries[" + i + "]", "\"" + r + "\" is not a registry;"
              + " write a host with an optional path, such as registry.example.com/payments"));
        }
      }
    }
    return out;
  }
}
