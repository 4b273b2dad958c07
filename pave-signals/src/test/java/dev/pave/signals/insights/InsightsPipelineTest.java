package dev.pave.signals.insights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pave.insights.Insights;
import dev.pave.insights.Insights.Distribution;
import dev.pave.insights.Insights.NameCount;
import dev.pave.signals.Postgres;
import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.enrich.Catalog;
import dev.pave.signals.enrich.CatalogEntry;
import dev.pave.signals.intake.KubernetesEvents;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Database;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A known history driven through the pipeline as it receives it (the operator's Events as the
 * cluster watch submits them, alerts and CloudEvents over HTTP, a replay of dead letters) on
 * the embedded PostgreSQL; every metric read back, through the Java API, the HTTP API and
 * /metrics, to its exact value.
 */
class InsightsPipelineTest {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicInteger uids = new AtomicInteger();
  private final SetClock clock = new SetClock();
  private Database db;
  private Pipeline pipeline;

  /** A clock the test moves: incidents open and resolve at the pipeline's own "now". */
  static final class SetClock extends Clock {
    volatile Instant now = Instant.parse("2026-11-12T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (pipeline != null) {
      pipeline.close();
    }
    if (db != null) {
      db.close();
    }
  }

  static Instant t(String s) {
    return Instant.parse(s);
  }

  static final CatalogEntry CHECKOUT = new CatalogEntry("checkout", "prod", "payments",
      "ana@example.com", "pagerduty:payments-primary", "https://runbooks.example.com/checkout",
      "critical", "prod-eu-1", "payments", "1.4.2",
      List.of(new CatalogEntry.Release(13, t("2026-11-16T10:00:00Z"), "ana", "a1")),
      List.of(new CatalogEntry.ActiveException("temp-port", List.of("ports"),
              t("2026-11-20T00:00:00Z"), "ana@example.com"),
          new CatalogEntry.ActiveException("checkout-privileged", List.of("psa/*"),
              t("2026-12-31T00:00:00Z"), "ana@example.com")));
  static final CatalogEntry LEDGER = new CatalogEntry("ledger", "prod", "payments", null, null,
      null, "standard", "prod-eu-1", "ledger-prod", "2.0.0", List.of(), List.of());
  static final CatalogEntry SEARCH = new CatalogEntry("search-api", "prod", "search",
      "sam@example.com", "pagerduty:search", "https://runbooks.example.com/search",
      "standard", "prod-eu-1", "search", "3.0.0",
      List.of(new CatalogEntry.Release(1, t("2026-11-20T09:00:00Z"), "sam", "c3")), List.of());

  private void start() throws Exception {
    Files.writeString(dir.resolve("am-token"), "am-secret\n");
    Files.writeString(dir.resolve("ce-token"), "ce-secret\n");
    Files.writeString(dir.resolve("api-token"), "api-secret\n");
    String yaml = """
        apiVersion: pave.dev/v1alpha1
        kind: SignalsConfig
        intake:
          port: 0
          alertmanager: {bearerTokenFile: am-token}
          cloudevents: {bearerTokenFile: ce-token}
          api: {bearerTokenFile: api-token}
        sinks:
          - name: soc
            type: webhook
            url: http://127.0.0.1:9/unreachable
            retry: {initialBackoff: 10ms, maxBackoff: 10ms, maxAttempts: 1}
        routes:
          - sinks: [soc]
            types: [alert]
        """;
    var r = ConfigReader.read("signals.yaml", yaml, dir);
    assertThat(r.problems()).isEmpty();
    db = Postgres.fresh();
    pipeline = Pipeline.start(r.config(), db, clock, l -> { });
    pipeline.catalog(new Catalog(List.of(CHECKOUT, LEDGER, SEARCH)));
  }

