package dev.pave.render;

import dev.pave.spec.Job;
import dev.pave.spec.WireName;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scheduled tasks run from the service's image with the service's identity and hardening. Job
 * pods get their own component label so the Service never routes traffic to them.
 */
final class CronJobs {
  static final String JOB_LABEL = "pave.dev/job";

  private CronJobs() {}

  static List<HasMetadata> render(Plan p) {
    List<HasMetadata> out = new ArrayList<>();
    for (Job j : p.jobs()) {
      Map<String, String> podLabels = new LinkedHashMap<>(p.identity().labels());
      podLabels.put(Meta.COMPONENT, "job");
      podLabels.put(JOB_LABEL, j.name());
      Plan.Compute compute = j.resources() != null
          ? Plan.compute(j.resources(), p.env().defaultSize()) : p.compute();
      Workloads.ContainerPlan c = new Workloads.ContainerPlan(j.name(), j.command(), j.args(),
          compute, false);
      String concurrency = j.concurrency() == null ? "Forbid"
          : capitalise(WireName.of(j.concurrency()));
      out.add(new CronJobBuilder().withMetadata(Meta.of(p, p.name() + "-" + j.name()))
          .withNewSpec()
          .withSchedule(j.schedule())
          .withTimeZone(j.timeZone())
          .withConcurrencyPolicy(concurrency)
          .withStartingDeadlineSeconds(300L)
          .withSuccessfulJobsHistoryLimit(3)
          .withFailedJobsHistoryLimit(3)
          .withNewJobTemplate()
          .withNewSpec()
          .withBackoffLimit(j.retries() != null ? j.retries() : 2)
          .withActiveDeadlineSeconds((long) (j.timeoutSeconds() != null ? j.timeoutSeconds()
              : 3600))
          .withTtlSecondsAfterFinished(86400)
          .withNewTemplate()
          .withMetadata(new ObjectMetaBuilder().withLabels(podLabels)
              .withAnnotations(new LinkedHashMap<>(p.identity().podAnnotations())).build())
          .withSpec(Workloads.podSpec(p, c, null, "Never"))
          .endTemplate()
          .endSpec()
          .endJobTemplate()
          .endSpec().build());
    }
    return out;
  }

  private static String capitalise(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
