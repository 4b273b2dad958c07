package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.signals.enrich.Enricher;
import dev.pave.signals.incident.IncidentRules;
import dev.pave.signals.incident.Incidents;
import dev.pave.signals.intake.AlertmanagerWebhook;
import dev.pave.signals.schema.Cef;
import dev.pave.signals.schema.CloudEventEnvelope;
import dev.pave.signals.schema.Ecs;
import dev.pave.signals.schema.Notice;
import dev.pave.signals.schema.Ocsf;
import dev.pave.signals.schema.OtelAttributes;
import dev.pave.signals.schema.Syslog;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaTest {

  private static Notice firstAlert(byte[] body, dev.pave.signals.incident.Incident before) {
    Signal s = AlertmanagerWebhook.parse(body).signals().get(0);
    var e = Enricher.enrich(s, Fixtures.catalog(), Fixtures.NOW);
    var step = Incidents.apply(before, e, IncidentRules.DEFAULT, Fixtures.NOW);
    return new Notice(e, step.incident(), step.change());
  }

  @Test
  void cloudevent_envelope_has_the_required_attributes_and_lowercase_extensions() {
    Notice n = firstAlert(Fixtures.firing(), null);
    Map<String, String> a = CloudEventEnvelope.attributes(n);
    assertThat(a).containsEntry("specversion", "1.0").containsEntry("source", "/pave/signals")
        .containsEntry("type", "dev.pave.signal.alert.firing")
        .containsEntry("subject", "checkout/prod").containsEntry("paveteam", "payments")
        .containsEntry("paveenrichment", "complete")
        .containsEntry("paveincident", n.incident().id());
    assertThat(a.get("id")).isEqualTo(n.signal().signal().id());
    assertThat(a.keySet()).allMatch(k -> k.matches("[a-z0-9]+"));
  }

  @SuppressWarnings("unchecked")
  @Test
  void ecs_document_carries_service_orchestrator_rule_and_owner_labels() {
    Map<String, Object> d = Ecs.of(firstAlert(Fixtures.firing(), null));
    Map<String, Object> event = (Map<String, Object>) d.get("event");
    assertThat(event).containsEntry("kind", "alert").containsEntry("severity", 99)
        .containsEntry("start", "2026-11-23T19:35:08Z")
        .containsEntry("reference", "https://runbooks.example.com/checkout");
    assertThat((Map<String, Object>) d.get("service")).containsEntry("name", "checkout")
        .containsEntry("environment", "prod").containsEntry("version", "1.4.2");
    Map<String, Object> orch = (Map<String, Object>) d.get("orchestrator");
    assertThat(orch).containsEntry("namespace", "payments")
        .containsEntry("cluster", Map.of("name", "prod-eu-1"));
    assertThat((Map<String, Object>) d.get("labels")).containsEntry("team", "payments")
        .containsEntry("on_call", "pagerduty:payments-primary")
        .containsEntry("enrichment", "complete");
    assertThat((Map<String, Object>) d.get("rule")).containsEntry("name", "KubePodCrashLooping");
  }

  @Test
  void ocsf_detection_and_incident_findings_use_the_class_activity_type_uid_rule() {
    Notice open = firstAlert(Fixtures.firing(), null);
    Map<String, Object> det = Ocsf.detection(open);
    assertThat(det).containsEntry("class_uid", 2004).containsEntry("category_uid", 2)
        .containsEntry("activity_id", 1).containsEntry("type_uid", 200401)
        .containsEntry("severity_id", 5);
    Map<String, Object> inc = Ocsf.incident(open);
    assertThat(inc).containsEntry("class_uid", 2005).containsEntry("type_uid", 200501)
        .containsEntry("status_id", 1).containsEntry("priority_id", 4)
        .containsEntry("assignee", Map.of("name", "ana@example.com"));
    Notice resolved = firstAlert(Fixtures.mixedResolved(), open.incident());
    assertThat(Ocsf.detection(resolved)).containsEntry("type_uid", 200403)
        .containsEntry("status_id", 4);
    assertThat(Ocsf.incident(resolved)).containsEntry("type_uid", 200503);
  }

  @Test
  void otel_attributes_match_the_workload_identity() {
    Map<String, String> o = OtelAttributes.of(firstAlert(Fixtures.firing(), null));
    assertThat(o).containsEntry("service.name", "checkout")
        .containsEntry("service.namespace", "payments").containsEntry("service.version", "1.4.2")
        .containsEntry("deployment.environment.name", "prod")
        .containsEntry("k8s.cluster.name", "prod-eu-1")
        .containsEntry("k8s.namespace.name", "payments")
        .containsEntry("k8s.pod.name", "checkout-7d9f8b6c5-x2k4q")
        .containsEntry("k8s.container.name", "checkout");
  }

  @Test
  void cef_escapes_header_and_extension_so_values_cannot_forge_keys() {
    assertThat(Cef.header("a|b\\c")).isEqualTo("a\\|b\\\\c");
    assertThat(Cef.extension("x=1 y\\z\nnext")).isEqualTo("x\\=1 y\\\\z\\nnext");
    Notice n = firstAlert(Fixtures.firing(), null);
    String line = Cef.of(n, "0.1.0");
    assertThat(line).startsWith("CEF:0|Pave|pave-signals|0.1.0|alert:KubePodCrashLooping|"
        + "Pod payments/checkout-7d9f8b6c5-x2k4q is crash looping|10|rt=");
    assertThat(line).contains(" cs1=payments cs1Label=team cs2=checkout cs2Label=application")
        .contains(" cs4=https://runbooks.example.com/checkout cs4Label=runbook")
        .contains(" cn1=12 cn1Label=revision").doesNotContain("\n");
  }

  @Test
  void syslog_message_is_rfc5424_with_structured_data_and_an_octet_count_in_bytes() {
    Notice n = firstAlert(Fixtures.firing(), null);
    String msg = Syslog.message(n, Syslog.Format.DEFAULT, "héllo \"x\"\nline2");
    assertThat(msg).startsWith("<130>1 2026-11-23T19:35:08Z pave-signals pave-signals - alert"
        + " [pave@32473 id=\"" + n.signal().signal().id() + "\" app=\"checkout\" env=\"prod\""
        + " team=\"payments\" enrichment=\"complete\" incident=\"" + n.incident().id() + "\"] ");
    byte[] frame = Syslog.frame(msg);
    String f = new String(frame, StandardCharsets.UTF_8);
    int len = Integer.parseInt(f.substring(0, f.indexOf(' ')));
    assertThat(len).isEqualTo(msg.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(
        msg.length());
  }
}
