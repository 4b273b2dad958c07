package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pave.signals.intake.AlertmanagerWebhook;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlertmanagerWebhookTest {

  @Test
  void each_alert_of_a_group_becomes_a_signal_with_its_own_status() {
    var n = AlertmanagerWebhook.parse(Fixtures.mixedResolved());
    assertThat(n.receiver()).isEqualTo("soc-webhook");
    assertThat(n.signals()).hasSize(2);
    Signal resolved = n.signals().get(0);
    assertThat(resolved.status()).isEqualTo(Status.RESOLVED);
    assertThat(resolved.time()).isEqualTo(Instant.parse("2026-11-23T19:35:41Z"));
    assertThat(resolved.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(resolved.title()).isEqualTo("KubePodCrashLooping");
    assertThat(resolved.subject()).isEqualTo(new Subject("prod-eu-1", "payments", "Pod",
        "checkout-7d9f8b6c5-x2k4q"));
    assertThat(n.signals().get(1).status()).isEqualTo(Status.FIRING);
    assertThat(((Origin.Alert) n.signals().get(1).origin()).endsAt()).isNull();
  }

  @Test
  void the_same_alert_in_a_later_notification_has_the_same_id_and_its_resolution_a_new_one() {
    var firing = AlertmanagerWebhook.parse(Fixtures.firing()).signals();
    var mixed = AlertmanagerWebhook.parse(Fixtures.mixedResolved()).signals();
    // Second alert fires in both notifications: a repeat, same key.
    assertThat(mixed.get(1).dedupKey()).isEqualTo(firing.get(1).dedupKey());
    assertThat(mixed.get(1).id()).isEqualTo(firing.get(1).id());
    // First alert resolved: new information, new key.
    assertThat(mixed.get(0).dedupKey()).isNotEqualTo(firing.get(0).dedupKey());
    assertThat(firing.get(0).group()).isEqualTo(
        "{}:{alertname=\"KubePodCrashLooping\", namespace=\"payments\"}");
  }

  @Test
  void annotations_of_the_alert_and_the_group_are_kept() {
    Signal s = AlertmanagerWebhook.parse(Fixtures.firing()).signals().get(0);
    assertThat(s.annotations()).containsEntry("runbook_url",
        "https://runbooks.example/KubePodCrashLooping");
    assertThat(s.summary()).isEqualTo("Pod payments/checkout-7d9f8b6c5-x2k4q is crash looping");
  }

  @Test
  void an_unsupported_version_or_broken_alert_is_refused_with_what_is_wrong() {
    String v3 = new String(Fixtures.firing(), StandardCharsets.UTF_8).replace("\"version\": \"4\"",
        "\"version\": \"3\"");
    assertThatThrownBy(() -> AlertmanagerWebhook.parse(v3.getBytes(StandardCharsets.UTF_8)))
        .hasMessage("version: expected \"4\" (Alertmanager webhook version 4), got \"3\"");
    String badStatus = new String(Fixtures.firing(), StandardCharsets.UTF_8)
        .replaceFirst("\"status\": \"firing\",\n      \"labels\"", "\"status\": \"burning\",\n      \"labels\"");
    assertThatThrownBy(() -> AlertmanagerWebhook.parse(badStatus.getBytes(StandardCharsets.UTF_8)))
        .hasMessage("alerts[0].status: expected firing or resolved, got \"burning\"");
    assertThatThrownBy(() -> AlertmanagerWebhook.parse("{".getBytes(StandardCharsets.UTF_8)))
        .hasMessageStartingWith("body is not JSON");
  }
}
