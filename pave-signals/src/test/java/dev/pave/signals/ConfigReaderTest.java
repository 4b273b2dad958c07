package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.config.SinkConfig;
import dev.pave.spec.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {
  @TempDir Path dir;

  @Test
  void the_published_example_reads_once_its_secret_files_exist() throws Exception {
    Path example = Path.of("../examples/signals.yaml");
    Files.createDirectories(dir.resolve("secrets"));
    for (String s : new String[] {"alertmanager-token", "cloudevents-hmac", "api-token",
        "soc-hmac", "rt-password"}) {
      Files.writeString(dir.resolve("secrets/" + s), "s3cret-" + s + "\n");
    }
    Files.writeString(dir.resolve("secrets/siem-ca.pem"), "x");
    Path copy = dir.resolve("signals.yaml");
    Files.copy(example, copy);
    var r = ConfigReader.read(copy);
    assertThat(r.problems()).isEmpty();
    var c = r.config();
    assertThat(c.intake().port()).isEqualTo(9095);
    assertThat(c.intake().alertmanager().bearerToken().matches("s3cret-alertmanager-token"))
        .isTrue();
    assertThat(c.intake().alertmanager().bearerToken().toString()).doesNotContain("s3cret");
    assertThat(c.database().embedded()).isTrue();
    assertThat(c.retention()).isEqualTo(Duration.ofDays(30));
    assertThat(c.sinks()).extracting(SinkConfig::name).containsExactly("soc-webhook", "siem",
        "tickets");
    assertThat(c.sinks().get(2).incidentsOnly()).isTrue();
    assertThat(c.routes().get(1).severities()).containsExactly(Severity.CRITICAL, Severity.HIGH);
    assertThat(c.catalog().applications().get(0).onCall()).isEqualTo("pagerduty:payments-primary");
  }

  @Test
  void every_mistake_is_named_with_file_line_and_field_and_what_is_valid() {
    String yaml = """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake:
          prot: 9095
          ackTimeout: soon
        sinks:
          - name: soc
            type: webhok
          - name: siem
            type: syslog
            host: siem.example
            body: xml
        routes:
          - sinks: [socc]
            types: [alrt]
        """;
    var r = ConfigReader.read("signals.yaml", yaml, dir);
    assertThat(r.config()).isNull();
    assertThat(r.problems()).extracting(Problem::format).containsExactly(
        "signals.yaml:4:3: intake.prot: unknown field \"prot\"; did you mean \"port\"? Valid"
            + " fields here: address, port, queue, ackTimeout, alertmanager, cloudevents, api.",
        "signals.yaml:5:15: intake.ackTimeout: expected a duration such as 500ms, 30s, 5m, 1h or"
            + " 30d, got \"soon\"",
        "signals.yaml:8:11: sinks[0].type: unknown sink type \"webhok\"; did you mean"
            + " \"webhook\"? Valid: webhook, syslog, splunk-hec, request-tracker, servicenow, jira,"
            + " pagerduty.",
        "signals.yaml:12:11: sinks[1].body: unknown value \"xml\" Valid: cef, json.",
        "signals.yaml:14:13: routes[0].sinks[0]: no sink is called \"socc\" Sinks: siem.",
        "signals.yaml:15:13: routes[0].types[0]: unknown signal type \"alrt\"; did you mean"
            + " \"alert\"? Valid: alert, kubernetes-event, deploy, rollout, rollback, drift,"
            + " policy, external.");
  }

  @Test
  void an_unreadable_secret_file_is_named_without_its_content() {
    String yaml = """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake:
          alertmanager:
            bearerTokenFile: missing-token
        """;
    var r = ConfigReader.read("signals.yaml", yaml, dir);
    assertThat(r.problems()).singleElement().extracting(Problem::format).asString()
        .startsWith("signals.yaml:5:22: intake.alertmanager.bearerTokenFile: cannot read the file")
        .contains("missing-token");
  }

  @Test
  void itsm_sinks_name_missing_credentials_and_malformed_fields() {
    String yaml = """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        sinks:
          - name: snow
            type: servicenow
            url: https://example.service-now.com
            table: "incident; drop"
          - name: jira
            type: jira
            url: https://example.atlassian.net
            project: ops
            labels: [pave, "two words"]
            tokenFile: missing-token
        """;
    var r = ConfigReader.read("signals.yaml", yaml, dir);
    assertThat(r.problems()).extracting(Problem::format).containsExactly(
        "signals.yaml:4:5: sinks[0].user: missing credentials: user with passwordFile (Basic),"
            + " or tokenFile (OAuth bearer token)",
        "signals.yaml:7:12: sinks[0].table: expected a table name such as incident, got"
            + " \"incident; drop\"",
        "signals.yaml:11:14: sinks[1].project: expected a project key (capital letters, digits,"
            + " '_'), got \"ops\"",
        "signals.yaml:12:20: sinks[1].labels[1]: a Jira label cannot contain spaces, got"
            + " \"two words\"",
        "signals.yaml:13:16: sinks[1].tokenFile: cannot read the file "
            + dir.resolve("missing-token") + " (NoSuchFileException)");
  }

  @Test
  void a_batch_is_refused_where_the_format_carries_one_event_and_outside_its_range() {
    String yaml = """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        sinks:
          - name: binary
            type: webhook
            url: https://hooks.example.com/a
            format: cloudevents-binary
            batch: 20
          - name: huge
            type: webhook
            url: https://hooks.example.com/b
            batch: 5000
          - name: hec
            type: splunk-hec
            url: https://splunk.example.com:8088
            tokenFile: hec-token
            batch: 0
        """;
    var r = ConfigReader.read("signals.yaml", yaml, dir);
    assertThat(r.problems()).extracting(Problem::format).containsExactly(
        "signals.yaml:8:12: sinks[0].batch: a binary CloudEvent is one event per request, so"
            + " batch must be 1 with format cloudevents-binary; use cloudevents-structured (sent"
            + " as a CloudEvents batch) or json to send 20 per request",
        "signals.yaml:12:12: sinks[1].batch: must be from 1 to 1000, got 5000",
        "signals.yaml:16:16: sinks[2].tokenFile: cannot read the file "
            + dir.resolve("hec-token") + " (NoSuchFileException)",
        "signals.yaml:17:12: sinks[2].batch: must be from 1 to 1000, got 0");
  }
}
