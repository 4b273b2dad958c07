package dev.pave.console.catalog;

import dev.pave.policy.CheckRun;
import dev.pave.policy.Checker;
import dev.pave.policy.Finding;
import dev.pave.policy.Policy;
import dev.pave.policy.PolicyEngine;
import dev.pave.policy.PolicyException;
import dev.pave.policy.PolicySettings;
import dev.pave.policy.Severity;
import dev.pave.spec.Application;
import dev.pave.spec.Document;
import dev.pave.spec.Environment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The packs and exceptions the console checks services with: the same engine and the same
 * checker as {@code pave check}, over the objects the spec renders in its environment, built
 * from the same {@link PolicySettings} admission denies with (packs, parameters such as the
 * registries allow-list, exceptions from files and the deny threshold), so the catalog's
 * verdict is admission's.
 */
public final class Policies {
  private final Map<String, Document<Policy>> packs;
  private final PolicyEngine engine;
  private final List<PolicyException> fileExceptions;
  private final Supplier<List<PolicyException>> exceptions;
  private final Severity failOn;

  /**
   * @param settings the platform's policy settings, as admission reads them
   * @param clusterExceptions the PolicyExceptions in the cluster, as they are now
   */
  public Policies(PolicySettings settings, Supplier<List<PolicyException>> clusterExceptions) {
    this.packs = settings.packs();
    PolicyEngine.Built built = settings.build();
    if (!built.problems().isEmpty()) {
      throw new IllegalArgumentException("policy packs do not compile: "
          + built.problems().get(0).message());
    }
    this.engine = built.engine();
    this.fileExceptions = settings.exceptions();
    this.exceptions = clusterExceptions;
    this.failOn = settings.denyAt();
  }

  /** Every built-in pack, failing on low and above, as {@code pave check} does by default. */
  public static Policies builtIn(Supplier<List<PolicyException>> exceptions) {
    return new Policies(PolicySettings.builtIn(Map.of(), Severity.LOW), exceptions);
  }

  public Map<String, Document<Policy>> packs() {
    return packs;
  }

  /** The exceptions from files and those in the cluster, as admission applies them. */
  public List<PolicyException> exceptions() {
    List<PolicyException> cluster = exceptions.get();
    if (fileExceptions.isEmpty()) {
      return cluster;
    }
    List<PolicyException> all = new java.util.ArrayList<>(fileExceptions);
    all.addAll(cluster);
    return all;
  }

  public Severity failOn() {
    return failOn;
  }

  public CheckRun check(Document<Application> spec, Environment env, Instant now) {
    return Checker.check(List.of(), List.of(spec), env, engine, exceptions(), now, failOn,
        List.of(), 30);
  }

  /** The catalog's verdict: Fail when a finding blocks at the threshold, else Pass. */
  public static String verdict(CheckRun run) {
    return run.blocking() > 0 ? "Fail" : "Pass";
  }

  public static int failing(CheckRun run) {
    return (int) run.findings().stream().filter(Finding::blocking).count();
  }
}
