package dev.pave.spec;

import java.util.ArrayList;
import java.util.List;

/** Checks of an Environment that need more than one field. */
public final class EnvironmentChecks {
  private EnvironmentChecks() {}

  public static List<Problem> check(Environment env, SourceMap at) {
    List<Problem> out = new ArrayList<>();
    EnvironmentSpec s = env.spec();
    if (s == null) {
      return out;
    }
    if (s.namespaceTemplate() != null) {
      String t = s.namespaceTemplate();
      String probe = t.replace("{app}", "a").replace("{team}", "t").replace("{env}", "e");
      if (probe.contains("{") || probe.contains("}")) {
        out.add(at.problem("spec.namespaceTemplate", "\"" + t + "\" uses an unknown placeholder;"
            + " only {app}, {team} and {env} are replaced"));
      } else if (!probe.matches(Names.DNS_LABEL.replace("^[a-z]", "^[a-z0-9]"))) {
        out.add(at.problem("spec.namespaceTemplate", "\"" + t + "\" does not give a valid"
            + " namespace name; use lower-case letters, digits, '-' and the placeholders"));
      }
    }
    if (s.ingress() != null && s.gateway() != null) {
      out.add(at.problem("spec.gateway", "set either ingress or gateway, not both"));
    }
    return out;
  }
}
