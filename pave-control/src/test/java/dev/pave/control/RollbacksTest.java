package dev.pave.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pave.release.Revision;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rollbacks as the console and the CLI ask for them, with the operator running beside. */
class RollbacksTest {
  OperatorFixture fixture;

  @BeforeEach
  void start() {
    fixture = new OperatorFixture(Duration.ofMinutes(10));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void theRollbackIsCreditedToWhoAskedAndOneThatChangesNothingIsRefused() throws Exception {
    ApplicationResource checkout = fixture.fromFile("examples/checkout/pave.yaml");
    checkout.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(
        ApplicationReconciler.CHANGED_BY, "ana@example.com")));
    fixture.client.resource(checkout).create();
    Releases.Target t = new Releases.Target("checkout", "dev", "checkout-dev");
    await().atMost(Duration.ofSeconds(20)).until(() -> fixture.releases.history(t).size() == 1);
    for (int attempt = 1; ; attempt++) { // Again when the operator wrote the status between.
      ApplicationResource live = fixture.live("checkout");
      live.getSpec().put("image", "registry.example.com/payments/checkout:1.5.0");
      // As the admission webhook stamps a change of the spec with who sent it.
      live.getMetadata().getAnnotations().put(
          dev.pave.control.webhook.Reviews.REQUESTED_BY, "ana@example.com");
      try {
        fixture.client.resource(live).update();
        break;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> fixture.releases.history(t).size() == 2);

    Rollbacks rollbacks = new Rollbacks(fixture.client,
        new Releases(fixture.client, Clock.systemUTC(), System::nanoTime, 20));
    Rollbacks.Result r = rollbacks.rollback(new Releases.Target("checkout", "dev", null), null,
        "apps", "bob@example.com (console)");
    assertThat(r.target()).isEqualTo(1);
    assertThat(r.outcome().failed()).isFalse();
    // The pin wakes the operator, which may record the rollback before the caller does: either
    // way the revision names who clicked, never the spec's last author.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        fixture.releases.history(t)).hasSize(3).last().extracting(Revision::changedBy)
        .asString().startsWith("bob@example.com (console)"));

    // Revision 3 is already a rollback to 1: asking for 1 again changes nothing and says so.
    assertThatThrownBy(() -> rollbacks.rollback(new Releases.Target("checkout", "dev", null), 1,
        "apps", "bob@example.com (console)"))
        .isInstanceOf(Rollbacks.Refused.class)
        .hasMessage("revision 1 holds the same objects as revision 3, which is current; nothing"
            + " to roll back (kept revisions: [1, 2, 3])");
    Thread.sleep(500);
    List<Revision> after = fixture.releases.history(t);
    assertThat(after).hasSize(3);
  }
}
