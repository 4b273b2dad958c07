package dev.pave.policy;

import dev.pave.spec.Document;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a platform runs its policies: which packs, their parameters (the registries allow-list,
 * say), the exceptions from files and the severity that denies. Admission, the console and
 * {@code pave check} each build their engine from one such value, so they reach one verdict.
 *
 * @param packs the packs in force, by name
 * @param parameters overrides of pack parameters, pack to name to value
 * @param exceptions exceptions read from files; those in the cluster are added by each reader
 * @param denyAt findings at this severity or above deny admission and fail the verdict
 */
public record PolicySettings(Map<String, Document<Policy>> packs,
    Map<String, Map<String, Object>> parameters, List<PolicyException> exceptions,
    Severity denyAt) {
  public PolicySettings {
    packs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(packs));
    parameters = Map.copyOf(parameters);
    exceptions = List.copyOf(exceptions);
    java.util.Objects.requireNonNull(denyAt, "denyAt");
  }

  /** Every built-in pack with these parameters, denying at {@code denyAt}: the operator's. */
  public static PolicySettings builtIn(Map<String, Map<String, Object>> parameters,
      Severity denyAt) {
    return new PolicySettings(BuiltInPacks.all(), parameters, List.of(), denyAt);
  }

  /** The same settings with the pod-security packs following this Kubernetes version. */
  public PolicySettings withPodSecurity(PodSecurityVersion version) {
    return new PolicySettings(packs, version.applyTo(parameters), exceptions, denyAt);
  }

  /** The Kubernetes version whose Pod Security checks these settings apply. */
  public PodSecurityVersion podSecurity() {
    return PodSecurityVersion.of(parameters);
  }

  /** The engine for these settings, or the problems that prevent it. */
  public PolicyEngine.Built build() {
    return PolicyEngine.build(List.copyOf(packs.values()), parameters,
        Limits.of(System::nanoTime));
  }
}
