package dev.pave.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.signals.enrich.EnrichedSignal;
import dev.pave.signals.enrich.Enricher;
import dev.pave.signals.incident.Change;
import dev.pave.signals.incident.Incident;
import dev.pave.signals.incident.IncidentRules;
import dev.pave.signals.incident.Incidents;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IncidentsTest {
  private static final IncidentRules RULES = new IncidentRules(Duration.ofHours(1),
      Duration.ofHours(1), 4, Duration.ofMinutes(30));

  private static EnrichedSignal alert(String fingerprint, Status status, Severity severity,
      Instant at) {
    Signal s = new Signal(fingerprint + status + at, SignalType.ALERT, status, severity, at,
        "KubePodCrashLooping", "", Map.of("namespace", "payments", "pod",
            "checkout-7d9f8b6c5-" + fingerprint), Map.of(),
        new Subject("prod-eu-1", "payments", "Pod", "checkout-7d9f8b6c5-" + fingerprint),
        new Origin.Alert("r", "gk", fingerprint, at, null, null, null),
        "am|gk|" + fingerprint + "|" + status + "|" + at, "gk");
    return Enricher.enrich(s, Fixtures.catalog(), at);
  }

  private static Instant t(int minutes) {
    return Fixtures.NOW.plus(Duration.ofMinutes(minutes));
  }

  @Test
  void an_incident_opens_grows_and_resolves_only_when_every_alert_resolved() {
    var s1 = Incidents.apply(null, alert("aaaaa", Status.FIRING, Severity.HIGH, t(0)), RULES, t(0));
    assertThat(s1.change()).isEqualTo(Change.OPENED);
    assertThat(s1.incident().app()).isEqualTo("checkout");
    assertThat(s1.incident().id()).isEqualTo(s1.incident().key() + "-1");
    var s2 = Incidents.apply(s1.incident(), alert("bbbbb", Status.FIRING, Severity.CRITICAL, t(1)),
        RULES, t(1));
    assertThat(s2.change()).isEqualTo(Change.UPDATED);
    assertThat(s2.incident().severity()).isEqualTo(Severity.CRITICAL);
    assertThat(s2.incident().firing()).containsExactlyInAnyOrder("aaaaa", "bbbbb");
    var s3 = Incidents.apply(s2.incident(), alert("aaaaa", Status.RESOLVED, Severity.HIGH, t(2)),
        RULES, t(2));
    assertThat(s3.change()).isEqualTo(Change.UPDATED);
    assertThat(s3.incident().state()).isEqualTo(Incident.State.FIRING);
    var s4 = Incidents.apply(s3.incident(), alert("bbbbb", Status.RESOLVED, Severity.HIGH, t(3)),
        RULES, t(3));
    assertThat(s4.change()).isEqualTo(Change.RESOLVED);
    assertThat(s4.incident().resolvedAt()).isEqualTo(t(3));
    assertThat(s4.incident().version()).isEqualTo(4);
  }

  @Test
  void firing_again_soon_reopens_the_same_incident_and_later_starts_a_new_occurrence() {
    var open = Incidents.apply(null, alert("aaaaa", Status.FIRING, Severity.HIGH, t(0)), RULES, t(0));
    var resolved = Incidents.apply(open.incident(),
        alert("aaaaa", Status.RESOLVED, Severity.HIGH, t(1)), RULES, t(1));
    var reopened = Incidents.apply(resolved.incident(),
        alert("aaaaa", Status.FIRING, Severity.HIGH, t(20)), RULES, t(20));
    assertThat(reopened.change()).isEqualTo(Change.REOPENED);
    assertThat(reopened.incident().id()).isEqualTo(open.incident().id());
    var resolvedAgain = Incidents.apply(reopened.incident(),
        alert("aaaaa", Status.RESOLVED, Severity.HIGH, t(21)), RULES, t(21));
    var later = Incidents.apply(resolvedAgain.incident(),
        alert("aaaaa", Status.FIRING, Severity.HIGH, t(200)), RULES, t(200));
    assertThat(later.change()).isEqualTo(Change.OPENED);
    assertThat(later.incident().key()).isEqualTo(open.incident().key());
    assertThat(later.incident().id()).isEqualTo(open.incident().key() + "-2");
  }

  @Test
  void flapping_is_announced_once_then_quiet_until_it_stays_resolved() {
    var step = Incidents.apply(null, alert("aaaaa", Status.FIRING, Severity.HIGH, t(0)), RULES, t(0));
    Change[] seen = new Change[7];
    for (int i = 1; i <= 7; i++) {
      Status st = i % 2 == 1 ? Status.RESOLVED : Status.FIRING;
      step = Incidents.apply(step.incident(), alert("aaaaa", st, Severity.HIGH, t(i)), RULES, t(i));
      seen[i - 1] = step.change();
    }
    assertThat(seen).containsExactly(Change.RESOLVED, Change.REOPENED, Change.RESOLVED,
        Change.FLAPPING, Change.NONE, Change.NONE, Change.NONE);
    assertThat(step.incident().flapping()).isTrue();
    assertThat(step.incident().state()).isEqualTo(Incident.State.RESOLVED);
    assertThat(Incidents.tick(step.incident(), RULES, t(20))).isNull();
    var quiet = Incidents.tick(step.incident(), RULES, t(40));
    assertThat(quiet.change()).isEqualTo(Change.RESOLVED);
    assertThat(quiet.incident().flapping()).isFalse();
  }

  @Test
  void a_resolution_without_a_known_incident_opens_nothing() {
    var step = Incidents.apply(null, alert("aaaaa", Status.RESOLVED, Severity.HIGH, t(0)), RULES,
        t(0));
    assertThat(step.incident()).isNull();
    assertThat(step.change()).isEqualTo(Change.NONE);
  }

  @Test
  void the_key_differs_per_environment_for_the_same_group() {
    var prod = alert("aaaaa", Status.FIRING, Severity.HIGH, t(0));
    Signal s = prod.signal();
    var staging = Enricher.enrich(new Signal(s.id(), s.type(), s.status(), s.severity(), s.time(),
        s.title(), s.summary(), Map.of("app_kubernetes_io_instance", "checkout-staging"),
        Map.of(), Subject.NONE, s.origin(), s.dedupKey(), s.group()), Fixtures.catalog(), t(0));
    assertThat(Incidents.key(prod)).isNotEqualTo(Incidents.key(staging));
    assertThat(Incidents.key(prod)).isEqualTo(Incidents.key(alert("zzzzz", Status.FIRING,
        Severity.LOW, t(5))));
  }

  @Test
  void a_batch_of_one_group_steps_each_signal_and_notices_carry_counts_not_members() {
    var r = Incidents.applyAll(null, java.util.List.of(
        alert("aaaaa", Status.FIRING, Severity.HIGH, t(0)),
        alert("bbbbb", Status.FIRING, Severity.HIGH, t(0)),
        alert("aaaaa", Status.FIRING, Severity.HIGH, t(0)),
        alert("aaaaa", Status.RESOLVED, Severity.HIGH, t(0))), RULES, t(0));
    assertThat(r.steps()).extracting(Incidents.Step::change).containsExactly(Change.OPENED,
        Change.UPDATED, Change.NONE, Change.UPDATED);
    assertThat(r.steps()).extracting(st -> st.incident().firingCount()).containsExactly(1, 2, 2, 1);
    assertThat(r.steps()).allSatisfy(st -> assertThat(st.incident().firing()).isEmpty());
    assertThat(r.last().firing()).containsExactly("bbbbb");
    assertThat(r.last().version()).isEqualTo(3);
  }
}
