package dev.pave.policy.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.policy.CheckRun;
import dev.pave.policy.Finding;
import dev.pave.spec.Problem;
import java.util.Locale;

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
          write(f, gen, mapper);
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

  /**
   * One finding, field by field through the generator: building a map per finding for the
   * mapper to walk cost as much as writing it.
   */
  private static void write(Finding f, JsonGenerator gen, ObjectMapper mapper)
      throws java.io.IOException {
    gen.writeStartObject();
    gen.writeStringField("rule", f.ruleId());
    gen.writeStringField("severity", f.severity().name().toLowerCase(Locale.ROOT));
    gen.writeStringField("status", f.status().name().toLowerCase(Locale.ROOT));
    gen.writeObjectFieldStart("resource");
    gen.writeStringField("kind", f.kind());
    gen.writeStringField("namespace", f.namespace());
    gen.writeStringField("name", f.name());
    gen.writeEndObject();
    gen.writeStringField("file", f.source());
    gen.writeStringField("title", f.title());
    gen.writeStringField("message", f.message());
    gen.writeStringField("rationale", f.rationale());
    gen.writeFieldName("controls");
    mapper.writeValue(gen, f.controls());
    gen.writeArrayFieldStart("violations");
    for (Finding.Violation v : f.violations()) {
      gen.writeStartObject();
      gen.writeStringField("element", v.element());
      gen.writeStringField("path", v.path());
      gen.writeNumberField("line", v.position().line());
      gen.writeNumberField("column", v.position().column());
      gen.writeFieldName("patch");
      mapper.writeValue(gen, v.patch());
      gen.writeStringField("fixed", v.fixed());
      gen.writeStringField("specFix", v.specFix());
      gen.writeEndObject();
    }
    gen.writeEndArray();
    if (f.excepted() != null) {
      gen.writeFieldName("exception");
      mapper.writeValue(gen, f.excepted());
    }
    gen.writeEndObject();
  }
}
