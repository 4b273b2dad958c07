package dev.pave.signals.itsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pave.signals.Fixtures;
import dev.pave.signals.Postgres;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.config.SignalsConfig;
import dev.pave.signals.incident.Incident;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ServiceNow and Jira sinks through the whole pipeline against local servers that implement
 * the documented subset of each API (FakeServiceNow, FakeJira): one ticket per incident,
 * updated and resolved, and still one when a create's answer is lost or the process restarts
 * without having recorded the ticket.
 */
class ItsmSinksTest {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> log = new CopyOnWriteArrayList<>();

  private SignalsConfig config(String sink) throws Exception {
    Files.writeString(dir.resolve("itsm-password"), "s3cret-pw\n");
    String yaml = """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake: {port: 0}
        catalog:
          applications:
            - {app: checkout, environment: prod, team: payments, namespace: payments,
               runbook: "https://runbooks.example.com/checkout", cluster: prod-eu-1}
        sinks:
          - %s
        routes:
          - sinks: [tickets]
        """.formatted(sink);
    var r = ConfigReader.read("signals.yaml", yaml, dir);
    assertThat(r.problems()).isEmpty();
    return r.config();
  }

  private void post(Pipeline p, String body) throws Exception {
    HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + p.port() + "/api/v1/alertmanager")).POST(HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
  }

  /** Firing, then one of two pods resolved, then both: opened, updated, resolved. */
  private void incidentLifecycle(Pipeline p, Runnable betweenFirstAndRest) throws Exception {
    post(p, new String(Fixtures.firing()));
    betweenFirstAndRest.run();
    post(p, new String(Fixtures.mixedResolved()));
    post(p, allResolved());
  }

  static String allResolved() {
    return new String(Fixtures.mixedResolved()).replace(
        "\"status\": \"firing\",\n      \"labels\"", "\"status\": \"resolved\",\n      \"labels\"")
        .replace("\"endsAt\": \"0001-01-01T00:00:00Z\"", "\"endsAt\": \"2026-11-23T19:36:00Z\"");
  }

  private static Incident onlyIncident(Pipeline p) throws Exception {
    List<Incident> all = p.store().listIncidents(null, 10);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  @Test
  void servicenow_keeps_one_record_per_incident_even_when_the_create_answer_is_lost()
      throws Exception {
    try (FakeServiceNow sn = new FakeServiceNow("pave", "s3cret-pw");
        Database db = Postgres.fresh()) {
      sn.loseCreateAnswers.set(1);
      SignalsConfig cfg = config("{name: tickets, type: servicenow, url: \"" + sn.url()
          + "\", user: pave, passwordFile: itsm-password, assignmentGroup: payments-oncall,"
          + " timeout: 1s, retry: {initialBackoff: 50ms, maxBackoff: 200ms}}");
      try (Pipeline p = Pipeline.start(cfg, db, Clock.systemUTC(), log::add)) {
        incidentLifecycle(p, () -> await().atMost(Duration.ofSeconds(10))
            .until(() -> !sn.records.isEmpty()));
        await().atMost(Duration.ofSeconds(15)).until(() -> sn.records.values().stream()
            .anyMatch(r -> r.fields().get("state").equals("6")));
        Incident incident = onlyIncident(p);
        assertThat(sn.records).hasSize(1);
        var record = sn.records.values().iterator().next();
        assertThat(record.fields()).containsEntry("correlation_id", "pave:" + incident.id())
            .containsEntry("correlation_display", "Pave")
            .containsEntry("impact", "1").containsEntry("urgency", "1")
            .containsEntry("priority", "1")
            .containsEntry("assignment_group", "payments-oncall")
            .containsEntry("close_code", "Solution provided");
        assertThat(record.fields().get("short_description"))
            .isEqualTo("KubePodCrashLooping in checkout/prod");
        assertThat(record.fields().get("description")).contains("Team: payments",
            "Runbook: https://runbooks.example.com/checkout");
        assertThat(record.workNotes()).isNotEmpty()
            .allSatisfy(n -> assertThat(n).startsWith("Incident " + incident.id()));
        // The lost answer was retried: a search found the record instead of a second POST.
        assertThat(sn.calls(c -> c.method().equals("POST"))).hasSize(1);
        assertThat(sn.calls(c -> c.method().equals("GET"))).anySatisfy(c -> assertThat(
            c.path()).contains("sysparm_query=correlation_id%3Dpave%3A" + incident.id()));
        assertThat(sn.calls).allSatisfy(c -> assertThat(c.authorization()).startsWith("Basic "));
      }
      // A restart that lost the record of the ticket (the crash came between the create and
      // the write): a new firing of the same incident finds the record by correlation id.
      try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
        s.execute("delete from tickets");
      }
      try (Pipeline p = Pipeline.start(cfg, db, Clock.systemUTC(), log::add)) {
        int notes = sn.records.values().iterator().next().workNotes().size();
        post(p, new String(Fixtures.firing()).replace("2026-11-23T19:35:08Z",
            "2026-11-23T19:50:00Z"));
        await().atMost(Duration.ofSeconds(10)).until(() -> sn.records.values().iterator().next()
            .fields().get("state").equals("2"));
        assertThat(sn.records).hasSize(1);
        assertThat(sn.records.values().iterator().next().workNotes().size()).isGreaterThan(notes);
      }
      assertThat(log).noneMatch(l -> l.contains("s3cret-pw"));
    }
  }

  @Test
  void jira_keeps_one_issue_per_incident_although_its_search_lags_behind_a_lost_create()
      throws Exception {
    try (FakeJira jira = new FakeJira("OPS", "pave@example.com", "s3cret-pw");
        Database db = Postgres.fresh()) {
      jira.loseCreateAnswers.set(1);
      jira.indexLagMillis = 1500;
      SignalsConfig cfg = config("{name: tickets, type: jira, url: \"" + jira.url()
          + "\", project: OPS, user: pave@example.com, tokenFile: itsm-password,"
          + " labels: [pave], searchSettle: 2s, timeout: 1s,"
          + " retry: {initialBackoff: 100ms, maxBackoff: 500ms}}");
      try (Pipeline p = Pipeline.start(cfg, db, Clock.systemUTC(), log::add)) {
        incidentLifecycle(p, () -> { });
        try {
          await().atMost(Duration.ofSeconds(20)).until(() -> jira.issues.values().stream()
              .anyMatch(i -> i.category().equals("done")));
        } catch (RuntimeException e) {
          throw new AssertionError("calls " + jira.calls + "\nlog " + log + "\ndead "
              + p.store().deadLetters(null), e);
        }
        Incident incident = onlyIncident(p);
        assertThat(jira.issues).hasSize(1);
        FakeJira.Issue issue = jira.issues.values().iterator().next();
        assertThat(issue.labels).containsExactly("pave", "pave-" + incident.id());
        assertThat(issue.summary).isEqualTo("KubePodCrashLooping in checkout/prod");
        assertThat(FakeJira.text(issue.description)).contains("Incident " + incident.id(),
            "Team: payments\nRunbook: https://runbooks.example.com/checkout\n");
        assertThat(issue.comments).isNotEmpty();
        assertThat(jira.calls(c -> c.path().endsWith("/rest/api/3/issue"))).hasSize(1);
        assertThat(jira.calls(c -> c.path().endsWith("/search/jql"))).anySatisfy(c ->
            assertThat(c.body()).contains("labels = \\\"pave-" + incident.id() + "\\\""));
      }
      // Reopened within the window after a restart that lost the ticket record.
      try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
        s.execute("delete from tickets");
      }
      try (Pipeline p = Pipeline.start(cfg, db, Clock.systemUTC(), log::add)) {
        post(p, new String(Fixtures.firing()).replace("2026-11-23T19:35:08Z",
            "2026-11-23T19:50:00Z"));
        await().atMost(Duration.ofSeconds(10)).until(() -> jira.issues.values().iterator()
            .next().category().equals("new"));
        assertThat(jira.issues).hasSize(1);
      }
      assertThat(log).noneMatch(l -> l.contains("s3cret-pw"));
    }
  }

  @Test
  void a_refused_login_goes_to_the_dead_letters_with_the_service_error_and_without_the_password()
      throws Exception {
    try (FakeServiceNow sn = new FakeServiceNow("pave", "other-password");
        Database db = Postgres.fresh()) {
      SignalsConfig cfg = config("{name: tickets, type: servicenow, url: \"" + sn.url()
          + "\", user: pave, passwordFile: itsm-password}");
      try (Pipeline p = Pipeline.start(cfg, db, Clock.systemUTC(), log::add)) {
        post(p, new String(Fixtures.firing()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !p.store().deadLetters(null)
            .isEmpty());
        var dead = p.store().deadLetters(null).get(0);
        assertThat(dead.lastError()).startsWith("tickets: record search answered HTTP 401:")
            .contains("User Not Authenticated").doesNotContain("s3cret-pw");
        assertThat(sn.records).isEmpty();
      }
      assertThat(log).noneMatch(l -> l.contains("s3cret-pw"));
    }
  }

  @Test
  void a_jira_workflow_without_the_configured_transition_is_named_in_the_dead_letter()
      throws Exception {
    try (FakeJira jira = new FakeJira("OPS", "pave@example.com", "s3cret-pw");
        Database db = Postgres.fresh()) {
      SignalsConfig cfg = config("{name: tickets, type: jira, url: \"" + jira.url()
          + "\", project: OPS, user: pave@example.com, tokenFile: itsm-password,"
          + " resolveTransition: Close, searchSettle: 0s}");
      try (Pipeline p = Pipeline.start(cfg, db, Clock.systemUTC(), log::add)) {
        incidentLifecycle(p, () -> { });
        await().atMost(Duration.ofSeconds(10)).until(() -> !p.store().deadLetters(null)
            .isEmpty());
        assertThat(p.store().deadLetters(null).get(0).lastError()).isEqualTo("tickets: issue"
            + " OPS-1 has no transition named \"Close\"; available: In Progress, Done");
        assertThat(jira.issues).hasSize(1);
      }
    }
  }

  static JsonNode json(String s) throws Exception {
    return FakeApi.JSON.readTree(s);
  }
}
