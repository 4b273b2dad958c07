package dev.pave.policy;

import dev.pave.render.Renderer;
import dev.pave.source.SourceObject;
import dev.pave.spec.Application;
import dev.pave.spec.Document;
import dev.pave.spec.Environment;
import dev.pave.spec.Position;
import dev.pave.spec.Problem;
import dev.pave.spec.SourceMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One check over a set of objects: the pure function behind {@code pave check}. Specs are
 * rendered first and their findings point back into the spec file.
 */
public final class Checker {
  /** Where a rendered field comes from in pave.yaml, for pointing findings at the spec. */
  private static final Map<String, String> SPEC_ORIGIN = specOrigin();

  private Checker() {}

  private static Map<String, String> specOrigin() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("metadata.labels", "spec.team");
    m.put("spec.replicas", "spec.replicas");
    m.put("spec.minReplicas", "spec.autoscale");
    m.put("image", "spec.image");
    m.put("resources", "spec.resources");
    m.put("readinessProbe", "spec.health");
    m.put("livenessProbe", "spec.health");
    m.put("env", "spec.env");
    return m;
  }

  public static CheckRun check(List<SourceObject> objects, List<Document<Application>> specs,
      Environment env, PolicyEngine engine, List<PolicyException> exceptions, Instant now,
      Severity failOn, List<Problem> problems, int expiryWarningDays) {
    List<SourceObject> all = new ArrayList<>(objects);
    for (Document<Application> spec : specs) {
      for (HasMetadata o : Renderer.render(spec.value(), env)) {
        all.add(fromSpec(o, spec, env.name()));
      }
    }
    Inventory inventory = Inventory.of(all, engine.neededKinds());
    // The engine is immutable, so objects are checked in parallel; results keep input order.
    List<CheckRun.Checked> results = (all.size() > 64 ? all.parallelStream() : all.stream())
        .map(o -> checkOne(o, engine, exceptions, now, inventory)).toList();
    return assemble(results, problems, exceptions, now, failOn, expiryWarningDays);
  }

  /** One object through the engine: what {@code pave check} does for each document it reads. */
  public static CheckRun.Checked checkOne(SourceObject o, PolicyEngine engine,
      List<PolicyException> exceptions, Instant now, Inventory inventory) {
    List<String> rules = engine.rulesFor(o, inventory);
    return new CheckRun.Checked(CheckRun.Resource.of(o), rules,
        rules.isEmpty() ? List.of() : engine.evaluate(o, exceptions, now, inventory));
  }

  /** The run from checked objects: skipped ones set apart, exception expiry warnings added. */
  public static CheckRun assemble(List<CheckRun.Checked> results, List<Problem> problems,
      List<PolicyException> exceptions, Instant now, Severity failOn, int expiryWarningDays) {
    List<CheckRun.Checked> checked = new ArrayList<>();
    List<CheckRun.Resource> skipped = new ArrayList<>();
    for (CheckRun.Checked c : results) {
      if (c.rules().isEmpty()) {
        skipped.add(c.resource());
      } else {
        checked.add(c);
      }
    }
    List<String> warnings = new ArrayList<>();
    for (PolicyException e : exceptions) {
      Instant expiry = Exemptions.expiry(e);
      long days = ChronoUnit.DAYS.between(now, expiry);
      if (!now.isBefore(expiry)) {
        warnings.add("exception " + e.metadata().name() + " (owner " + e.spec().owner()
            + ") expired at " + e.spec().expiresAt() + " and no longer applies");
      } else if (days < expiryWarningDays) {
        warnings.add("exception " + e.metadata().name() + " (owner " + e.spec().owner()
            + ") expires in " + days + (days == 1 ? " day" : " days") + ", at "
            + e.spec().expiresAt());
      }
    }
    return new CheckRun(checked, skipped, problems, warnings, failOn);
  }

  private static SourceObject fromSpec(HasMetadata rendered, Document<Application> spec,
      String env) {
    Map<String, Object> tree = dev.pave.render.Manifests.toMap(rendered);
    SourceMap src = spec.positions();
    SourceMap at = new SourceMap(src.source());
    Position root = src.keyOf("spec");
    at.putValue("", root);
    Object pod = dev.pave.policy.Pods.of(tree);
    for (Map.Entry<String, String> e : SPEC_ORIGIN.entrySet()) {
      String override = e.getValue().replace("spec.", "spec.overrides." + env + ".");
      Position p = src.has(override) ? src.keyOf(override)
          : src.has(e.getValue()) ? src.keyOf(e.getValue()) : root;
      at.putValue(e.getKey(), p);
      if (pod != null) {
        Pods.Pod pp = (Pods.Pod) pod;
        for (Pods.Element c : Pods.containers(pp)) {
          at.putValue(c.indexPath() + "." + e.getKey(), p);
        }
      }
    }
    return new SourceObject(tree, at);
  }
}
