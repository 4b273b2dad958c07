package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pave.render.Golden;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandsTest {
  static final String CHECKOUT = Golden.root().resolve("examples/checkout/pave.yaml").toString();
  static final String EXAMPLES = Golden.root().resolve("examples").toString();

  @TempDir Path tmp;

  @Test
  void renderPrintsTheSameYamlAsTheCommittedExample() throws Exception {
    Cli r = Cli.run("render", CHECKOUT, "-e", "prod");
    assertThat(r.exit()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo(Files.readString(
        Golden.root().resolve("examples/checkout/rendered/prod.yaml")));
  }

  @Test
  void renderOfADirectoryRendersEverySpecInPathOrder() {
    Cli r = Cli.run("render", EXAMPLES, "-e", "dev");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("name: checkout-dev", "name: invoice-worker-dev",
        "name: search-dev");
    assertThat(r.out().indexOf("name: checkout-dev"))
        .isLessThan(r.out().indexOf("name: invoice-worker-dev"));
  }

  @Test
  void renderAsJsonIsAKubernetesList() throws Exception {
    Cli r = Cli.run("render", CHECKOUT, "-e", "dev", "-o", "json");
    assertThat(r.exit()).isZero();
    JsonNode list = new ObjectMapper().readTree(r.out());
    assertThat(list.get("kind").asText()).isEqualTo("List");
    assertThat(list.get("items")).hasSizeGreaterThan(3);
    assertThat(list.get("items").get(0).get("kind").asText()).isEqualTo("Namespace");
  }

  @Test
  void renderToADirectoryWritesOneFilePerObjectInApplyOrder() throws Exception {
    Cli r = Cli.run("render", CHECKOUT, "-e", "prod", "--out", tmp.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.err()).startsWith("wrote 8 objects for 1 application to ");
    try (Stream<Path> files = Files.list(tmp.resolve("checkout"))) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted()).containsExactly(
          "01-namespace-checkout-prod.yaml", "02-serviceaccount-checkout.yaml",
          "03-deployment-checkout.yaml", "04-service-checkout.yaml",
          "05-ingress-checkout.yaml", "06-networkpolicy-checkout.yaml",
          "07-poddisruptionbudget-checkout.yaml", "08-servicemonitor-checkout.yaml");
    }
  }

  @Test
  void anUnknownEnvironmentIsAUsageErrorWithASuggestion() {
    Cli r = Cli.run("render", CHECKOUT, "-e", "prdo");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("error: unknown environment \"prdo\"; did you mean \"prod\"?"
        + " Known environments: dev, staging, prod (add more in .pave/ or with"
        + " --environments).\n");
  }

  @Test
  void anInvalidSpecAmongValidOnesRendersNothing() throws Exception {
    Path good = Files.createDirectories(tmp.resolve("good"));
    Files.copy(Path.of(CHECKOUT), good.resolve("pave.yaml"));
    Path bad = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(bad.resolve("pave.yaml"), Files.readString(Path.of(CHECKOUT))
        .replace("port: 8080", "port: 8080\n  replcas: 2"));
    Cli r = Cli.run("render", tmp.toString(), "-e", "dev");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains(bad.resolve("pave.yaml") + ":10:3: spec.replcas: unknown field")
        .endsWith("1 problem in 1 file; nothing was rendered.\n")
        .doesNotContain("Exception");
  }

  @Test
  void aMissingFileIsReportedWithoutAStackTrace() {
    Cli r = Cli.run("render", tmp.resolve("nope.yaml").toString(), "-e", "dev");
    assertThat(r.exit()).isEqualTo(ExitCode.INVALID);
    assertThat(r.err()).isEqualTo("error: " + tmp.resolve("nope.yaml")
        + ": no such file or directory\n");
  }

  @Test
  void environmentsFromFilesOverrideTheBuiltIns() throws Exception {
    Path envs = tmp.resolve("envs.yaml");
    Files.writeString(envs, """
        apiVersion: pave.dev/v1alpha1
        kind: Environment
        metadata: {name: prod}
        spec: {domain: shop.example.com, cluster: eu-1}
        ---
        apiVersion: pave.dev/v1alpha1
        kind: Environment
        metadata: {name: qa}
        spec: {namespaceTemplate: "{team}-qa"}
        """);
    Cli prod = Cli.run("render", CHECKOUT, "-e", "prod", "--environments", envs.toString());
    assertThat(prod.exit()).isZero();
    assertThat(prod.out()).contains("host: checkout.shop.example.com", "k8s.cluster.name=eu-1")
        .contains("replicas: 3");
    Cli qa = Cli.run("render", CHECKOUT, "-e", "qa", "--environments", envs.toString());
    assertThat(qa.exit()).isZero();
    assertThat(qa.out()).contains("namespace: payments-qa").doesNotContain("kind: Namespace");
  }

  @Test
  void validateSaysWhatIsValid() {
    Cli r = Cli.run("validate", EXAMPLES);
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("checkout/pave.yaml: valid (Application checkout, team"
        + " payments)");
  }

  @Test
  void validateAsJsonListsProblemsWithPositions() throws Exception {
    Path f = tmp.resolve("pave.yaml");
    Files.writeString(f, Files.readString(Path.of(CHECKOUT)).replace("tier", "x")
        .replace("expose: public", "expose: publik"));
    Cli r = Cli.run("validate", f.toString(), "-o", "json");
    assertThat(r.exit()).isEqualTo(2);
    JsonNode report = new ObjectMapper().readTree(r.out());
    assertThat(report.get("valid").asBoolean()).isFalse();
    JsonNode p = report.get("problems").get(0);
    assertThat(p.get("line").asInt()).isEqualTo(10);
    assertThat(p.get("column").asInt()).isEqualTo(11);
    assertThat(p.get("path").asText()).isEqualTo("spec.expose");
    assertThat(p.get("message").asText()).contains("did you mean \"public\"?");
  }

  @Test
  void initWritesAValidSpecFromFlags() throws Exception {
    Path f = tmp.resolve("pave.yaml");
    Cli r = Cli.run("init", "--name", "checkout", "--team", "payments", "--image",
        "registry.example.com/payments/checkout:1.4.2", "--port", "8080", "--expose", "public",
        "-f", f.toString());
    assertThat(r.exit()).isZero();
    assertThat(Cli.run("validate", f.toString()).exit()).isZero();
    assertThat(Files.readString(f)).contains("  team: payments", "  expose: public",
        "# dependsOn:");
    Cli again = Cli.run("init", "--team", "x", "--image", "y:1", "-f", f.toString());
    assertThat(again.exit()).isEqualTo(2);
    assertThat(again.err()).contains("already exists; use --force");
  }

  @Test
  void initRefusesValuesThatWouldNotValidate() {
    Cli r = Cli.run("init", "--name", "checkout", "--team", "Payments Team", "--image",
        "nginx:1", "--no-input", "-f", tmp.resolve("pave.yaml").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("spec.team").contains("did you mean \"payments-team\"?");
    assertThat(tmp.resolve("pave.yaml")).doesNotExist();
  }

  @Test
  void initAsksForWhatIsMissingWhenInteractive() throws Exception {
    Path f = tmp.resolve("svc").resolve("pave.yaml");
    Files.createDirectories(f.getParent());
    InitCommand init = new InitCommand();
    init.answers = new BufferedReader(new StringReader("\nfinance\n"
        + "registry.example.com/finance/svc:1.0.0\n9000\n"));
    CommandLine cl = new CommandLine(init);
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    assertThat(cl.execute("-f", f.toString())).isZero();
    assertThat(err.toString()).contains("Service name [svc]: ", "Owning team: ");
    assertThat(Files.readString(f)).contains("name: svc", "team: finance", "port: 9000");
  }

  @Test
  void usageErrorsExitWithTwoAndPointAtHelp() {
    Cli r = Cli.run("render", CHECKOUT);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required option: '--env=ENV'")
        .contains("See 'pave render --help'.");
    Cli typo = Cli.run("rendr");
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.err()).contains("Did you mean: pave render");
  }

  @Test
  void helpShowsExamples() {
    Cli r = Cli.run("render", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Examples:", "pave render pave.yaml -e dev | kubectl apply -f -");
  }
}
