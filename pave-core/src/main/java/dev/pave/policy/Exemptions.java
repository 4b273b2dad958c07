package dev.pave.policy;

import dev.pave.source.SourceObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies PolicyExceptions to a finding. The caller passes the current instant, so the CLI, the
 * admission handler and the audit agree on the very instant an exception expires.
 */
public final class Exemptions {
  private Exemptions() {}

  public static Instant expiry(PolicyException e) {
    return OffsetDateTime.parse(e.spec().expiresAt()).toInstant();
  }

  static Finding apply(Finding f, SourceObject target, List<PolicyException> exceptions,
      Instant now) {
    for (PolicyException e : exceptions) {
      if (!now.isBefore(expiry(e)) || !coversRule(e, f.ruleId())) {
        continue;
      }
      for (PolicyException.Resource r : e.spec().resources()) {
        if (!coversResource(r, target)) {
          continue;
        }
        Finding.Excepted who = new Finding.Excepted(e.metadata().name(), e.spec().owner(),
            e.spec().reason(), e.spec().ticket(), e.spec().expiresAt());
        if (r.container() == null) {
          return with(f, f.violations(), Finding.Status.EXCEPTED, who);
        }
        List<Finding.Violation> remaining = new ArrayList<>();
        for (Finding.Violation v : f.violations()) {
          if (!r.container().equals(v.element())) {
            remaining.add(v);
          }
        }
        if (remaining.isEmpty()) {
          return with(f, f.violations(), Finding.Status.EXCEPTED, who);
        }
        f = with(f, remaining, f.status(), null);
      }
    }
    return f;
  }

  private static Finding with(Finding f, List<Finding.Violation> violations,
      Finding.Status status, Finding.Excepted who) {
    return new Finding(f.ruleId(), f.severity(), f.title(), f.kind(), f.namespace(), f.name(),
        f.source(), f.message(), f.rationale(), f.controls(), violations, status, who);
  }

  static boolean coversRule(PolicyException e, String ruleId) {
    for (String r : e.spec().rules()) {
      if (r.equals(ruleId) || (r.endsWith("/*")
          && ruleId.startsWith(r.substring(0, r.length() - 1)))) {
        return true;
      }
    }
    return false;
  }

  static boolean coversResource(PolicyException.Resource r, SourceObject target) {
    if (r.kind() != null && !r.kind().equals(target.kind())) {
      return false;
    }
    if (r.namespace() != null && !r.namespace().equals(target.namespace())) {
      return false;
    }
    if (r.name() != null) {
      boolean prefix = r.name().endsWith("*");
      String n = prefix ? r.name().substring(0, r.name().length() - 1) : r.name();
      if (prefix ? !target.name().startsWith(n) : !n.equals(target.name())) {
        return false;
      }
    }
    if (r.labels() != null && !Pods.hasLabels(target.metadata(), r.labels())) {
      return false;
    }
    return true;
  }
}
