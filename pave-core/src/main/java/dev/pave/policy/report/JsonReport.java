package dev.pave.policy.report;

import com.fasterxml.jackson.core.JsonProcessingException;
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
    List<Map<String, Object>> findings = new ArrayList<>();
    for (Finding f : run.findings()) {
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
      findings.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("failOn", run.failOn().name().toLowerCase(Locale.ROOT));
    out.put("blocking", run.blocking());
    out.put("checked", run.checked().size());
    out.put("skipped", run.skipped().stream().map(o -> o.describe()).toList());
    out.put("findings", findings);
    out.put("problems", run.problems().stream().map(Problem::format).toList());
    out.put("warnings", run.warnings());
    try {
      return JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
          .writeValueAsString(out) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
