package dev.pave.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.schema.SchemaGenerator;
import dev.pave.spec.Application;
import dev.pave.spec.Environment;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pave schema}: the JSON Schema editors use to complete and check pave.yaml. */
@Command(name = "schema",
    mixinStandardHelpOptions = true,
    header = "Print the JSON Schema of pave.yaml (or of an Environment).",
    footer = {"", "Examples:",
        "  pave schema > pave.schema.json",
        "  pave schema --kind Environment"})
final class SchemaCommand implements Callable<Integer> {
  static final String BASE = "https://pave.dev/schema/";

  @Spec CommandSpec spec;

  @Option(names = "--kind", defaultValue = "Application",
      description = "Application or Environment (default ${DEFAULT-VALUE}).")
  String kind;

  @Override
  public Integer call() throws JsonProcessingException {
    spec.commandLine().getOut().print(text(kind));
    spec.commandLine().getOut().flush();
    return ExitCode.OK;
  }

  static String text(String kind) throws JsonProcessingException {
    Object schema = switch (kind) {
      case "Application" -> SchemaGenerator.jsonSchema(Application.class,
          BASE + "application.schema.json");
      case "Environment" -> SchemaGenerator.jsonSchema(Environment.class,
          BASE + "environment.schema.json");
      default -> throw new UserError("unknown kind \"" + kind
          + "\"; expected Application or Environment");
    };
    return JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
        .writeValueAsString(schema) + "\n";
  }
}
