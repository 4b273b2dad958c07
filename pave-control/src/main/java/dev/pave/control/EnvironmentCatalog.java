package dev.pave.control;

import dev.pave.render.Manifests;
import dev.pave.spec.Environment;
import dev.pave.spec.ReadResult;
import dev.pave.spec.Records;
import dev.pave.spec.SpecReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environments an Application can name: the built-in ones with the cluster's Environment
 * resources laid over them field by field, as files in .pave/ are for the CLI. Pure: the
 * resources come from the operator's informer cache, never from a request per reconcile.
 */
public final class EnvironmentCatalog {
  private EnvironmentCatalog() {}

  /**
   * The known environments, and the problem of each Environment resource that is not valid:
   * only Applications in that environment are held back by it.
   */
  public record Known(Map<String, Environment> valid, Map<String, String> invalid) {}

  public static Known of(Map<String, Environment> builtIn,
      Collection<EnvironmentResource> resources) {
    List<Environment> overrides = new ArrayList<>();
    Map<String, String> invalid = new LinkedHashMap<>();
    for (EnvironmentResource r : resources) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("apiVersion", "pave.dev/v1alpha1");
      doc.put("kind", "Environment");
      doc.put("metadata", Map.of("name", r.getMetadata().getName()));
      doc.put("spec", r.getSpec() == null ? Map.of() : r.getSpec());
      ReadResult read = SpecReader.read("Environment/" + r.getMetadata().getName(),
          Manifests.yamlOf(doc));
      if (!read.ok()) {
        invalid.put(r.getMetadata().getName(), "Environment " + r.getMetadata().getName()
            + " is not valid: " + read.problems().get(0).path() + ": "
            + read.problems().get(0).message() + ".");
        continue;
      }
      overrides.add(read.environments().get(0).value());
    }
    if (overrides.isEmpty()) {
      return new Known(builtIn, invalid);
    }
    Map<String, Environment> out = new LinkedHashMap<>(builtIn);
    for (Environment e : overrides) {
      Environment base = out.get(e.name());
      out.put(e.name(), base == null ? e : new Environment(e.apiVersion(), e.kind(),
          e.metadata(), Records.overlay(base.spec(), e.spec())));
    }
    return new Known(out, invalid);
  }
}
