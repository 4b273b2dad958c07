package dev.pave.control.webhook;

import dev.pave.control.OperatorMetrics;
import dev.pave.control.PlatformEvents;
import dev.pave.policy.Finding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Records admission decisions worth a platform Event (a denial, an exception used) and counts
 * every one. Answers must not wait for the Event that records them, so Events are written
 * from a thread of their own.
 */
public final class AdmissionEvents implements Consumer<Reviews.Admitted> {
  private final PlatformEvents events;
  private final OperatorMetrics metrics;
  private final ExecutorService recorder = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "pave-admission-events");
    t.setDaemon(true);
    return t;
  });

  public AdmissionEvents(KubernetesClient client, Clock clock, OperatorMetrics metrics) {
    this.events = new PlatformEvents(client, clock);
    this.metrics = metrics;
  }

  @Override
  public void accept(Reviews.Admitted a) {
    metrics.admission(a.decision().allowed(), a.usedException());
    recorder.execute(() -> {
      if (!a.decision().allowed()) {
        events.emitAdmission(a.request(), PlatformEvents.Reason.AdmissionDenied,
            String.valueOf(((Map<?, ?>) ((Map<?, ?>) a.decision().review().get("response"))
                .get("status")).get("message")));
      } else {
        events.emitAdmission(a.request(), PlatformEvents.Reason.ExceptionUsed,
            "Admitted with findings excepted: " + String.join("; ", a.decision().findings()
                .stream().filter(f -> f.status() == Finding.Status.EXCEPTED)
                .map(f -> f.ruleId() + " by " + f.excepted().exception()).toList()));
      }
    });
  }
}
