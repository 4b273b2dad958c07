package dev.pave.policy.report;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.policy.CheckRun;
import dev.pave.policy.Finding;
import dev.pave.policy.Policy;
import dev.pave.policy.PolicyEngine;
import dev.pave.policy.fix.TextFix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SARIF 2.1.0 for code-scanning dashboards: one result per offending element with its region,
 * the rule's description and controls, and the fix.
 */
public final class SarifReport {
  private SarifReport() {}

  public static String render(CheckRun run, PolicyEngine engine, String version) {
    return render(run, engine, version, source -> null);
  }

  /**
   * The SARIF log; with the files' texts, each fixable result carries a real fix: the lines to
   * replace and their new content, the same edit {@code pave fix} would make.
   */
  public static String render(CheckRun run, PolicyEngine engine, String version,
      java.util.function.Function<String, String> texts) {
    return render(run, engine, version, texts, v -> null);
  }

  /**
   * As {@link #render(CheckRun, PolicyEngine, String, java.util.function.Function)}, with the
   * text edits {@code known} gives (worked out ahead, on every core); it gives null for the
   * violations it does not know, whose edits are worked out here.
   */
  public static String render(CheckRun run, PolicyEngine engine, String version,
      java.util.function.Function<String, String> texts,
      java.util.function.Function<Finding.Violation, java.util.Optional<TextFix>> known) {
    java.io.StringWriter out = new java.io.StringWriter();
    write(run, engine, version, texts, known, out);
    return out.toString();
  }

  /**
   * As {@link #render(CheckRun, PolicyEngine, String, java.util.function.Function,
   * java.util.function.Function)}, written to {@code out} as it is serialised rather than
   * into one string first: the log of a large check is hundreds of megabytes.
   */
  public static void write(CheckRun run, PolicyEngine engine, String version,
      java.util.function.Function<String, String> texts,
      java.util.function.Function<Finding.Violation, java.util.Optional<TextFix>> known,
      java.io.Writer out) {
    // Each file is split into documents once, not once per fixable result.
    Map<String, List<dev.pave.spec.YamlDocuments.Piece>> split = new java.util.HashMap<>();
    Set<String> ruleIds = new LinkedHashSet<>();
    run.findings().forEach(f -> ruleIds.add(f.ruleId()));
    List<String> ordered = new ArrayList<>(ruleIds);
    List<Map<String, Object>> rules = new ArrayList<>();
    for (String id : ordered) {
      Policy.Rule r = engine.rule(id);
      Map<String, Object> rule = new LinkedHashMap<>();
      rule.put("id", id);
      rule.put("name", id.replace('/', '.'));
      rule.put("shortDescription", Map.of("text", r == null ? id : r.title()));
      if (r != null && r.rationale() != null) {
        rule.put("fullDescription", Map.of("text", r.rationale()));
      }
      rule.put("defaultConfiguration", Map.of("level", level(r == null ? null
          : r.severity().name())));
      if (r != null && r.controls() != null) {
        rule.put("properties", Map.of("tags", r.controls()));
      }
      rules.add(rule);
    }
    List<Map<String, Object>> results = new ArrayList<>();
    for (Finding f : run.findings()) {
      for (Finding.Violation v : f.violations()) {
        Map<String, Object> region = new LinkedHashMap<>();
        region.put("startLine", Math.max(1, v.position().line()));
        region.put("startColumn", Math.max(1, v.position().column()));
        Map<String, Object> physical = new LinkedHashMap<>();
        physical.put("artifactLocation", Map.of("uri", f.source()));
        physical.put("region", region);
        Map<String, Object> location = new LinkedHashMap<>();
        location.put("physicalLocation", physical);
        location.put("logicalLocations", List.of(ordered("fullyQualifiedName",
            f.resource() + ":" + v.path(), "kind", "resource")));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ruleId", f.ruleId());
        result.put("ruleIndex", ordered.indexOf(f.ruleId()));
        result.put("level", level(f.severity().name()));
        result.put("message", Map.of("text", f.message()));
        result.put("locations", List.of(location));
        if (f.excepted() != null) {
          result.put("suppressions", List.of(ordered("kind", "external", "status", "accepted",
              "justification", f.excepted().reason() + " (owner " + f.excepted().owner()
                  + ", until " + f.excepted().expiresAt() + ")")));
        }
        List<dev.pave.spec.YamlDocuments.Piece> pieces = split.computeIfAbsent(f.source(),
            source -> {
              String text = texts.apply(source);
              return text == null ? null : dev.pave.spec.YamlDocuments.split(text);
            });
        java.util.Optional<TextFix> ahead = known.apply(v);
        TextFix edit = ahead != null ? ahead.orElse(null)
            : pieces == null ? null : TextFix.of(pieces, v);
        if (edit != null) {
          Map<String, Object> deleted = new LinkedHashMap<>();
          deleted.put("startLine", edit.startLine());
          deleted.put("startColumn", 1);
          deleted.put("endLine", edit.endLine());
          deleted.put("endColumn", 1);
          Map<String, Object> fix = new LinkedHashMap<>();
          fix.put("description", Map.of("text", v.specFix() != null ? v.specFix()
              : "Apply the fix of " + f.ruleId()));
          fix.put("artifactChanges", List.of(ordered(
              "artifactLocation", Map.of("uri", f.source()),
              "replacements", List.of(ordered("deletedRegion", deleted,
                  "insertedContent", Map.of("text", edit.inserted()))))));
          result.put("fixes", List.of(fix));
        }
        if (v.fixed() != null && !v.patch().isEmpty()) {
          // The fix is a JSON patch on the object, not a text edit, so it travels as a
          // property rather than as a SARIF fix with artifact changes.
          Map<String, Object> props = new LinkedHashMap<>();
          props.put("patch", v.patch());
          props.put("fixed", v.fixed());
          if (v.specFix() != null) {
            props.put("specFix", v.specFix());
          }
          result.put("properties", props);
        }
        results.add(result);
      }
    }
    Map<String, Object> driver = new LinkedHashMap<>();
    driver.put("name", "pave");
    driver.put("informationUri", "https://pave.dev");
    driver.put("version", version);
    driver.put("rules", rules);
    Map<String, Object> runMap = new LinkedHashMap<>();
    runMap.put("tool", Map.of("driver", driver));
    runMap.put("results", results);
    Map<String, Object> sarif = new LinkedHashMap<>();
    sarif.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    sarif.put("version", "2.1.0");
    sarif.put("runs", List.of(runMap));
    try {
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
          .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET).build()
          .writeValue(out, sarif);
      out.write("\n");
      out.flush();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String level(String severity) {
    if (severity == null) {
      return "warning";
    }
    return switch (severity) {
      case "CRITICAL", "HIGH" -> "error";
      case "MEDIUM" -> "warning";
      default -> "note";
    };
  }

  /** A map that keeps the order its keys are given in (Map.of's order changes between runs). */
  static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }
}