  /** An Event as the operator writes it, submitted as the cluster watch submits it. */
  private void operator(String at, String app, String reason, Integer revision,
      String message, Map<String, String> extra) {
    clock.now = t(at);
    var b = new EventBuilder().withNewMetadata().withName(app + "." + uids.incrementAndGet())
        .withNamespace(app.equals("search-api") ? "search" : "payments")
        .withUid("uid-" + uids.get())
        .addToAnnotations(KubernetesEvents.APP, app)
        .addToAnnotations(KubernetesEvents.ENVIRONMENT, "prod")
        .addToAnnotations(extra).endMetadata()
        .withNewInvolvedObject().withKind("Application").withName(app)
        .withNamespace("payments").endInvolvedObject()
        .withReason(reason).withMessage(message).withType("Normal")
        .withNewSource().withComponent(KubernetesEvents.OPERATOR).endSource()
        .withReportingComponent(KubernetesEvents.OPERATOR)
        .withFirstTimestamp(at).withLastTimestamp(at).withCount(1);
    if (revision != null) {
      b.editMetadata().addToAnnotations(KubernetesEvents.REVISION, revision.toString())
          .endMetadata();
    }
    Event e = b.build();
    var outcome = pipeline.ingest().submit(List.of(KubernetesEvents.toSignal(e, "prod-eu-1",
        clock.instant())));
    assertThat(outcome.accepted()).isEqualTo(1);
  }

  private void operator(String at, String reason, Integer revision) {
    operator(at, "checkout", reason, revision, reason, Map.of());
  }

