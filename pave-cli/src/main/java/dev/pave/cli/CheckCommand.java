package dev.pave.cli;

import dev.pave.policy.CheckRun;
import dev.pave.policy.Checker;
import dev.pave.policy.Finding;
import dev.pave.policy.Inventory;
import dev.pave.policy.PolicyEngine;
import dev.pave.policy.Severity;
import dev.pave.policy.report.GithubReport;
import dev.pave.policy.report.GitlabReport;
import dev.pave.policy.report.JsonReport;
import dev.pave.policy.report.JunitReport;
import dev.pave.policy.report.SarifReport;
import dev.pave.policy.report.TextReport;
import dev.pave.source.SourceObject;
import dev.pave.source.SourceReader;
import dev.pave.spec.Application;
import dev.pave.spec.Document;
import dev.pave.spec.Problem;
import dev.pave.spec.ReadResult;
import dev.pave.spec.SpecReader;
import dev.pave.spec.Suggest;
import dev.pave.spec.YamlDocuments;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pave check}: the policy engine over files, the same verdicts as admission. */
@Command(name = "check",
    mixinStandardHelpOptions = true,
    header = "Check Kubernetes objects and pave.yaml specs against policy packs.",
    description = "Reads files, directories (every .yaml, .yml and .json below them) or standard"
        + " input (-): multi-document YAML, JSON, List objects, Helm or Kustomize output,"
        + " and pave.yaml specs (rendered for --env first). Each finding names the resource,"
        + " the field with its file, line and column, why it matters, the controls it serves"
        + " and the fix. The admission webhook and the audit run the same rules with the"
        + " same messages.",
    footer = {"", "Examples:",
        "  pave check deploy/",
        "  helm template my-chart | pave check -",
        "  kustomize build overlays/prod | pave check - --format sarif > pave.sarif",
        "  pave check pave.yaml -e prod --pack pod-security-restricted --fail-on high",
        "  pave check manifests/ --policies policies/ --exceptions exceptions/ -o junit",
        "  pave check deploy/ -o github    # in a GitHub Actions step",
        "  pave check deploy/ -o gitlab > gl-code-quality-report.json",
        "", "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 invalid input or usage."})
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PATH", arity = "1..*",
      description = "Files or directories to check; - reads standard input.")
  List<String> paths = new ArrayList<>();

  @Option(names = {"-o", "--output", "--format"}, defaultValue = "text", paramLabel = "FORMAT",
      description = "text, json, sarif, junit, github (workflow commands that annotate the"
          + " pull request; a table in $GITHUB_STEP_SUMMARY when set) or gitlab (a Code Quality"
          + " report) (default ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--fail-on", defaultValue = "low", paramLabel = "SEVERITY",
      description = "Lowest severity that fails the run: critical, high, medium, low or info"
          + " (default ${DEFAULT-VALUE}).")
  String failOn;




  @Option(names = {"-e", "--env"}, defaultValue = "prod", paramLabel = "ENV",
      description = "Environment pave.yaml specs are rendered for (default ${DEFAULT-VALUE}).")
  String environment;


  @Option(names = "--warn-expiring", defaultValue = "14", paramLabel = "DAYS",
      description = "Warn about exceptions that expire within DAYS (default ${DEFAULT-VALUE}).")
  int warnDays;

  @Option(names = "--environments", paramLabel = "FILE|DIR",
      description = "Environment definitions for rendering specs.")
  List<Path> environments = new ArrayList<>();

  @Option(names = "--parse-only", hidden = true,
      description = "Read and parse the inputs, evaluate nothing (the benchmarks' baseline).")
  boolean parseOnly;

  @Option(names = "--timings", hidden = true,
      description = "Print how long each phase took to standard error (for the benchmarks).")
  boolean timings;

  /** Milliseconds since the JVM started, at the end of each phase, when --timings is given. */
  private void phase(String name) {
    if (timings) {
      spec.commandLine().getErr().println("timing: " + name + " done at "
          + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms");
      spec.commandLine().getErr().flush();
    }
  }

  @Mixin PolicyOptions policy;

  @Override
  public Integer call() throws IOException {
    Severity threshold = severity(failOn);
    if (!FORMATS.contains(format)) {
      throw new UserError("unknown format \"" + format + "\"" + Suggest.didYouMean(format,
          FORMATS) + "; use " + String.join(", ", FORMATS));
    }
    // The packs are read and compiled on another thread while the inputs are read and split.
    java.util.concurrent.FutureTask<PolicyOptions.Loaded> loading = parseOnly ? null
        : new java.util.concurrent.FutureTask<>(policy::load);
    if (loading != null) {
      Thread t = new Thread(loading, "pave-load-packs");
      t.setDaemon(true);
      t.start();
      // The CEL environment is built beside the reading of the packs, not after it.
      Thread cel = new Thread(PolicyEngine::prepare, "pave-prepare-cel");
      cel.setDaemon(true);
      cel.start();
    }
    phase("start");
    List<Input> inputs = null;
    IOException unreadable = null;
    try {
      inputs = inputs();
    } catch (IOException e) {
      unreadable = e;
    }
    // Pack problems are reported before unreadable inputs, as when one came after the other.
    phase("read and split inputs");
    PolicyOptions.Loaded loaded = loading == null ? null : join(loading);
    phase("compile packs");
    if (loaded != null && loaded.engine() == null) {
      Problems.print(spec.commandLine().getErr(), loaded.problems(), "; nothing was checked.");
      return ExitCode.INVALID;
    }
    if (unreadable != null) {
      throw unreadable;
    }
    List<Problem> problems = new ArrayList<>();
    List<SourceObject> objects = new ArrayList<>();
    List<Document<Application>> specs = new ArrayList<>();
    List<CheckRun.Checked> streamed = new ArrayList<>();
    Instant now = Instant.now();
    Map<String, String> texts = new java.util.HashMap<>();
    Inventory inventory = Inventory.NONE;
    if (!parseOnly && !loaded.engine().neededKinds().isEmpty()) {
      // A first, cheap pass: only documents of the kinds rules look up are parsed.
      List<SourceObject> related = new ArrayList<>();
      for (Input in : inputs) {
        related.addAll(in.pieces() == null
            ? SourceReader.readKinds(in.source(), in.text(), loaded.engine().neededKinds())
            : SourceReader.readKinds(in.source(), in.pieces(), loaded.engine().neededKinds()));
      }
      inventory = Inventory.of(related, loaded.engine().neededKinds());
    }
    Inventory known = inventory;
    phase("related objects");
    int parsed = 0;
    for (Input in : inputs) {
      String source = in.source();
      if (format.equals("sarif")) {
        texts.put(source, in.text());
      }
      if (in.pieces() == null) {
        collect(source, in.text(), objects, specs, problems);
      } else if (parseOnly) {
        parsed += SourceReader.readEach(source, in.pieces(), o -> 1, problems).size();
      } else {
        // Objects are checked as they are read, so a large input is never held whole.
        streamed.addAll(SourceReader.readEach(source, in.pieces(),
            o -> forReport(Checker.checkOne(mutated(o, loaded), loaded.engine(),
                loaded.exceptions(), now, known), in.pieces()),
            problems));
      }
    }
    if (parseOnly) {
      spec.commandLine().getOut().println((parsed + objects.size()) + " objects, "
          + specs.size() + " specs, " + problems.size() + " problems");
      spec.commandLine().getOut().flush();
      return problems.isEmpty() ? ExitCode.OK : ExitCode.INVALID;
    }
    phase("check");
    Workspace ws = specs.isEmpty() ? null : Workspace.load(List.of(), environments);
    objects.replaceAll(o -> mutated(o, loaded));
    CheckRun fromSpecs = Checker.check(objects, specs, ws == null ? null
        : ws.environment(environment), loaded.engine(), loaded.exceptions(), now, threshold,
        List.of(), warnDays);
    List<CheckRun.Checked> all = new ArrayList<>(streamed);
    all.addAll(fromSpecs.checked());
    fromSpecs.skipped().forEach(s -> all.add(new CheckRun.Checked(s, List.of(), List.of())));
    CheckRun run = Checker.assemble(all, problems, loaded.exceptions(), now, threshold,
        warnDays);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    run.warnings().forEach(w -> err.println("warning: " + w));
    denied.forEach(d -> err.println("error: " + d));
    err.flush();
    switch (format) {
      case "json" -> {
        java.io.OutputStream bytes = Stdout.bytesUnder(out);
        if (bytes != null) {
          out.flush();
          try {
            JsonReport.write(run, bytes, renderedJson::get);
          } catch (java.io.UncheckedIOException e) {
            // Whoever read standard output has gone (`| head`): stop writing quietly, as the
            // text writer does, and keep the check's exit code.
          }
        } else {
          JsonReport.write(run, out, renderedJson::get);
        }
      }
      case "sarif" -> SarifReport.write(run, loaded.engine(), versionText(),
          source -> texts.get(source), textFixes::get, out);
      case "junit" -> JunitReport.write(run, out);
      case "github" -> {
        GithubReport.write(run, out);
        stepSummary(run);
      }
      case "gitlab" -> GitlabReport.write(run, out);
      default -> TextReport.write(run, out);
    }
    out.flush();
    phase("report");
    // A MutatingAdmissionPolicy that denies an object fails the run as a finding would.
    return denied.isEmpty() ? run.exitCode() : Math.max(run.exitCode(), ExitCode.FAILURE);
  }

  /** What a MutatingAdmissionPolicy denied, with the object's file and name. */
  private final List<String> denied = java.util.Collections.synchronizedList(new ArrayList<>());

  /**
   * The object as admission would store it after the MutatingAdmissionPolicies of --policies,
   * keeping its file positions (a field a policy added has none).
   */
  private SourceObject mutated(SourceObject o, PolicyOptions.Loaded loaded) {
    if (loaded.mutating() == null || loaded.mutating().isEmpty()) {
      return o;
    }
    dev.pave.policy.MutatingPolicies.Result r = loaded.mutating().mutate(o.object(),
        policy.userInfo());
    r.errors().forEach(e -> denied.add(o.positions().source() + ": " + o.kind() + "/"
        + o.name() + ": " + e));
    return r.applied().isEmpty() ? o : new SourceObject(r.object(), o.positions());
  }

  /**
   * One input: its documents split apart, or its whole text when it holds pave.yaml specs
   * (read by the spec reader) or when the SARIF report needs it for text edits.
   */
  private record Input(String source, String text, List<YamlDocuments.Piece> pieces) {}

  /** Every input read once and split once, for both passes over it. */
  private List<Input> inputs() throws IOException {
    List<Input> out = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (String p : paths) {
      if (p.equals("-")) {
        out.add(input("<stdin>", new String(System.in.readAllBytes(), StandardCharsets.UTF_8)));
      } else {
        files.addAll(inputFiles(Path.of(p)));
      }
    }
    for (Path f : files) {
      out.add(input(f.toString(), read(f)));
    }
    return out;
  }

  private Input input(String source, String text) {
    if (text.contains(Application.API_VERSION)) {
      return new Input(source, text, null);
    }
    return new Input(source, format.equals("sarif") ? text : null, YamlDocuments.split(text));
  }

  private static PolicyOptions.Loaded join(
      java.util.concurrent.FutureTask<PolicyOptions.Loaded> loading) throws IOException {
    try {
      return loading.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while compiling the policy packs", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Findings of the JSON report rendered while the objects are checked, on every core; the
   * report then only copies them. By identity: two findings can be equal records.
   */
  private final Map<Finding, byte[]> renderedJson =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  /** The SARIF report's text edits, worked out while checking; by identity, as above. */
  private final Map<Finding.Violation, java.util.Optional<dev.pave.policy.fix.TextFix>>
      textFixes = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  /**
   * Works out the fixed snippets the chosen report shows (for JSON, the whole finding) while
   * the objects are still being checked on every core, instead of one by one while the report
   * is written; the objects they come from can then be dropped early.
   */
  private CheckRun.Checked forReport(CheckRun.Checked c,
      List<YamlDocuments.Piece> pieces) {
    if (format.equals("junit") || format.equals("github") || format.equals("gitlab")) {
      return c;  // these show no fixed forms
    }
    if (format.equals("sarif")) {
      // The text edit of each fix re-reads its document and checks that the edited text reads
      // back as the patched object: work for every core, not for the report at the end.
      for (Finding f : c.findings()) {
        for (Finding.Violation v : f.violations()) {
          v.fixed();
          textFixes.put(v, java.util.Optional.ofNullable(
              dev.pave.policy.fix.TextFix.of(pieces, v)));
        }
      }
      return c;
    }
    if (format.equals("json")) {
      // Once rendered, only a finding's verdict is still read (for the totals and the exit
      // code): its violations, patches and fixed forms are let go instead of being kept, and
      // copied by every collection, until the report is written.
      List<Finding> kept = new ArrayList<>(c.findings().size());
      for (Finding f : c.findings()) {
        Finding verdict = f.withoutViolations();
        renderedJson.put(verdict, JsonReport.finding(f));
        kept.add(verdict);
      }
      return new CheckRun.Checked(c.resource(), c.rules(), kept);
    }
    for (Finding f : c.findings()) {
      for (Finding.Violation v : f.violations()) {
        v.fixed();
        if (format.equals("text")) {
          break;  // the text report shows the first violation's fix only
        }
      }
    }
    return c;
  }

  static final List<String> FORMATS = List.of("text", "json", "sarif", "junit", "github",
      "gitlab");

  /** Rows of the job summary at most: GitHub refuses a summary over 1 MiB. */
  private static final int SUMMARY_ROWS = 1000;

  @Option(names = "--step-summary", hidden = true, paramLabel = "FILE",
      defaultValue = "${env:GITHUB_STEP_SUMMARY}",
      description = "Where -o github appends its Markdown table ($GITHUB_STEP_SUMMARY).")
  String stepSummaryFile;

  /** Appends the findings' table to the job summary file GitHub Actions names, if it does. */
  private void stepSummary(CheckRun run) throws IOException {
    String file = stepSummaryFile;
    if (file == null || file.isBlank()) {
      return;
    }
    try (java.io.Writer w = Files.newBufferedWriter(Path.of(file), StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
      GithubReport.summary(run, w, SUMMARY_ROWS);
    }
  }

  private static String versionText() {
    String v = Pave.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-dev" : v;
  }

  private static void collect(String source, String text, List<SourceObject> objects,
      List<Document<Application>> specs, List<Problem> problems) {
    SourceReader.Result r = SourceReader.read(source, text);
    problems.addAll(r.problems());
    boolean hasSpecs = r.objects().stream().anyMatch(o -> o.kind().equals(Application.KIND)
        && o.apiVersion().equals(Application.API_VERSION));
    if (hasSpecs) {
      ReadResult specRead = SpecReader.read(source, text);
      problems.addAll(specRead.problems());
      specs.addAll(specRead.applications());
    }
    for (SourceObject o : r.objects()) {
      boolean pave = o.apiVersion().equals(Application.API_VERSION);
      if (!pave) {
        objects.add(o);
      }
    }
  }

  static Severity severity(String text) {
    for (Severity s : Severity.values()) {
      if (s.name().toLowerCase(Locale.ROOT).equals(text)) {
        return s;
      }
    }
    throw new UserError("unknown severity \"" + text + "\"; use critical, high, medium, low or"
        + " info");
  }

  private static String read(Path f) throws IOException {
    return PolicyOptions.read(f);
  }

  private static List<Path> inputFiles(Path p) throws IOException {
    return PolicyOptions.inputFiles(p);
  }
}
