package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.cli.DocBlocks.Block;
import dev.pave.policy.PolicyReader;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.config.SecretSource;
import dev.pave.team.TeamReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * Every fenced code block of docs/*.md and README.md is run, read or checked here, so a snippet
 * that stops being true fails the build, and a new snippet no handler covers fails too. A block
 * is handled by what it is:
 *
 * <ul>
 *   <li>YAML of a Pave kind: read by the product's reader for that kind; a fragment of a
 *       pave.yaml is read inside a minimal Application. Zero problems, unless the next block is
 *       the error output the doc states for it.
 *   <li>Output ({@code error: ...} lines, a check report): compared with the real output of the
 *       input the doc shows, or of a fixture here that the doc describes.
 *   <li>Shell lines: {@code pave} parsed by the real command line and run where it runs
 *       offline; {@code kubectl} flags checked against {@code kubectl VERB --help}; {@code curl}
 *       paths against the route tables; {@code ./mvnw}, {@code docker}, {@code helm},
 *       {@code sed} against the modules, tests, profiles, charts and files they name.
 *   <li>Java: compiled against the test classpath.
 *   <li>Blocks another test runs as written: {@link #COVERED_ELSEWHERE}.
 * </ul>
 *
 * <p>{@code pave} commands parsed only, not run: {@code up} (the whole platform, run by
 * UpCommandTest), {@code console} (PostgreSQL and an OIDC provider), {@code signals} (runs
 * until stopped) and {@code signals replay} (its database), {@code history} (revisions of a
 * running sandbox).
 */
class DocsSnippetsTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** Blocks another test runs as written, and that test's source, which must name the doc. */
  static final Map<String, String> COVERED_ELSEWHERE = Map.of(
      "docs/insights.md#0", "pave-cli/src/test/java/dev/pave/cli/InsightsCommandTest.java",
      "docs/identity.md#0", "pave-core/src/test/java/dev/pave/identity/IdentityContractTest.java");

  private static final String APP_HEAD = """
      apiVersion: pave.dev/v1alpha1
      kind: Application
      metadata:
        name: checkout
      spec:
      """;

  private static final String BODY = """
        team: payments
        image: registry.example.com/payments/checkout:1.4.2
        port: 8080
      """;

  /** Where a command's output is not reproducible from the doc alone, the input that gives it. */
  static final Map<String, List<Fixture>> FIXTURES = Map.of(
      // "and others look like": one file per line, each giving only that problem.
      "docs/spec.md#22", List.of(
          new Fixture("pave.yaml", APP_HEAD.replace("checkout", "Check_Out") + BODY),
          new Fixture("pave.yaml", APP_HEAD + "  team: payments\n  port: 70000\n"
              + "  image: registry.example.com/payments/checkout:1.4.2\n"),
          new Fixture("pave.yaml", APP_HEAD + "  image: registry.example.com/payments/checkout:1.4.2\n"
              + "  port: 8080\n"),
          new Fixture("pave.yaml", APP_HEAD + BODY + """
                description: Takes payments.
                tier: standard
                replicas: 2
                user: 1000
                metrics: {port: 9100}
                dependsOn: [orders:99999]
              """),
          new Fixture("pave.yaml", APP_HEAD + "  command: [/app/server\n")),
      // "once the problems above are fixed, the same file": docs/spec.md#23 fixed in place.
      "docs/spec.md#25", List.of(new Fixture("pave.yaml", APP_HEAD + """
            team: payments
            image: registry.example.com/payments/checkout:1.4.2
            replicas: 3
            port: 8080
            expose: public
            env:
              API_TOKEN: {secret: checkout-api, key: token}
            dependsOn: [orders, inventory]
            overrides:
              prdo: {replicas: 4}
          """)),
      "docs/spec.md#26", List.of(new Fixture("envs/prod.yaml", """
          apiVersion: pave.dev/v1alpha1
          kind: Environment
          metadata:
            name: prod
          spec:
            namespaceTemplate: "{tenant}-{env}"
            ingress: {className: nginx}
            gateway: {name: public, namespace: gateways}
          """)));


  record Fixture(String file, String text) {}

  @TempDir Path dir;

  @TestFactory
  Stream<DynamicTest> everyBlockIsCovered() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : DocBlocks.files(ROOT)) {
      List<Block> blocks = DocBlocks.read(ROOT, file);
      for (int i = 0; i < blocks.size(); i++) {
        Block b = blocks.get(i);
        Block previous = i > 0 ? blocks.get(i - 1) : null;
        Block next = i + 1 < blocks.size() ? blocks.get(i + 1) : null;
        tests.add(DynamicTest.dynamicTest(b.toString(), () -> cover(b, previous, next)));
      }
    }
    assertThat(tests).hasSizeGreaterThan(40);
    return tests.stream();
  }

  private void cover(Block b, Block previous, Block next) throws Exception {
    String delegate = COVERED_ELSEWHERE.get(b.id());
    if (delegate != null) {
      Path test = ROOT.resolve(delegate);
      assertThat(test).as(b + " is said to be run by " + delegate).exists();
      assertThat(Files.readString(test)).as(delegate + " must name the doc it runs")
          .contains(b.file().substring(b.file().lastIndexOf('/') + 1));
      return;
    }
    String text = b.text();
    if (text.startsWith("error: ")) {
      errorOutput(b, previous, next);
    } else if (REPORT_HEADER.matcher(text).lookingAt()) {
      checkReport(b);
    } else if (text.startsWith("$ ") && !text.lines().skip(1).allMatch(l -> l.startsWith("$ "))) {
      commandAndOutput(b);
    } else if (b.info().equals("yaml")) {
      yaml(b, next);
    } else if (b.info().equals("java")) {
      java(b);
    } else if (b.info().equals("json")) {
      signalJson(b);
    } else if (text.startsWith("pave ") && text.contains(" [")) {
      synopsis(b);
    } else if (b.info().equals("sh") || b.info().equals("console") || looksLikeShell(text)) {
      shell(b);
    } else {
      throw new AssertionError(b + ": no handler covers this block; add one in DocsSnippetsTest"
          + " (or name the test that runs it in COVERED_ELSEWHERE)");
    }
  }

  private static boolean looksLikeShell(String text) {
    String first = text.strip().split("\\s+", 2)[0];
    return Set.of("pave", "./pave", "$", "kubectl", "curl", "./mvnw").contains(first);
  }

  // ---- YAML ----------------------------------------------------------------------------

  private static final String APPLICATION = """
      apiVersion: pave.dev/v1alpha1
      kind: Application
      metadata:
        name: web
      spec:
        team: shop
        image: registry.example.com/shop/web:2.0.1
        port: 8080
      """;

  private void yaml(Block b, Block next) throws Exception {
    boolean errorCase = next != null && next.text().startsWith("error: ")
        && !next.text().contains("FILE:LINE:COL");
    Object parsed = new Yaml().load(b.text());
    Map<?, ?> top = parsed instanceof Map<?, ?> m ? m : Map.of();
    Object kind = top.get("kind");
    if (kind == null && top.containsKey("receivers")) {
      alertmanager(b, top);
    } else if (kind == null && !java.util.Collections.disjoint(top.keySet(), SIGNALS_FIELDS)) {
      ConfigReader.Result r = ConfigReader.read("signals.yaml", SIGNALS + b.text(), dir);
      assertThat(r.problems()).as(b + " inside a minimal signals configuration").isEmpty();
    } else if (kind == null) {
      for (String piece : b.text().split("\n# or[^\n]*\n")) {
        validate(b, "pave.yaml", inApplication(piece), errorCase ? 2 : 0);
      }
    } else if (kind.equals("Application") || kind.equals("Environment")) {
      validate(b, "pave.yaml", b.text(), errorCase ? 2 : 0);
    } else if (kind.equals("Policy") || kind.equals("PolicyException")) {
      PolicyReader.Result r = PolicyReader.read(b.file(), b.text());
      assertThat(r.problems()).as(b.toString()).isEmpty();
      assertThat(r.policies().size() + r.exceptions().size()).as(b.toString()).isEqualTo(1);
    } else if (kind.equals("Team")) {
      TeamReader.Read r = TeamReader.read(b.file(), b.text());
      assertThat(r.problems()).as(b.toString()).isEmpty();
      assertThat(r.teams()).as(b.toString()).hasSize(1);
    } else if (kind.equals("SignalSink")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> spec = (Map<String, Object>) top.get("spec");
      String name = (String) ((Map<?, ?>) top.get("metadata")).get("name");
      ConfigReader.SinkResult r = ConfigReader.readSink(b.file(), name, spec,
          SecretSource.secrets("pave-system",
              (secret, key) -> Optional.of("x".getBytes(StandardCharsets.UTF_8))));
      assertThat(r.problems()).as(b.toString()).isEmpty();
    } else {
      throw new AssertionError(b + ": no reader for kind " + kind + "; add one in"
          + " DocsSnippetsTest");
    }
  }

  /** Top-level fields of the signals configuration, which a fragment of it starts with. */
  private static final Set<String> SIGNALS_FIELDS = Set.of("intake", "database", "sinks",
      "routes", "insights");

  private static final String SIGNALS = """
      apiVersion: pave.dev/v1alpha1
      kind: SignalsConfig
      intake: {address: 127.0.0.1, port: 0}
      database: {url: embedded, dataDirectory: db}
      sinks: []
      routes: []
      """;

  /**
   * A pave.yaml fragment inside a minimal Application: under {@code spec} unless it writes
   * {@code metadata} or {@code spec} itself; the fragment's fields replace the base's.
   */
  static String inApplication(String fragment) {
    Map<String, Object> app = new Yaml().load(APPLICATION);
    Map<String, Object> part = new Yaml().load(fragment);
    for (Map.Entry<String, Object> e : part.entrySet()) {
      if (e.getKey().equals("metadata") || e.getKey().equals("spec")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> into = (Map<String, Object>) app.get(e.getKey());
        into.putAll((Map<String, Object>) e.getValue());
      } else {
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) app.get("spec");
        spec.put(e.getKey(), e.getValue());
      }
    }
    return new Yaml().dump(app);
  }

  /** Runs {@code pave validate} on the text as the file named; returns what it printed. */
  private String validate(Block b, String name, String text, int exit) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    Cli r = Cli.run("validate", file.toString());
    String printed = (r.out() + r.err()).replace(dir.toString() + "/", "");
    assertThat(r.exit()).as(b + ": pave validate of\n" + text + "\nprinted\n" + printed)
        .isEqualTo(exit);
    return printed;
  }

  // ---- Output --------------------------------------------------------------------------

  private void errorOutput(Block b, Block previous, Block next) throws Exception {
    List<Fixture> fixtures = FIXTURES.get(b.id());
    if (b.text().contains("FILE:LINE:COL")) {
      // The format, stated once: every line of the example that follows has that shape.
      assertThat(next.text().lines().filter(l -> l.startsWith("error: ")))
          .as(b + " states the format of " + next)
          .allMatch(l -> l.matches("error: [\\w./-]+:\\d+:\\d+: [\\w.\\[\\]\"]+: .+"));
      return;
    }
    String real;
    if (fixtures != null) {
      StringBuilder all = new StringBuilder();
      for (Fixture f : fixtures) {
        all.append(validate(b, f.file(), f.text(), 2));
      }
      real = all.toString();
    } else {
      assertThat(previous.info()).as(b + ": the input it is the output of").isEqualTo("yaml");
      real = validate(b, "pave.yaml", previous.text(), 2);
    }
    if (b.text().lines().anyMatch(l -> l.matches("\\d+ problems? in \\d+ files?\\.")) ) {
      assertThat(real.strip()).as(b.toString()).isEqualTo(b.text().strip());
    } else {
      assertThat(real.lines().filter(l -> l.startsWith("error: ")).toList()).as(b.toString())
          .containsExactlyElementsOf(b.text().lines().toList());
    }
  }

  private static final Pattern REPORT_HEADER =
      Pattern.compile("[A-Z]\\w+/[\\w-]+/[\\w-]+ +\\([\\w./-]+\\)\n");

  /** The deploy.yaml that docs/policy.md's finding is reported for. */
  private static final String DEPLOY = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        namespace: shop
      spec:
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
              - name: app
                image: nginx:1.27
                securityContext:
                  allowPrivilegeEscalation: true
              - name: sidecar
                image: busybox:1.36
      """;

  /** A finding of {@code pave check}'s text report: the same lines in the real report. */
  private void checkReport(Block b) throws IOException {
    Path file = dir.resolve("deploy.yaml");
    Files.writeString(file, DEPLOY);
    Cli r = Cli.run("check", file.toString());
    List<String> real = r.out().replace(dir.toString() + "/", "").lines()
        .map(String::stripTrailing).toList();
    List<String> shown = b.lines().stream().map(String::stripTrailing).toList();
    assertThat(r.exit()).as(b + "\n" + r.out() + r.err()).isEqualTo(1);
    assertThat(real).as(b.toString()).contains(shown.get(0));
    assertThat(real).as(b.toString()).containsSequence(shown.subList(1, shown.size()));
  }

  /**
   * {@code $ COMMAND} then what it prints, for a command too long-running to run here: the
   * command parses, and the fixed text of every printed line (without paths, addresses,
   * numbers and elisions) is printed by the command's sources.
   */
  private void commandAndOutput(Block b) throws Exception {
    List<String> lines = b.lines();
    shell(new Block(b.file(), b.index(), b.line(), b.heading(), "sh", lines.get(0)));
    List<String> literals = new ArrayList<>();
    Pattern literal = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    for (String module : List.of("pave-cli", "pave-sandbox")) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
        for (Path p : files.filter(Files::isRegularFile).toList()) {
          Matcher m = literal.matcher(Files.readString(p));
          while (m.find()) {
            literals.add(m.group(1));
          }
        }
      }
    }
    Pattern variable = Pattern.compile(
        "\\S+://\\S+|~?/[\\w./-]+|\\S*…\\S*|\\d+(\\.\\d+)*( s)?|[-\\w]+/[\\w./-]+");
    for (String line : lines.subList(1, lines.size())) {
      for (String fragment : variable.split(line)) {
        String f = fragment.strip();
        // Greedily, the longest start of what is left that a string literal holds: the
        // line is printed from literals joined with values.
        while (f.length() >= 4) {
          int end;
          for (end = f.length(); end >= 3; end--) {
            String piece = f.substring(0, end);
            if (literals.stream().anyMatch(l -> l.contains(piece))) {
              break;
            }
          }
          assertThat(end).as(b + ": no source prints \"" + f + "\" of: " + line)
              .isGreaterThanOrEqualTo(3);
          f = f.substring(end).strip();
        }
      }
    }
  }

  // ---- Shell ---------------------------------------------------------------------------

  private void shell(Block b) throws Exception {
    for (List<String> words : ShellLines.commands(b.text())) {
      List<String> w = new ArrayList<>(words);
      while (!w.isEmpty() && w.get(0).matches("[A-Z_]+=.*")) {
        w.remove(0);
      }
      String what = w.get(0);
      List<String> args = w.subList(1, w.size());
      switch (what) {
        case "pave", "./pave" -> pave(b, args);
        case "kubectl" -> kubectl(b, args);
        case "curl" -> curl(b, args);
        case "./mvnw" -> maven(b, args);
        case "docker" -> docker(b, args);
        case "helm" -> helm(b, args);
        case "sed" -> sed(b, args);
        case "less" -> assertThat(builtBy(args.get(0))).as(b + ": " + args.get(0)).isTrue();
        case "head", "openssl" -> { } // plain tools used as the doc shows
        default -> throw new AssertionError(b + ": no handler for the command " + what
            + "; add one in DocsSnippetsTest");
      }
    }
  }

  /** Commands run offline; the others are parsed only (see the class comment). */
  private static final Set<String> RUNS = Set.of("validate", "render", "check", "schema");

  private void pave(Block b, List<String> args) {
    try {
      Pave.commandLine().parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw new AssertionError(b + ": pave " + String.join(" ", args) + ": " + e.getMessage());
    }
    if (args.contains("--help") || (!args.isEmpty() && RUNS.contains(args.get(0)))) {
      String[] resolved = args.stream()
          .map(a -> Files.exists(ROOT.resolve(a)) ? ROOT.resolve(a).toString() : a)
          .toArray(String[]::new);
      Cli r = Cli.run(resolved);
      assertThat(r.exit()).as(b + ": pave " + String.join(" ", args) + "\n" + r.err()).isZero();
    }
  }

  private final Map<String, String> kubectlHelp = new HashMap<>();

  /** Flags of kubectl that take a value as the next word. */
  private static final Set<String> KUBECTL_VALUED = Set.of("-n", "--namespace", "--kubeconfig",
      "--context", "-o", "-f", "-l");

  private void kubectl(Block b, List<String> args) throws Exception {
    List<String> positional = new ArrayList<>();
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("-") && !a.equals("-")) {
        flags.add(a.contains("=") ? a.substring(0, a.indexOf('=')) : a);
        if (!a.contains("=") && KUBECTL_VALUED.contains(a)) {
          i++;
        }
      } else {
        positional.add(a);
      }
    }
    List<String> command = new ArrayList<>(positional.subList(0, 1));
    if (Set.of("create", "rollout").contains(positional.get(0))) {
      command.add(positional.get(1));
      if (positional.get(1).equals("secret")) {
        command.add(positional.get(2));
      }
    }
    String help = kubectlHelp(command) + kubectlHelp(List.of("options"));
    for (String f : flags) {
      Pattern known = f.startsWith("--")
          ? Pattern.compile("(^|[\\s,])" + Pattern.quote(f) + "[=:\\s]", Pattern.MULTILINE)
          : Pattern.compile("(^|\\s)" + Pattern.quote(f) + ",", Pattern.MULTILINE);
      assertThat(known.matcher(help).find())
          .as(b + ": kubectl " + String.join(" ", command) + " has no flag " + f).isTrue();
    }
  }

  private String kubectlHelp(List<String> command) throws Exception {
    String key = String.join(" ", command);
    String cached = kubectlHelp.get(key);
    if (cached != null) {
      return cached;
    }
    List<String> cmd = new ArrayList<>(List.of("kubectl"));
    cmd.addAll(command);
    if (!command.equals(List.of("options"))) {
      cmd.add("--help");
    }
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("kubectl is needed to check the docs' kubectl lines (Debian"
          + " package kubectl): " + e.getMessage());
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    kubectlHelp.put(key, out);
    return out;
  }

  private static final Pattern URL = Pattern.compile("https?://[^/\\s]+(/[^?\\s]*)?");

  private static void curl(Block b, List<String> args) throws IOException {
    String method = "GET";
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("-X")) {
        method = args.get(i + 1);
      } else if (args.get(i).equals("-d") && method.equals("GET")) {
        method = "POST";
      }
    }
    for (String a : args) {
      String url = a.startsWith("localhost") ? "http://" + a : a;
      Matcher m = URL.matcher(url);
      if (m.matches()) {
        String path = m.group(1) == null ? "/" : m.group(1);
        String verb = method;
        assertThat(routes()).as(b + ": " + method + " " + path + " is not a route")
            .anyMatch(r -> r.method().equals(verb) && path.matches(r.pattern()));
      }
    }
  }

  record Route(String method, String pattern) {}

  /** The route tables: the console's, the signals intake's and the operator's health server. */
  static List<Route> routes() throws IOException {
    List<Route> routes = new ArrayList<>();
    Pattern javalin = Pattern.compile("\\.(get|post|put|patch|delete|sse)\\(\"([^\"]+)\"");
    for (String source : List.of(
        "pave-console/src/main/java/dev/pave/console/web/Server.java",
        "pave-signals/src/main/java/dev/pave/signals/http/IntakeServer.java")) {
      Matcher m = javalin.matcher(Files.readString(ROOT.resolve(source)));
      while (m.find()) {
        String method = m.group(1).equals("sse") ? "GET" : m.group(1).toUpperCase();
        routes.add(new Route(method, m.group(2).replaceAll("\\{[^}]+}", "[^/]+")));
      }
    }
    Matcher m = Pattern.compile("createContext\\(\"([^\"]+)\"").matcher(Files.readString(
        ROOT.resolve("pave-control/src/main/java/dev/pave/control/HealthServer.java")));
    while (m.find()) {
      routes.add(new Route("GET", Pattern.quote(m.group(1))));
    }
    return routes;
  }

  private static void maven(Block b, List<String> args) throws IOException {
    String module = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-pl")) {
        module = args.get(++i);
        assertThat(ROOT.resolve(module).resolve("pom.xml")).as(b + ": module " + module)
            .exists();
      } else if (a.startsWith("-Dtest=")) {
        String test = a.substring("-Dtest=".length());
        Path tests = ROOT.resolve(module == null ? "." : module).resolve("src/test/java");
        try (Stream<Path> all = Files.walk(tests)) {
          assertThat(all.map(p -> p.getFileName().toString()))
              .as(b + ": no test class " + test + " in " + tests).contains(test + ".java");
        }
      } else if (a.startsWith("-P")) {
        String profile = a.substring(2);
        assertThat(allPoms()).as(b + ": no Maven profile " + profile)
            .anyMatch(p -> p.contains("<id>" + profile + "</id>"));
      } else if (a.startsWith("-D") && a.contains(".") && !a.startsWith("-Dmaven.")) {
        // A test's own property: the tests of the module read it.
        String property = a.substring(2, a.indexOf('='));
        assertThat(testSources(module)).as(b + ": nothing reads " + property)
            .contains("\"" + property + "\"");
      }
    }
  }

  private static List<String> allPoms() throws IOException {
    List<String> poms = new ArrayList<>();
    try (Stream<Path> all = Files.list(ROOT)) {
      for (Path p : all.toList()) {
        Path pom = Files.isDirectory(p) ? p.resolve("pom.xml") : p;
        if (pom.getFileName().toString().equals("pom.xml") && Files.exists(pom)) {
          poms.add(Files.readString(pom));
        }
      }
    }
    return poms;
  }

  private static String testSources(String module) throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/test/java"))) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        all.append(Files.readString(p));
      }
    }
    return all.toString();
  }

  /** A file under a module's target/ is written by that module's tests: one must name it. */
  private static boolean builtBy(String path) throws IOException {
    Matcher m = Pattern.compile("([\\w-]+)/target/(.+)").matcher(path);
    return m.matches() && testSources(m.group(1)).contains(m.group(2));
  }

  private static void docker(Block b, List<String> args) {
    if (args.get(0).equals("build")) {
      String context = args.get(args.size() - 1);
      assertThat(ROOT.resolve(context).resolve("Dockerfile")).as(b.toString()).exists();
    } else {
      assertThat(args.get(0)).as(b.toString()).isIn("push");
    }
  }

  private static void helm(Block b, List<String> args) throws IOException {
    assertThat(args.get(0)).as(b.toString()).isIn("install", "upgrade");
    Path chart = ROOT.resolve(args.get(2));
    assertThat(chart.resolve("Chart.yaml")).as(b + ": chart " + args.get(2)).exists();
    Map<String, Object> values = new Yaml().load(Files.readString(chart.resolve("values.yaml")));
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--set")) {
        String key = args.get(i + 1).substring(0, args.get(i + 1).indexOf('='));
        Object at = values;
        for (String part : key.split("\\.")) {
          assertThat(at).as(b + ": " + key + " is not a value of the chart")
              .isInstanceOf(Map.class);
          assertThat(((Map<?, ?>) at).containsKey(part))
              .as(b + ": " + key + " is not a value of the chart").isTrue();
          at = ((Map<?, ?>) at).get(part);
        }
      }
    }
  }

  /** {@code sed 's|A|B|' FILE}: the file exists and holds A, or the edit does nothing. */
  private static void sed(Block b, List<String> args) throws IOException {
    String script = args.get(0);
    String[] parts = script.substring(2).split(Pattern.quote(script.substring(1, 2)));
    Path file = ROOT.resolve(args.get(1));
    assertThat(file).as(b.toString()).exists();
    assertThat(Files.readString(file)).as(b + ": " + file + " holds what sed replaces")
        .contains(parts[0]);
  }

  // ---- Synopsis, Java, JSON, Alertmanager ------------------------------------------------

  /** {@code pave check PATH... [-o text|json] ...}: every option named is the command's. */
  private static void synopsis(Block b) {
    String[] words = b.text().strip().split("\\s+");
    CommandLine.Model.CommandSpec spec = Pave.commandLine().getSubcommands().get(words[1])
        .getCommandSpec();
    Matcher m = Pattern.compile("(?<![\\w-])(--?[a-zA-Z][\\w-]*)").matcher(b.text());
    while (m.find()) {
      assertThat(spec.findOption(m.group(1))).as(b + ": pave " + words[1] + " has no option "
          + m.group(1)).isNotNull();
    }
  }

  private static void alertmanager(Block b, Map<?, ?> config) throws IOException {
    List<String> urls = new ArrayList<>();
    Matcher m = Pattern.compile("url: (\\S+)").matcher(b.text());
    while (m.find()) {
      urls.add(m.group(1));
    }
    assertThat(urls).as(b.toString()).isNotEmpty();
    for (String url : urls) {
      // Alertmanager posts its webhook.
      curl(b, List.of("-X", "POST", url));
    }
  }

  /** The canonical signal: every field the doc shows is one SignalJson writes. */
  private static void signalJson(Block b) throws IOException {
    String source = Files.readString(ROOT.resolve(
        "pave-signals/src/main/java/dev/pave/signals/schema/SignalJson.java"));
    Set<String> written = new LinkedHashSet<>();
    Matcher w = Pattern.compile("put\\(\"(\\w+)\"").matcher(source);
    while (w.find()) {
      written.add(w.group(1));
    }
    Set<String> shown = new LinkedHashSet<>();
    Matcher s = Pattern.compile("\"(\\w+)\":").matcher(b.text());
    while (s.find()) {
      shown.add(s.group(1));
    }
    assertThat(written).as(b + ": fields the doc shows that SignalJson does not write")
        .containsAll(shown);
  }

  /** Statements are compiled as the body of a method whose parameters are the free names. */
  private void java(Block b) throws IOException {
    String source = """
        import dev.pave.console.*;
        import io.fabric8.kubernetes.client.KubernetesClient;
        import java.net.URI;
        import java.time.Clock;
        import java.util.Optional;

        class Snippet {
          interface Database { javax.sql.DataSource dataSource(); }

          void run(KubernetesClient client, Database database,
              dev.pave.signals.pipeline.Pipeline pipeline) throws Exception {
        %s
          }
        }
        """.formatted(b.text());
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    String classpath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    JavaFileObject unit = new SimpleJavaFileObject(
        java.net.URI.create("string:///Snippet.java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    java.io.StringWriter errors = new java.io.StringWriter();
    boolean ok = compiler.getTask(errors, null, null,
        List.of("-classpath", classpath, "-d", dir.toString(), "-proc:none"), null,
        List.of(unit)).call();
    assertThat(ok).as(b + " does not compile:\n" + errors).isTrue();
  }
}
