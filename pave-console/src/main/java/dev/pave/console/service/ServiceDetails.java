package dev.pave.console.service;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.pave.console.catalog.Applications;
import dev.pave.console.catalog.ServiceEntry;
import dev.pave.console.catalog.ServiceIndex;
import dev.pave.control.ApplicationResource;
import dev.pave.control.Releases;
import dev.pave.policy.CheckRun;
import dev.pave.policy.Finding;
import dev.pave.release.Revision;
import dev.pave.release.Revisions;
import dev.pave.render.Manifests;
import dev.pave.render.Renderer;
import dev.pave.spec.Application;
import dev.pave.spec.Document;
import dev.pave.spec.Environment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gathers what the service page shows: spec, rendered objects, status per environment,
 * revisions, policy findings and links. Secret values never leave this class: rendered Secrets
 * and Secret-like objects in revisions are shown with their data replaced.
 */
public final class ServiceDetails {
  public static final String REDACTED = "(redacted: the console never shows Secret values)";

  private final ServiceIndex index;
  private final Clock clock;
  private final Links links;

  public record Details(ServiceEntry entry, List<ServiceEntry> environments, String specYaml,
      String renderedYaml, List<String> specProblems, List<Revision> revisions,
      List<Finding> findings, Map<String, String> links, ResourceTree.Tree tree) {}

  public ServiceDetails(ServiceIndex index, Clock clock, Links links) {
    this.index = index;
    this.clock = clock;
    this.links = links;
  }

  public static Releases.Target target(ServiceEntry e) {
    return new Releases.Target(e.app(), e.environment(), e.namespace());
  }

  public Details of(ServiceEntry e) {
    ApplicationResource a = index.resource(e).orElse(null);
    String specYaml = a == null ? "" : Applications.specYaml(a);
    List<String> problems = new ArrayList<>();
    String rendered = "";
    List<Finding> findings = List.of();
    if (a != null) {
      var read = Applications.read(a);
      read.problems().forEach(p -> problems.add(p.path() + ": " + p.message()));
      Environment env = index.environments().get(e.environment());
      if (env == null) {
        problems.add("environment \"" + e.environment() + "\" is not known to the console");
      } else if (read.ok() && !read.applications().isEmpty()) {
        Document<Application> spec = read.applications().get(0);
        rendered = Manifests.yaml(redact(Renderer.render(spec.value(), env)));
        CheckRun run = index.policies().check(spec, env, clock.instant());
        findings = run.findings();
      }
    }
    return new Details(e, index.environmentsOf(e.app()), specYaml, rendered, problems,
        revisions(e), findings, links.of(e),
        ResourceTree.of(e, a == null ? null : a.getStatus(), index::workload));
  }

  /** The kept revisions, newest first, from the console's cache. */
  public List<Revision> revisions(ServiceEntry e) {
    return index.history(e);
  }

  /** Unified diff of the rendered objects of two revisions, Secret data redacted. */
  public Optional<String> diff(ServiceEntry e, int from, int to) {
    Optional<Revision> a = index.revision(e, from);
    Optional<Revision> b = index.revision(e, to);
    if (a.isEmpty() || b.isEmpty()) {
      return Optional.empty();
    }
    List<String> left = Arrays.asList(yamlOf(a.get()).split("\n", -1));
    List<String> right = Arrays.asList(yamlOf(b.get()).split("\n", -1));
    var patch = DiffUtils.diff(left, right);
    List<String> lines = UnifiedDiffUtils.generateUnifiedDiff("revision " + from,
        "revision " + to, left, patch, 3);
    return Optional.of(lines.isEmpty() ? "" : String.join("\n", lines));
  }

  /** The rendered objects of two revisions, object by object, Secret data redacted. */
  public Optional<List<ObjectDiffs.ObjectDiff>> objectDiffs(ServiceEntry e, int from, int to) {
    Optional<Revision> a = index.revision(e, from);
    Optional<Revision> b = index.revision(e, to);
    if (a.isEmpty() || b.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(ObjectDiffs.of(redacted(a.get()), redacted(b.get())));
  }

  private static List<Map<String, Object>> redacted(Revision r) {
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Map<String, Object> o : Revisions.objects(r)) {
      objects.add(redact(o));
    }
    return objects;
  }

  static String yamlOf(Revision r) {
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Map<String, Object> o : Revisions.objects(r)) {
      objects.add(redact(o));
    }
    StringBuilder b = new StringBuilder();
    for (Map<String, Object> o : objects) {
      b.append("---\n").append(Manifests.yamlOf(o));
    }
    return b.toString();
  }

  private static List<HasMetadata> redact(List<HasMetadata> objects) {
    List<HasMetadata> out = new ArrayList<>();
    for (HasMetadata o : objects) {
      if (o instanceof io.fabric8.kubernetes.api.model.Secret s) {
        io.fabric8.kubernetes.api.model.Secret copy =
            new io.fabric8.kubernetes.api.model.SecretBuilder(s).build();
        if (copy.getData() != null) {
          copy.getData().replaceAll((k, v) -> REDACTED);
        }
        if (copy.getStringData() != null) {
          copy.getStringData().replaceAll((k, v) -> REDACTED);
        }
        out.add(copy);
      } else {
        out.add(o);
      }
    }
    return out;
  }

  /** A Secret's data and stringData replaced; everything else as it is. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> redact(Map<String, Object> o) {
    if (!"Secret".equals(o.get("kind"))) {
      return o;
    }
    Map<String, Object> copy = new LinkedHashMap<>(o);
    for (String field : List.of("data", "stringData")) {
      if (copy.get(field) instanceof Map<?, ?> m) {
        Map<String, Object> r = new LinkedHashMap<>();
        ((Map<String, Object>) m).keySet().forEach(k -> r.put(k, REDACTED));
        copy.put(field, r);
      }
    }
    return copy;
  }
}
