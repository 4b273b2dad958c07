package dev.pave.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pave.spec.Application;
import dev.pave.spec.Document;
import dev.pave.spec.Problem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pave validate}: is this spec right, and if not, where and how to fix it. */
@Command(name = "validate",
    mixinStandardHelpOptions = true,
    header = "Check specs for errors, with the line, the field and what would be valid.",
    description = "Reads pave.yaml files and reports every problem: unknown or misspelt fields,"
        + " wrong types, values out of range and settings that contradict each other. Each"
        + " problem names the file, line, column and field path.",
    footer = {"", "Examples:",
        "  pave validate",
        "  pave validate services/",
        "  pave validate pave.yaml -o json",
        "", "Exit codes: 0 valid, 2 invalid input or usage."})
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE|DIR", arity = "0..*",
      description = "Spec files or directories (default: ./pave.yaml).")
  List<Path> inputs = new ArrayList<>();

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
      description = "text or json (default ${DEFAULT-VALUE}).")
  String output;

  @Option(names = "--environments", paramLabel = "FILE|DIR",
      description = "Environment definitions that override or add to the built-in ones.")
  List<Path> environments = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    if (!output.equals("text") && !output.equals("json")) {
      throw new UserError("unknown output format \"" + output + "\"; use text or json");
    }
    List<Path> in = inputs.isEmpty() ? List.of(Path.of("pave.yaml")) : inputs;
    Workspace ws = Workspace.load(in, environments);
    PrintWriter out = spec.commandLine().getOut();
    if (output.equals("json")) {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("valid", ws.problems.isEmpty());
      report.put("applications", ws.applications.stream()
          .map(d -> Map.of("name", d.value().name(), "source", d.positions().source())).toList());
      List<Map<String, Object>> problems = new ArrayList<>();
      for (Problem p : ws.problems) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", p.source());
        m.put("line", p.line());
        m.put("column", p.column());
        m.put("path", p.path());
        m.put("message", p.message());
        problems.add(m);
      }
      report.put("problems", problems);
      out.println(JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
          .writeValueAsString(report));
      out.flush();
      return ws.problems.isEmpty() ? ExitCode.OK : ExitCode.INVALID;
    }
    if (!ws.problems.isEmpty()) {
      Problems.print(spec.commandLine().getErr(), ws.problems, ".");
      return ExitCode.INVALID;
    }
    for (Document<Application> d : ws.applications) {
      out.println(d.positions().source() + ": valid (Application " + d.value().name() + ", team "
          + d.value().spec().team() + ")");
    }
    out.flush();
    return ExitCode.OK;
  }
}
