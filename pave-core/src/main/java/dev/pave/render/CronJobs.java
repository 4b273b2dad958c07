package dev.pave.render;

import dev.pave.spec.Job;
import dev.pave.spec.WireName;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
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
      ObjectMeta podMeta = new ObjectMeta();
      podMeta.setLabels(podLabels);
      podMeta.setAnnotations(new LinkedHashMap<>(p.identity().podAnnotations()));
      JobSpec run = new JobSpec();
      run.setBackoffLimit(j.retries() != null ? j.retries() : 2);
      run.setActiveDeadlineSeconds((long) (j.timeoutSeconds() != null ? j.timeoutSeconds()
          : 3600));
      run.setTtlSecondsAfterFinished(86400);
      run.setTemplate(new PodTemplateSpec(podMeta, Workloads.podSpec(p, c, null, "Never")));
      CronJobSpec spec = new CronJobSpec();
      spec.setSchedule(j.schedule());
      spec.setTimeZone(j.timeZone());
      spec.setConcurrencyPolicy(concurrency);
      spec.setStartingDeadlineSeconds(300L);
      spec.setSuccessfulJobsHistoryLimit(3);
      spec.setFailedJobsHistoryLimit(3);
      spec.setJobTemplate(new JobTemplateSpec(null, run));
      CronJob cron = new CronJob();
      cron.setMetadata(Meta.of(p, p.name() + "-" + j.name()));
      cron.setSpec(spec);
      out.add(cron);
    }
    return out;
  }

  private static String capitalise(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