  private HttpResponse<String> post(String path, String token, String type, String body)
      throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.port()
        + path)).header("Authorization", "Bearer " + token).header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void alert(String at, String status, String namespace, String fingerprint)
      throws Exception {
    clock.now = t(at);
    String body = """
        {"version": "4", "groupKey": "{}:{alertname=\\"Down\\", namespace=\\"%2$s\\"}",
         "status": "%1$s", "receiver": "soc", "groupLabels": {"alertname": "Down"},
         "commonLabels": {}, "commonAnnotations": {}, "externalURL": "", "truncatedAlerts": 0,
         "alerts": [{"status": "%1$s", "labels": {"alertname": "Down", "cluster": "prod-eu-1",
           "namespace": "%2$s", "severity": "critical"}, "annotations": {},
           "startsAt": "2026-11-18T10:29:00Z", "endsAt": "%3$s", "generatorURL": "",
           "fingerprint": "%4$s"}]}
        """.formatted(status, namespace, status.equals("resolved") ? at
        : "0001-01-01T00:00:00Z", fingerprint);
    var r = post("/api/v1/alertmanager", "am-secret", "application/json", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private void cloudEvent(String at, String type, String id, Map<String, String> labels)
      throws Exception {
    clock.now = t(at);
    var body = json.writeValueAsString(Map.of("specversion", "1.0", "id", id,
        "source", "/pave/inventory", "type", type, "time", at,
        "data", Map.of("labels", labels)));
    var r = post("/api/v1/cloudevents", "ce-secret", "application/cloudevents+json", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void aKnownHistoryGivesEveryMetricExactly() throws Exception {
    start();
    cloudEvent("2026-11-13T09:00:00Z", FactsOf.TEAM, "t1", Map.of("team", "payments"));
    cloudEvent("2026-11-13T09:00:00Z", FactsOf.WORKLOAD, "w1", Map.of("namespace", "payments",
        "kind", "Deployment", "name", "checkout", "managed", "true", "pave.dev/team",
        "payments"));
    operator("2026-11-14T12:00:00Z", "checkout", "ExceptionUsed", null,
        "Admitted with findings excepted: ports by temp-port", Map.of());
    // a deploy: commit 09:00, Available 10:05 (lead 65 min); the team's first, 3 d 1 h 5 min
    // after it was created
    operator("2026-11-16T10:00:00Z", "checkout", "RevisionRecorded", 13, "recorded",
        Map.of(KubernetesEvents.SOURCE_COMMIT_TIME, "2026-11-16T09:00:00Z"));
    operator("2026-11-16T10:05:00Z", "RolloutAvailable", 13);
    // a failed rollout rolled back automatically: failure 10:10, previous Available 10:12
    operator("2026-11-17T10:00:00Z", "checkout", "RevisionRecorded", 14, "recorded",
        Map.of(KubernetesEvents.SOURCE_COMMIT_TIME, "2026-11-17T08:00:00Z"));
    operator("2026-11-17T10:10:00Z", "RolloutFailed", 14);
    operator("2026-11-17T10:11:00Z", "AutoRolledBack", 13);
    operator("2026-11-17T10:12:00Z", "RolloutAvailable", 13);
    // a deploy (lead 34 min) that opens an incident, rolled back by hand: asked 10:40,
    // Available 10:43; the incident resolves 30 min after it opened
    operator("2026-11-18T10:00:00Z", "checkout", "RevisionRecorded", 15, "recorded",
        Map.of(KubernetesEvents.SOURCE_COMMIT_TIME, "2026-11-18T09:30:00Z"));
    operator("2026-11-18T10:04:00Z", "RolloutAvailable", 15);
    alert("2026-11-18T10:30:00Z", "firing", "payments", "f1");
    operator("2026-11-18T10:40:00Z", "checkout", "RolledBack", 13, "pinned",
        Map.of(KubernetesEvents.CHANGED_BY, "ana"));
    operator("2026-11-18T10:43:00Z", "RolloutAvailable", 13);
    alert("2026-11-18T11:00:00Z", "resolved", "payments", "f1");
    // denied twice by admission, fixed 30 min after the first denial
    operator("2026-11-19T09:00:00Z", "checkout", "AdmissionDenied", null,
        "Deployment payments/checkout is not valid: registries: image from an untrusted"
            + " registry; limits: no memory limit", Map.of());
    operator("2026-11-19T09:05:00Z", "checkout", "AdmissionDenied", null,
        "Deployment payments/checkout is not valid: registries: image from an untrusted"
            + " registry", Map.of());
    operator("2026-11-19T09:30:00Z", "RevisionRecorded", 16);
    operator("2026-11-19T09:35:00Z", "RolloutAvailable", 16);
    operator("2026-11-20T12:00:00Z", "checkout", "ExceptionUsed", null,
        "Admitted with findings excepted: psa/privileged by checkout-privileged", Map.of());
    // the other team deploys once: lead 2 h
    operator("2026-11-20T09:00:00Z", "search-api", "RevisionRecorded", 1, "recorded",
        Map.of(KubernetesEvents.SOURCE_COMMIT_TIME, "2026-11-20T08:00:00Z"));
    operator("2026-11-20T10:00:00Z", "search-api", "RolloutAvailable", 1, "available",
        Map.of());
    // an alert whose application has no owner, on-call, runbook or revision known
    alert("2026-11-21T08:00:00Z", "firing", "ledger-prod", "f2");
    operator("2026-11-23T08:00:00Z", "DriftCorrected", 16);
    cloudEvent("2026-11-24T10:00:00Z", FactsOf.WORKLOAD, "w2", Map.of("namespace", "payments",
        "kind", "Deployment", "name", "cron-hack", "managed", "false", "pave.dev/team",
        "payments"));
    // the three alerts' notices died at the unreachable sink; someone replays them
    await().atMost(Duration.ofSeconds(20))
        .until(() -> pipeline.store().deadLetters("soc").size() == 3);
    assertThat(pipeline.store().replay("soc", null, (s, k) -> 0,
        t("2026-11-25T08:00:00Z"))).isEqualTo(3);

    clock.now = t("2026-11-26T12:00:00Z");
    Insights i = pipeline.store().insights().insights(null, null, t("2026-11-12T12:00:00Z"),
        clock.now, null);
    LocalDate w1 = LocalDate.parse("2026-11-09");
    LocalDate w2 = LocalDate.parse("2026-11-16");
    LocalDate w3 = LocalDate.parse("2026-11-23");

    assertThat(i.deploymentFrequency()).isEqualTo(new Insights.DeploymentFrequency(4, 2.0,
        List.of(new Insights.WeekCount(w1, 0), new Insights.WeekCount(w2, 4),
            new Insights.WeekCount(w3, 0))));
    assertThat(i.leadTimeForChanges().distribution())
        .isEqualTo(new Distribution(3, 3900.0, 7200.0, 7200.0, 4380.0));
    assertThat(i.leadTimeForChanges().deploymentsWithoutCommitTime()).isEqualTo(1);
    assertThat(i.changeFailureRate()).isEqualTo(new Insights.ChangeFailureRate(0.4, 5, 2));
    assertThat(i.timeToRestore()).isEqualTo(new Insights.TimeToRestore(
        new Distribution(1, 1800.0, 1800.0, 1800.0, 1800.0),
        new Distribution(1, 120.0, 120.0, 120.0, 120.0)));
    assertThat(List.of(i.rollback().automatic(), i.rollback().manual()))
        .containsExactly(1L, 1L);
    assertThat(i.rollback().toAvailable())
        .isEqualTo(new Distribution(2, 120.0, 180.0, 180.0, 150.0));
    assertThat(i.onboarding().teams())
        .containsExactly(new Insights.OnboardingEntry("payments", "prod", 263_100));
    assertThat(i.bypass()).isEqualTo(new Insights.Bypass(1, 1, 0.5,
        List.of(new Insights.Share("payments", 1, 1)),
        List.of(new Insights.Share("payments", 1, 1)),
        List.of(new Insights.BypassWeek(w1, 1, 0, 0), new Insights.BypassWeek(w2, 1, 0, 0),
            new Insights.BypassWeek(w3, 1, 1, 1)),
        List.of(new Insights.WorkloadRef("payments", "Deployment", "cron-hack", "payments",
            t("2026-11-24T10:00:00Z")))));
    var p = i.policyFriction();
    assertThat(p.deniedAtAdmission()).isEqualTo(3);
    assertThat(p.rulesThatBlockMost()).containsExactly(new NameCount("registries", 2),
        new NameCount("limits", 1));
    assertThat(p.firstFindingToFix())
        .isEqualTo(new Distribution(1, 1800.0, 1800.0, 1800.0, 1800.0));
    assertThat(p.exceptions()).containsExactly(
        new Insights.ExceptionAge("temp-port", "payments", "checkout", "prod", 12.0,
            t("2026-11-20T00:00:00Z"), true),
        new Insights.ExceptionAge("checkout-privileged", "payments", "checkout", "prod", 6.0,
            t("2026-12-31T00:00:00Z"), false));
    assertThat(p.exceptionsExpired()).isEqualTo(1);
    assertThat(i.alertContext()).isEqualTo(new Insights.AlertContext(3, 2, 2.0 / 3,
        List.of(new NameCount("onCall", 1), new NameCount("owner", 1),
            new NameCount("revision", 1), new NameCount("runbook", 1))));
    assertThat(i.toil()).isEqualTo(new Insights.Toil(1, 1, 3, List.of(
        new Insights.ToilWeek(w1, 0, 0, 0), new Insights.ToilWeek(w2, 1, 0, 0),
        new Insights.ToilWeek(w3, 0, 1, 3))));
    var c = i.cost();
    assertThat(List.of(c.services(), c.teams(), c.deployments(), c.incidents()))
        .containsExactly(3L, 2L, 4L, 2L);
    assertThat(c.reason()).contains("no costs stated");

    // The same object over HTTP, narrowed to a team, and the headline gauges.
    var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.port()
        + "/api/v1/insights?team=search&since=2026-11-12T12:00:00Z"))
        .header("Authorization", "Bearer api-secret").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json.readTree(r.body());
    assertThat(body.at("/deploymentFrequency/deployments").asLong()).isEqualTo(1);
    assertThat(body.at("/changeFailureRate/value").asDouble()).isEqualTo(0.0);
    assertThat(body.at("/leadTimeForChanges/distribution/p50").asDouble()).isEqualTo(7200.0);
    assertThat(body.fieldNames()).toIterable().contains("deploymentFrequency",
        "leadTimeForChanges", "changeFailureRate", "timeToRestore", "rollback", "onboarding",
        "bypass", "policyFriction", "alertContext", "toil", "cost");
    var unauthorized = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + pipeline.port() + "/api/v1/insights")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(unauthorized.statusCode()).isEqualTo(401);
    var bad = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.port()
        + "/api/v1/insights?since=yesterday")).header("Authorization", "Bearer api-secret")
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("since: expected an RFC 3339 time or a duration");
    String metrics = pipeline.metrics().scrape();
    assertThat(metrics).contains("pave_insights_change_failure_rate 0.4")
        .contains("pave_insights_deployments 4.0")
        .contains("pave_insights_unmanaged_workloads 1.0");
  }
}
