package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pave.signals.intake.CloudEventsIntake;
import dev.pave.signals.intake.KubernetesEvents;
import io.fabric8.kubernetes.api.model.EventBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IntakeParsersTest {

  @Test
  void a_structured_cloudevent_with_status_joins_an_incident_and_keeps_its_identity() {
    String body = """
        {"specversion":"1.0","id":"e-1","source":"//falco/node-3","type":"falco.rule",
         "subject":"Terminal shell in container","time":"2026-11-23T19:00:00Z",
         "status":"firing","severity":"critical","namespace":"payments",
         "data":{"labels":{"pod":"checkout-7d9f8b6c5-x2k4q"},"summary":"shell spawned"}}""";
    Signal s = CloudEventsIntake.structured(body.getBytes(StandardCharsets.UTF_8), false,
        Fixtures.NOW).get(0);
    assertThat(s.type()).isEqualTo(SignalType.EXTERNAL);
    assertThat(s.status()).isEqualTo(Status.FIRING);
    assertThat(s.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(s.dedupKey()).isEqualTo("ce|//falco/node-3|e-1");
    assertThat(s.group()).isEqualTo("ce|//falco/node-3|Terminal shell in container");
    assertThat(s.labels()).containsEntry("pod", "checkout-7d9f8b6c5-x2k4q")
        .containsEntry("namespace", "payments");
    assertThat(s.summary()).isEqualTo("shell spawned");
  }

  @Test
  void binary_mode_reads_ce_headers_and_the_body_as_data() {
    Signal s = CloudEventsIntake.binary(Map.of("ce-id", "7", "ce-source", "/ci",
        "ce-specversion", "1.0", "ce-type", "ci.build.failed", "Content-Length", "2"),
        "text/plain", "build 42 failed".getBytes(StandardCharsets.UTF_8), Fixtures.NOW);
    assertThat(s.status()).isEqualTo(Status.INFO);
    assertThat(s.group()).isNull();
    assertThat(s.summary()).isEqualTo("build 42 failed");
    assertThat(s.time()).isEqualTo(Fixtures.NOW);
  }

  @Test
  void cloudevents_missing_required_attributes_or_with_bad_names_are_refused() {
    assertThatThrownBy(() -> CloudEventsIntake.structured(
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\"}".getBytes(StandardCharsets.UTF_8),
        false, Fixtures.NOW)).hasMessage("source: required CloudEvents attribute is missing");
    assertThatThrownBy(() -> CloudEventsIntake.structured(
        "[{\"specversion\":\"0.3\",\"id\":\"1\",\"type\":\"t\",\"source\":\"s\"}]"
            .getBytes(StandardCharsets.UTF_8), true, Fixtures.NOW))
        .hasMessage("[0].specversion: expected \"1.0\", got \"0.3\"");
    assertThatThrownBy(() -> CloudEventsIntake.structured(
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\",\"source\":\"s\",\"Bad_Name\":1}"
            .getBytes(StandardCharsets.UTF_8), false, Fixtures.NOW))
        .hasMessageStartingWith("Bad_Name: extension attribute names are lowercase");
  }

  @Test
  void an_operator_event_on_an_application_is_a_platform_signal() {
    var e = new EventBuilder().withNewMetadata().withName("checkout.1").withNamespace("pave-apps")
        .withUid("u1").addToAnnotations(KubernetesEvents.APP, "checkout")
        .addToAnnotations(KubernetesEvents.ENVIRONMENT, "prod")
        .addToAnnotations(KubernetesEvents.REVISION, "13")
        .addToAnnotations(KubernetesEvents.CHANGED_BY, "auto-rollback").endMetadata()
        .withNewInvolvedObject().withKind("Application").withName("checkout")
        .withNamespace("pave-apps").endInvolvedObject().withReason("AutoRolledBack")
        .withMessage("rolled back to revision 12").withType("Warning")
        .withReportingComponent("pave-operator").withLastTimestamp("2026-11-23T19:30:00Z")
        .build();
    Signal s = KubernetesEvents.toSignal(e, "prod-eu-1", Fixtures.NOW);
    assertThat(s.type()).isEqualTo(SignalType.ROLLBACK);
    assertThat(s.severity()).isEqualTo(Severity.HIGH);
    assertThat(s.origin()).isEqualTo(new Origin.Platform("AutoRolledBack", 13, "auto-rollback"));
    assertThat(s.labels()).containsEntry("pave.dev/app", "checkout")
        .containsEntry("pave.dev/environment", "prod");
    var enriched = dev.pave.signals.enrich.Enricher.enrich(s, Fixtures.catalog(), Fixtures.NOW);
    assertThat(enriched.enrichment().team()).isEqualTo("payments");
  }

  @Test
  void another_component_with_the_same_reason_is_a_plain_kubernetes_event() {
    var e = new EventBuilder().withNewMetadata().withName("x").withNamespace("payments")
        .withUid("u2").endMetadata().withNewInvolvedObject().withKind("Pod")
        .withName("checkout-7d9f8b6c5-x2k4q").withNamespace("payments").endInvolvedObject()
        .withReason("RolledBack").withType("Warning").withNewSource().withComponent("kubelet")
        .endSource().withCount(3).build();
    Signal s = KubernetesEvents.toSignal(e, "prod-eu-1", Fixtures.NOW);
    assertThat(s.type()).isEqualTo(SignalType.KUBERNETES_EVENT);
    assertThat(s.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(s.time()).isEqualTo(Fixtures.NOW);
    var enriched = dev.pave.signals.enrich.Enricher.enrich(s, Fixtures.catalog(), Fixtures.NOW);
    assertThat(enriched.enrichment().app()).isEqualTo("checkout");
  }
}
