package dev.pave.policy.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.policy.CheckRun;
import dev.pave.policy.Finding;
import dev.pave.spec.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Findings as JSON for programs: one object per finding with every field. */
public final class JsonReport {
  private JsonReport() {}

  public static String render(CheckRun run) {
    java.io.StringWriter out = new java.io.StringWriter();
    write(run, out);
    return out.toString();
  }

  /** Streams the report, one finding at a time, so a large check never holds it all. */
  public static void write(CheckRun run, java.io.Writer out) {
    ObjectMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
        .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET).build();
    try (JsonGenerator gen = mapper.getFactory().createGenerator(out)) {
      gen.useDefaultPrettyPrinter();
      gen.writeStartObject();
      gen.writeStringField("failOn", run.failOn().name().toLowerCase(Locale.ROOT));
      gen.writeNumberField("blocking", run.blocking());
      gen.writeNumberField("checked", run.checked().size());
      gen.writeFieldName("skipped");
      mapper.writeValue(gen, run.skipped().stream().map(o -> o.describe()).toList());
      gen.writeArrayFieldStart("findings");
      for (CheckRun.Checked c : run.checked()) {
        for (Finding f : c.findings()) {
          mapper.writeValue(gen, finding(f));
        }
      }
      gen.writeEndArray();
      gen.writeFieldName("problems");
      mapper.writeValue(gen, run.problems().stream().map(Problem::format).toList());
      gen.writeFieldName("warnings");
      mapper.writeValue(gen, run.warnings());
      gen.writeEndObject();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    try {
      out.write("\n");
      out.flush();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, Object> finding(Finding f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rule", f.ruleId());
    m.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
    m.put("status", f.status().name().toLowerCase(Locale.ROOT));
    m.put("resource", Map.of("kind", f.kind(), "namespace", f.namespace(), "name", f.name()));
    m.put("file", f.source());
    m.put("title", f.title());
    m.put("message", f.message());
    m.put("rationale", f.rationale());
    m.put("controls", f.controls());
    List<Map<String, Object>> vs = new ArrayList<>();
    for (Finding.Violation v : f.violations()) {
      Map<String, Object> vm = new LinkedHashMap<>();
      vm.put("element", v.element());
      vm.put("path", v.path());
      vm.put("line", v.position().line());
      vm.put("column", v.position().column());
      vm.put("patch", v.patch());
      vm.put("fixed", v.fixed());
      vm.put("specFix", v.specFix());
      vs.add(vm);
    }
    m.put("violations", vs);
    if (f.excepted() != null) {
      m.put("exception", f.excepted());
    }
    return m;
  }
}
