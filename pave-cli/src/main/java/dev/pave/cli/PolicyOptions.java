package dev.pave.cli;

import dev.pave.policy.AdmissionPolicies;
import dev.pave.policy.BuiltInPacks;
import dev.pave.policy.Policy;
import dev.pave.policy.PolicyEngine;
import dev.pave.policy.PolicyException;
import dev.pave.policy.PolicyReader;
import dev.pave.spec.Document;
import dev.pave.spec.Problem;
import dev.pave.spec.Suggest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/** The options that choose policies, shared by check and fix. */
final class PolicyOptions {
  @Option(names = "--pack", paramLabel = "NAME",
      description = "Built-in or --policies pack to apply (repeatable; default: all).")
  List<String> packs = new ArrayList<>();

  @Option(names = "--policies", paramLabel = "DIR", description = "More Policy packs.")
  List<Path> policyDirs = new ArrayList<>();

  @Option(names = "--exceptions", paramLabel = "DIR", description = "PolicyException files.")
  List<Path> exceptionDirs = new ArrayList<>();

  @Option(names = "--set", paramLabel = "PACK.PARAM=V1,V2",
      description = "Override a pack parameter, e.g. platform.allowedRegistries=registry.example.com")
  List<String> settings = new ArrayList<>();

  @Option(names = "--as", paramLabel = "USER", description = "User the objects are checked as"
      + " being created by: request.userInfo.username of ValidatingAdmissionPolicies.")
  String asUser = "";

  @Option(names = "--as-group", paramLabel = "GROUP", description = "Group of that user"
      + " (repeatable): request.userInfo.groups.")
  List<String> asGroups = new ArrayList<>();

  @Option(names = "--pss-version", paramLabel = "v1.NN|latest",
      description = "Apply the Pod Security checks of this Kubernetes release, as a namespace's"
          + " pod-security.kubernetes.io/enforce-version label does (default: latest, v1.36).")
  String pssVersion = "latest";

  /** The engine and exceptions, or the problems that prevent them. */
  record Loaded(PolicyEngine engine, List<PolicyException> exceptions, List<Problem> problems,
      dev.pave.policy.MutatingPolicies mutating) {}

  Loaded load() throws IOException {
    List<Problem> problems = new ArrayList<>();
    Map<String, Document<Policy>> available = new LinkedHashMap<>(BuiltInPacks.all());
    List<dev.pave.source.SourceObject> vaps = new ArrayList<>();
    List<dev.pave.source.SourceObject> bindings = new ArrayList<>();
    List<dev.pave.source.SourceObject> params = new ArrayList<>();
    for (Path file : files(policyDirs)) {
      PolicyReader.Result r = PolicyReader.read(file.toString(), read(file));
      problems.addAll(r.problems());
      r.policies().forEach(p -> available.put(p.value().name(), p));
      vaps.addAll(r.admissionPolicies());
      bindings.addAll(r.bindings());
      params.addAll(r.others());
    }
    AdmissionPolicies.toPacks(vaps, bindings, params)
        .forEach(p -> available.put(p.value().name(), p));
    dev.pave.policy.MutatingPolicies.Built mutating = dev.pave.policy.MutatingPolicies
        .compile(params);
    problems.addAll(mutating.problems());
    List<PolicyException> exceptions = new ArrayList<>();
    for (Path file : files(exceptionDirs)) {
      PolicyReader.Result r = PolicyReader.read(file.toString(), read(file));
      problems.addAll(r.problems());
      r.exceptions().forEach(e -> exceptions.add(e.value()));
    }
    if (!problems.isEmpty()) {
      return new Loaded(null, exceptions, problems, null);
    }
    List<Document<Policy>> selected;
    try {
      selected = BuiltInPacks.select(available, packs.isEmpty()
          ? List.copyOf(available.keySet()) : packs);
    } catch (IllegalArgumentException e) {
      throw new UserError("unknown pack \"" + e.getMessage() + "\"" + Suggest.didYouMean(
          e.getMessage(), available.keySet()) + " Available packs: "
          + String.join(", ", available.keySet()) + ".");
    }
    PolicyEngine.Built built = PolicyEngine.build(selected, parameters(),
        dev.pave.policy.Limits.of(System::nanoTime));
    // Files are checked as admission would check their creation by --as.
    return new Loaded(built.engine() == null ? null
        : built.engine().asCreatedBy(asUser, asGroups), exceptions, built.problems(),
        mutating.policies());
  }

  /** The request's user for MutatingAdmissionPolicies, as --as and --as-group give it. */
  Map<String, Object> userInfo() {
    return dev.pave.policy.MutatingPolicies.userInfo(asUser, asGroups);
  }

  /**
   * The MutatingAdmissionPolicies (with their bindings and parameter objects) in the files
   * below {@code dirs}, or the problems that keep them from compiling.
   */
  static dev.pave.policy.MutatingPolicies.Built mutating(List<Path> dirs) throws IOException {
    List<Problem> problems = new ArrayList<>();
    List<dev.pave.source.SourceObject> objects = new ArrayList<>();
    for (Path file : files(dirs)) {
      PolicyReader.Result r = PolicyReader.read(file.toString(), read(file));
      problems.addAll(r.problems());
      objects.addAll(r.others());
    }
    dev.pave.policy.MutatingPolicies.Built built = dev.pave.policy.MutatingPolicies
        .compile(objects);
    problems.addAll(built.problems());
    return new dev.pave.policy.MutatingPolicies.Built(problems.isEmpty() ? built.policies()
        : null, problems);
  }

  private Map<String, Map<String, Object>> parameters() {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (String s : settings) {
      int dot = s.indexOf('.');
      int eq = s.indexOf('=');
      if (dot < 1 || eq < dot + 2) {
        throw new UserError("--set " + s + ": expected PACK.PARAM=VALUE[,VALUE...], for example"
            + " platform.allowedRegistries=registry.example.com");
      }
      String value = s.substring(eq + 1);
      out.computeIfAbsent(s.substring(0, dot), k -> new LinkedHashMap<>()).put(
          s.substring(dot + 1, eq), value.isEmpty() ? List.of() : List.of(value.split(",")));
    }
    return podSecurity().applyTo(out);
  }

  /** The release whose Pod Security checks apply, from --pss-version. */
  dev.pave.policy.PodSecurityVersion podSecurity() {
    try {
      return dev.pave.policy.PodSecurityVersion.parse(pssVersion);
    } catch (IllegalArgumentException e) {
      throw new UserError("--pss-version: " + e.getMessage());
    }
  }

  static String read(Path f) throws IOException {
    return Files.readString(f, StandardCharsets.UTF_8);
  }

  /** A file as given, or every .yaml, .yml and .json below a directory, sorted. */
  static List<Path> inputFiles(Path p) throws IOException {
    if (!Files.exists(p)) {
      throw new java.nio.file.NoSuchFileException(p.toString());
    }
    if (!Files.isDirectory(p)) {
      return List.of(p);
    }
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).filter(f -> {
        String n = f.getFileName().toString();
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
      }).sorted().toList();
    }
  }

  static List<Path> files(List<Path> dirs) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path d : dirs) {
      out.addAll(inputFiles(d));
    }
    return out;
  }
}
