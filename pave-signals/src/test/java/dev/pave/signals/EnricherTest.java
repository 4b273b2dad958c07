package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.signals.enrich.Enricher;
import dev.pave.signals.enrich.Enrichment;
import dev.pave.signals.intake.AlertmanagerWebhook;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnricherTest {

  private static Signal alert(Map<String, String> labels) {
    return new Signal("id", SignalType.ALERT, Status.FIRING, Severity.HIGH, Fixtures.NOW, "A",
        "", labels, Map.of(), new Subject(labels.get("cluster"), labels.get("namespace"), "", ""),
        new Origin.Alert("r", "g", "f", Fixtures.NOW, null, null, null), "d", "g");
  }

  @Test
  void a_crash_looping_pod_is_matched_by_namespace_and_pod_name_and_gets_the_full_context() {
    Signal s = AlertmanagerWebhook.parse(Fixtures.firing()).signals().get(0);
    Enrichment e = Enricher.enrich(s, Fixtures.catalog(), Fixtures.NOW).enrichment();
    assertThat(e.level()).isEqualTo(Enrichment.Level.COMPLETE);
    assertThat(e.missing()).isEmpty();
    assertThat(e.matchedBy()).isEqualTo("namespace and workload name");
    assertThat(e.app()).isEqualTo("checkout");
    assertThat(e.environment()).isEqualTo("prod");
    assertThat(e.team()).isEqualTo("payments");
    assertThat(e.onCall()).isEqualTo("pagerduty:payments-primary");
    assertThat(e.revision()).isEqualTo(12);
    assertThat(e.lastDeployBy()).isEqualTo("ana");
    // Only revision 12 is within 24 h of now; only the unexpired exception is active.
    assertThat(e.recentReleases()).extracting(r -> r.number()).containsExactly(12);
    assertThat(e.activeExceptions()).extracting(x -> x.name()).containsExactly(
        "checkout-privileged");
  }

  @Test
  void pave_labels_win_over_the_namespace() {
    Enrichment e = Enricher.enrich(alert(Map.of("app_kubernetes_io_name", "checkout",
        "pave_dev_environment", "staging", "namespace", "payments")), Fixtures.catalog(),
        Fixtures.NOW).enrichment();
    assertThat(e.environment()).isEqualTo("staging");
    assertThat(e.matchedBy()).isEqualTo("labels");
    assertThat(e.level()).isEqualTo(Enrichment.Level.PARTIAL);
    assertThat(e.missing()).containsExactly("onCall", "runbook", "revision");
  }

  @Test
  void the_instance_label_alone_is_enough() {
    Enrichment e = Enricher.enrich(alert(Map.of("app_kubernetes_io_instance", "ledger-prod")),
        Fixtures.catalog(), Fixtures.NOW).enrichment();
    assertThat(e.app()).isEqualTo("ledger");
    assertThat(e.missing()).containsExactly("owner", "onCall", "runbook");
    assertThat(e.recentReleases()).isEmpty();
    assertThat(e.revision()).isEqualTo(3);
  }

  @Test
  void the_cluster_label_picks_the_environment_of_an_application_label() {
    Enrichment e = Enricher.enrich(alert(Map.of("service_name", "checkout", "cluster",
        "staging-1")), Fixtures.catalog(), Fixtures.NOW).enrichment();
    assertThat(e.environment()).isEqualTo("staging");
    assertThat(e.matchedBy()).isEqualTo("application label and cluster");
  }

  @Test
  void an_application_the_catalog_does_not_know_is_partial_and_says_so() {
    Enrichment e = Enricher.enrich(alert(Map.of("app_kubernetes_io_name", "billing",
        "environment", "prod")), Fixtures.catalog(), Fixtures.NOW).enrichment();
    assertThat(e.level()).isEqualTo(Enrichment.Level.PARTIAL);
    assertThat(e.app()).isEqualTo("billing");
    assertThat(e.missing()).containsExactly("catalog entry for billing in prod");
  }

  @Test
  void a_node_alert_with_nothing_to_match_is_none_with_the_reason() {
    Enrichment e = Enricher.enrich(alert(Map.of("node", "worker-3", "namespace", "kube-system")),
        Fixtures.catalog(), Fixtures.NOW).enrichment();
    assertThat(e.level()).isEqualTo(Enrichment.Level.NONE);
    assertThat(e.missing()).containsExactly("application (no app.kubernetes.io/name or instance"
        + " label, no single application in namespace kube-system)");
  }

  @Test
  void the_alert_runbook_fills_in_when_the_catalog_has_none() {
    Signal s = new Signal("id", SignalType.ALERT, Status.FIRING, Severity.HIGH, Fixtures.NOW,
        "A", "", Map.of("app_kubernetes_io_name", "ledger", "env", "prod"),
        Map.of("runbook_url", "https://rb/x"), Subject.NONE,
        new Origin.Alert("r", "g", "f", Fixtures.NOW, null, null, null), "d", "g");
    Enrichment e = Enricher.enrich(s, Fixtures.catalog(), Fixtures.NOW).enrichment();
    assertThat(e.runbook()).isEqualTo("https://rb/x");
    assertThat(e.missing()).containsExactly("owner", "onCall");
  }
}
