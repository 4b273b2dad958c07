package dev.pave.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad input gets a message that names the place and what would be valid. */
class SpecReaderTest {
  static final String HEAD = dev.pave.render.Specs.HEAD;

  /** A valid spec with extra lines appended under spec (indented by two spaces). */
  static String withSpec(String extra) {
    return HEAD + extra.indent(2);
  }

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        Arguments.of("a misspelt field is unknown and a close name is suggested",
            withSpec("replcas: 3"),
            "pave.yaml:8:3: spec.replcas: unknown field \"replcas\"; did you mean \"replicas\"?"),
        Arguments.of("a field name in the wrong case is suggested in the right case",
            withSpec("dependson: [orders]"),
            "pave.yaml:8:3: spec.dependson: unknown field \"dependson\"; did you mean"
                + " \"dependsOn\"?"),
        Arguments.of("a quoted number is not a number",
            withSpec("port: \"8080\""),
            "pave.yaml:8:9: spec.port: expected a whole number, got the quoted text \"8080\""),
        Arguments.of("a port out of range says the range",
            withSpec("port: 70000"),
            "pave.yaml:8:9: spec.port: 70000 is out of range: expected 1 to 65535"),
        Arguments.of("an enum value is checked and the closest value suggested",
            withSpec("tier: critcal"),
            "pave.yaml:8:9: spec.tier: \"critcal\" is not one of critical, standard,"
                + " experimental; did you mean \"critical\"?"),
        Arguments.of("a size preset that does not exist lists the presets",
            withSpec("resources: huge"),
            "pave.yaml:8:14: spec.resources: expected one of small, medium, large, or a mapping"
                + " with requests and limits; got \"huge\""),
        Arguments.of("a list written as a scalar explains how to write a list",
            withSpec("command: /app/server"),
            "pave.yaml:8:12: spec.command: expected a list, got \"/app/server\"; write it as"
                + " [/app/server] or as lines starting with \"- \""),
        Arguments.of("yes is not a boolean (YAML 1.1 spelling)",
            withSpec("metrics: {enabled: yes}"),
            "pave.yaml:8:22: spec.metrics.enabled: expected true or false, got the value yes"),
        Arguments.of("an invalid quantity shows an example",
            withSpec("resources: {requests: {cpu: lots}}"),
            "pave.yaml:8:31: spec.resources.requests.cpu: \"lots\" is not valid: CPU in cores or"
                + " millicores (for example \"250m\")"),
        Arguments.of("a field set twice is reported at the second one",
            withSpec("port: 8080\nport: 9090"),
            "pave.yaml:9:3: spec.port: field is set twice; remove one of them"),
        Arguments.of("a missing required field says what it is for",
            HEAD.replace("  team: payments\n", ""),
            "pave.yaml:6:3: spec.team: missing required field \"team\": Owning team: a DNS"
                + " label."),
        Arguments.of("a name that is not a DNS label gets the corrected name",
            HEAD.replace("name: checkout", "name: Check_Out"),
            "pave.yaml:4:9: metadata.name: \"Check_Out\" is not a valid name: use lower-case"
                + " letters, digits and '-', starting with a letter and ending with a letter or"
                + " digit; did you mean \"check-out\"?"),
        Arguments.of("an unknown kind is named with a suggestion",
            HEAD.replace("kind: Application", "kind: Aplication"),
            "pave.yaml:2:7: kind: unknown kind \"Aplication\"; expected Application or"
                + " Environment; did you mean \"Application\"?"),
        Arguments.of("a wrong apiVersion says which one is supported",
            HEAD.replace("pave.dev/v1alpha1", "pave.dev/v1"),
            "pave.yaml:1:13: apiVersion: unsupported apiVersion \"pave.dev/v1\"; expected"
                + " pave.dev/v1alpha1"),
        Arguments.of("broken YAML gives the line and column of the syntax error",
            withSpec("env: {A: [1, 2}"),
            "pave.yaml:8:17: not valid YAML:"),
        Arguments.of("a document that is not a mapping",
            "- just\n- a list\n",
            "pave.yaml:1:1: expected a mapping with apiVersion, kind, metadata and spec, got a"
                + " list"),
        Arguments.of("replicas and autoscale together contradict each other",
            withSpec("replicas: 2\nautoscale: {min: 2, max: 4}"),
            "pave.yaml:9:14: spec.autoscale: set either replicas or autoscale, not both"),
        Arguments.of("autoscale min above max",
            withSpec("autoscale: {min: 5, max: 2}"),
            "pave.yaml:8:20: spec.autoscale.min: min 5 is above max 2; min must be at most max"),
        Arguments.of("a request above its limit",
            withSpec("resources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}"),
            "pave.yaml:8:34: spec.resources.requests.memory: request 2Gi is above limit 1Gi; a"
                + " request must not exceed its limit"),
        Arguments.of("an inline secret is refused with the reference to write instead",
            withSpec("env: {API_TOKEN: abc123}"),
            "pave.yaml:8:20: spec.env.API_TOKEN: API_TOKEN looks like a secret and must not be"
                + " written in the spec; reference a Secret instead: API_TOKEN: {secret:"
                + " <secret-name>, key: <key>}"),
        Arguments.of("a variable the identity contract owns cannot be replaced",
            withSpec("env: {OTEL_SERVICE_NAME: other}"),
            "pave.yaml:8:28: spec.env.OTEL_SERVICE_NAME: OTEL_SERVICE_NAME is set by Pave from"
                + " the identity contract"),
        Arguments.of("a secret reference without a key",
            withSpec("env: {DB_URL: {secret: db}}"),
            "pave.yaml:8:17: spec.env.DB_URL: a secret reference needs key: the entry to read"),
        Arguments.of("expose public without a port",
            HEAD + "  expose: public\n",
            "pave.yaml:8:11: spec.expose: expose public needs spec.port; set the port the"
                + " service listens on, or expose: none"),
        Arguments.of("a host on an internal service",
            withSpec("port: 8080\nexpose: {type: internal, host: shop.example.com}"),
            "pave.yaml:9:34: spec.expose.host: host and path apply to public services only"),
        Arguments.of("a dependency port out of range in the short form",
            withSpec("dependsOn: [\"api.stripe.com:99999\"]"),
            "pave.yaml:8:15: spec.dependsOn[0]: the port after \":\" must be a number from 1 to"
                + " 65535; got \"99999\""),
        Arguments.of("a dependency listed twice",
            withSpec("dependsOn: [orders, orders]"),
            "pave.yaml:8:23: spec.dependsOn[1]: orders is listed twice; remove one"),
        Arguments.of("a dependency with two targets",
            withSpec("dependsOn: [{app: orders, host: orders.example.com}]"),
            "pave.yaml:8:15: spec.dependsOn[0]: set exactly one of app, host or cidr"),
        Arguments.of("a bad CIDR range",
            withSpec("dependsOn: [{cidr: 10.0.0.300/8}]"),
            "pave.yaml:8:22: spec.dependsOn[0].cidr: \"10.0.0.300/8\" is not a CIDR range such as"
                + " 10.20.0.0/16"),
        Arguments.of("a cron schedule with too few fields",
            withSpec("jobs: [{name: report, schedule: \"* * *\"}]"),
            "pave.yaml:8:35: spec.jobs[0].schedule: \"* * *\" has 3 fields; a schedule has five:"
                + " minute hour day-of-month month day-of-week"),
        Arguments.of("a job name that makes the CronJob name too long",
            withSpec("jobs: [{name: a-very-long-job-name-that-goes-on-and-on-and-on,"
                + " schedule: \"@daily\"}]"),
            "spec.jobs[0].name: the CronJob name \"checkout-a-very-long-job-name-that-goes-on-and"
                + "-on-and-on\" has 56 characters; Kubernetes allows 52"),
        Arguments.of("a persistent volume with several replicas",
            withSpec("replicas: 3\nvolumes: [{name: data, mountPath: /data, type: persistent,"
                + " size: 1Gi}]"),
            "spec.volumes[0].type: a persistent volume attaches to one pod at a time"),
        Arguments.of("a volume mounted over the temporary directory",
            withSpec("volumes: [{name: scratch, mountPath: /tmp}]"),
            "spec.volumes[0].mountPath: /tmp is already mounted; choose another path"),
        Arguments.of("an image reference with upper case letters",
            HEAD.replace("payments/checkout:1.4.2", "Payments/Checkout:1.4.2"),
            "pave.yaml:7:10: spec.image: \"registry.example.com/Payments/Checkout:1.4.2\" is not a"
                + " valid image reference"),
        Arguments.of("an override for a bad environment key",
            withSpec("overrides: {Prod: {replicas: 3}}"),
            "spec.overrides.Prod: \"Prod\" is not an environment name"),
        Arguments.of("an empty allowFrom would allow every source",
            withSpec("port: 8080\nexpose: {type: internal, allowFrom: []}"),
            "spec.expose.allowFrom: allowFrom is empty, which a network policy reads as every"
                + " source"),
        Arguments.of("a required field written without a value",
            HEAD.replace("  team: payments\n", "  team:\n"),
            "spec.team: \"team\" has no value"),
        Arguments.of("a range whose prefix length is not a number",
            withSpec("dependsOn: [\"10.0.0.0/1x\"]"),
            "\"10.0.0.0/1x\" is not a CIDR range such as 10.20.0.0/16"),
        Arguments.of("a host in capitals",
            withSpec("dependsOn: [API.Stripe.COM]"),
            "\"API.Stripe.COM\" is not a host name"),
        Arguments.of("a team that is not a DNS label in the short form",
            withSpec("dependsOn: [Team_X/orders]"),
            "spec.dependsOn[0]: team \"Team_X\" is not a valid name"),
        Arguments.of("an unknown field inside an override lists that record's fields",
            withSpec("overrides: {prod: {replica: 3}}"),
            "pave.yaml:8:22: spec.overrides.prod.replica: unknown field \"replica\"; did you mean"
                + " \"replicas\"? Valid fields here: image, replicas, autoscale, resources, env,"
                + " expose, tier."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void reportsBadInputWithPositionAndFix(String caseName, String yaml, String expected) {
    ReadResult result = SpecReader.read("pave.yaml", yaml);
    assertThat(result.ok()).as("problems for %s", caseName).isFalse();
    assertThat(result.documents()).isEmpty();
    assertThat(result.problems()).extracting(Problem::format)
        .anySatisfy(line -> assertThat(line).contains(expected));
  }

  @Test
  void aValidSpecReadsWithoutProblems() {
    ReadResult result = SpecReader.read("pave.yaml", withSpec("port: 8080\nexpose: public"));
    assertThat(result.problems()).isEmpty();
    Application app = result.applications().get(0).value();
    assertThat(app.name()).isEqualTo("checkout");
    assertThat(app.spec().port()).isEqualTo(8080);
    assertThat(app.spec().expose().type()).isEqualTo(Expose.Type.PUBLIC);
  }

  @Test
  void reportsEveryStructuralProblemNotJustTheFirst() {
    ReadResult result = SpecReader.read("pave.yaml",
        withSpec("replcas: 3\ntier: critcal\nport: x"));
    assertThat(result.problems()).hasSize(3);
  }

  @Test
  void continuesWithTheNextDocumentAfterBrokenYaml() {
    String text = "apiVersion: pave.dev/v1alpha1\nkind: Application\nmetadata: {name: a\n"
        + "---\n" + HEAD;
    ReadResult result = SpecReader.read("multi.yaml", text);
    assertThat(result.problems()).singleElement().extracting(Problem::line).isEqualTo(4);
    assertThat(result.applications()).singleElement()
        .extracting(d -> d.value().name()).isEqualTo("checkout");
  }

  @Test
  void positionsOfLaterDocumentsCountFromTheStartOfTheFile() {
    String text = HEAD + "---\n" + HEAD.replace("name: checkout", "name: orders")
        .replace("payments/checkout:1.4.2", "payments/orders:1.0.0") + "  replcas: 1\n";
    ReadResult result = SpecReader.read("two.yaml", text);
    assertThat(result.problems()).extracting(Problem::format)
        .containsExactly("two.yaml:16:3: spec.replcas: unknown field \"replcas\"; did you mean"
            + " \"replicas\"? Valid fields here: team, image, port, description, tier, command,"
            + " args, env, resources, replicas, autoscale, health, expose, dependsOn, config,"
            + " volumes, jobs, metrics, owner, onCall, runbook, user, overrides.");
    assertThat(result.applications()).extracting(d -> d.value().name())
        .containsExactly("checkout");
  }

  @Test
  void acceptsTheMetadataTheApiServerWritesSoExportedObjectsRead() {
    String text = HEAD.replace("  name: checkout\n", "  name: checkout\n  uid: 1234\n"
        + "  resourceVersion: \"42\"\n  creationTimestamp: 2026-01-01T00:00:00Z\n");
    assertThat(SpecReader.read("exported.yaml", text).problems()).isEmpty();
  }

  @Test
  void shortFormsReadAsTheirLongForms() {
    ReadResult result = SpecReader.read("pave.yaml", withSpec("""
        port: 8080
        resources: medium
        health: /ready
        expose: public
        env: {LOG_LEVEL: debug, DB: {secret: db, key: url}}
        dependsOn: [orders, "orders-team/ledger:9000", api.stripe.com, "10.1.0.0/16:5432"]
        """));
    assertThat(result.problems()).isEmpty();
    ApplicationSpec s = result.applications().get(0).value().spec();
    assertThat(s.resources().size()).isEqualTo(Size.MEDIUM);
    assertThat(s.health().path()).isEqualTo("/ready");
    assertThat(s.env().get("LOG_LEVEL").value()).isEqualTo("debug");
    assertThat(s.env().get("DB").secret()).isEqualTo("db");
    assertThat(s.dependsOn()).containsExactly(
        new Dependency("orders", null, null, null, null),
        new Dependency("ledger", "orders-team", null, null, 9000),
        new Dependency(null, null, "api.stripe.com", null, null),
        new Dependency(null, null, null, "10.1.0.0/16", 5432));
    assertThat(Dependency.parse("fd00::/8")).isEqualTo(new Dependency(null, null, null,
        "fd00::/8", null));
  }

  @Test
  void anEmptyFileSaysWhatWasExpected() {
    assertThat(SpecReader.read("empty.yaml", "# nothing\n").problems())
        .extracting(Problem::format)
        .containsExactly("empty.yaml: no document found; expected an Application (apiVersion:"
            + " pave.dev/v1alpha1, kind: Application)");
  }

  @Test
  void overridesMustNameAnEnvironmentThatExists() {
    ReadResult r = SpecReader.read("pave.yaml", withSpec("overrides: {prdo: {replicas: 3}}"));
    Document<Application> d = r.applications().get(0);
    List<Problem> problems = ApplicationChecks.checkEnvironmentNames(d.value(), d.positions(),
        Environments.builtIn().keySet());
    assertThat(problems).extracting(Problem::format).containsExactly(
        "pave.yaml:8:15: spec.overrides.prdo: no environment named \"prdo\"; did you mean"
            + " \"prod\"? Known environments: dev, prod, staging.");
  }

  @Test
  void environmentsOverlayTheBuiltInsFieldByField() {
    ReadResult r = SpecReader.read(".pave/prod.yaml", """
        apiVersion: pave.dev/v1alpha1
        kind: Environment
        metadata: {name: prod}
        spec:
          domain: shop.example.com
          cluster: prod-eu-1
        """);
    assertThat(r.problems()).isEmpty();
    Environment prod = Environments.with(List.of(r.environments().get(0).value())).get("prod");
    assertThat(prod.spec().domain()).isEqualTo("shop.example.com");
    assertThat(prod.spec().cluster()).isEqualTo("prod-eu-1");
    assertThat(prod.spec().replicaFloor()).as("kept from the built-in").isEqualTo(2);
  }

  @Test
  void environmentPlaceholdersAreChecked() {
    ReadResult r = SpecReader.read("envs.yaml", """
        apiVersion: pave.dev/v1alpha1
        kind: Environment
        metadata: {name: qa}
        spec:
          namespaceTemplate: "{application}-{env}"
        """);
    assertThat(r.problems()).extracting(Problem::format).containsExactly(
        "envs.yaml:5:22: spec.namespaceTemplate: \"{application}-{env}\" uses an unknown"
            + " placeholder; only {app}, {team} and {env} are replaced");
  }
}
