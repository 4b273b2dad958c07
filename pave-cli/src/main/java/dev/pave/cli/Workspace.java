package dev.pave.cli;

import dev.pave.spec.Application;
import dev.pave.spec.ApplicationChecks;
import dev.pave.spec.Document;
import dev.pave.spec.Environment;
import dev.pave.spec.Environments;
import dev.pave.spec.Problem;
import dev.pave.spec.ReadResult;
import dev.pave.spec.SpecReader;
import dev.pave.spec.Suggest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The imperative shell around the reader: finds spec files, reads them from disk and hands the
 * text to the pure core. Environments come from the built-ins, then a {@code .pave/} folder in
 * the working directory, then {@code --environments}, then Environment documents among the specs.
 */
final class Workspace {
  static final List<String> SPEC_NAMES = List.of("pave.yaml", "pave.yml");

  final List<Document<Application>> applications = new ArrayList<>();
  final List<Problem> problems = new ArrayList<>();
  final Map<String, Environment> environments;
  int files;

  private Workspace(Map<String, Environment> environments) {
    this.environments = environments;
  }

  static Workspace load(List<Path> inputs, List<Path> environmentPaths) throws IOException {
    List<Path> specFiles = new ArrayList<>();
    for (Path in : inputs) {
      specFiles.addAll(specFiles(in));
    }
    List<Environment> envs = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    List<Path> envFiles = new ArrayList<>();
    Path dotPave = Path.of(".pave");
    if (Files.isDirectory(dotPave)) {
      envFiles.addAll(yamlFiles(dotPave));
    }
    for (Path p : environmentPaths) {
      if (!Files.exists(p)) {
        throw new java.nio.file.NoSuchFileException(p.toString());
      }
      envFiles.addAll(Files.isDirectory(p) ? yamlFiles(p) : List.of(p));
    }
    for (Path f : envFiles) {
      ReadResult r = SpecReader.read(f.toString(), Files.readString(f, StandardCharsets.UTF_8));
      problems.addAll(r.problems());
      r.environments().forEach(d -> envs.add(d.value()));
      for (Document<Application> a : r.applications()) {
        problems.add(new Problem(f.toString(), a.positions().keyOf("kind").line(), 1, "kind",
            "environment files hold Environment documents only; move the Application to its"
                + " own pave.yaml"));
      }
    }
    List<ReadResult> results = specFiles.parallelStream().map(Workspace::read).toList();
    for (ReadResult r : results) {
      problems.addAll(r.problems());
      r.environments().forEach(d -> envs.add(d.value()));
    }
    Workspace ws = new Workspace(Environments.with(envs));
    ws.problems.addAll(problems);
    ws.files = specFiles.size();
    for (ReadResult r : results) {
      for (Document<Application> a : r.applications()) {
        List<Problem> p = ApplicationChecks.checkEnvironmentNames(a.value(), a.positions(),
            ws.environments.keySet());
        ws.problems.addAll(p);
        if (p.isEmpty()) {
          ws.applications.add(a);
        }
      }
    }
    return ws;
  }

  private static ReadResult read(Path file) {
    try {
      return SpecReader.read(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (java.nio.charset.MalformedInputException e) {
      return new ReadResult(List.of(), List.of(new Problem(file.toString(), 0, 0, "",
          "not UTF-8 text")));
    } catch (IOException e) {
      return new ReadResult(List.of(), List.of(new Problem(file.toString(), 0, 0, "",
          Failures.describe(e))));
    }
  }

  /** A file as given, or every pave.yaml below a directory, in a stable order. */
  static List<Path> specFiles(Path in) throws IOException {
    if (!Files.exists(in)) {
      throw new java.nio.file.NoSuchFileException(in.toString());
    }
    if (!Files.isDirectory(in)) {
      return List.of(in);
    }
    try (Stream<Path> walk = Files.walk(in)) {
      List<Path> found = walk.filter(p -> SPEC_NAMES.contains(p.getFileName().toString()))
          .filter(Files::isRegularFile)
          .sorted(Comparator.comparing(Path::toString)).toList();
      if (found.isEmpty()) {
        throw new UserError(in + ": no pave.yaml found in this directory or below it");
      }
      return found;
    }
  }

  private static List<Path> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted().toList();
    }
  }

  Environment environment(String name) {
    Environment e = environments.get(name);
    if (e == null) {
      throw new UserError("unknown environment \"" + name + "\""
          + Suggest.didYouMean(name, environments.keySet()) + " Known environments: "
          + String.join(", ", environments.keySet()) + " (add more in .pave/ or with"
          + " --environments).");
    }
    return e;
  }
}
