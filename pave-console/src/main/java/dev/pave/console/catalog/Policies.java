package dev.pave.console.catalog;

import dev.pave.policy.BuiltInPacks;
import dev.pave.policy.CheckRun;
import dev.pave.policy.Checker;
import dev.pave.policy.Finding;
import dev.pave.policy.Policy;
import dev.pave.policy.PolicyEngine;
import dev.pave.policy.PolicyException;
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
 * checker as {@code pave check}, over the objects the spec renders in its environment.
 */
public final class Policies {
  private final Map<String, Document<Policy>> packs;
  private final PolicyEngine engine;
  private final Supplier<List<PolicyException>> exceptions;
  private final Severity failOn;

  public Policies(Map<String, Document<Policy>> packs, Supplier<List<PolicyException>> exceptions,
      Severity failOn) {
    this.packs = packs;
    PolicyEngine.Built built = PolicyEngine.build(List.copyOf(packs.values()), Map.of());
    if (!built.problems().isEmpty()) {
      throw new IllegalArgumentException("policy packs do not compile: "
          + built.problems().get(0).message());
    }
    this.engine = built.engine();
    this.exceptions = exceptions;
    this.failOn = failOn;
  }

  /** Every built-in pack, failing on low and above, as {@code pave check} does by default. */
  public static Policies builtIn(Supplier<List<PolicyException>> exceptions) {
    return new Policies(BuiltInPacks.all(), exceptions, Severity.LOW);
  }

  public Map<String, Document<Policy>> packs() {
    return packs;
  }

  public List<PolicyException> exceptions() {
    return exceptions.get();
  }

  public Severity failOn() {
    return failOn;
  }

  public CheckRun check(Document<Application> spec, Environment env, Instant now) {
    return Checker.check(List.of(), List.of(spec), env, engine, exceptions.get(), now, failOn,
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
