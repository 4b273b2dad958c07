package dev.pave.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the Deployment controller and the kubelets, which the embedded API does not have: a
 * Deployment's new generation becomes available after {@code startup}, as if its Pods had
 * started and passed their probes. Nothing runs, so nothing can crash; an image whose tag
 * ends in {@value #NEVER_READY} stands for one that never becomes ready, and its rollout
 * fails with ProgressDeadlineExceeded as a real controller reports it once the deadline
 * passes.
 */
final class DeploymentController implements AutoCloseable {
  static final String NEVER_READY = "-crashloop";

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration startup;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      r -> {
        Thread t = new Thread(r, "pave-sandbox-deployments");
        t.setDaemon(true);
        return t;
      });
  private SharedIndexInformer<Deployment> informer;

  DeploymentController(KubernetesClient client, Clock clock, Duration startup) {
    this.client = client;
    this.clock = clock;
    this.startup = startup;
  }

  DeploymentController start() {
    informer = client.apps().deployments().inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Deployment d) {
        consider(d);
      }

      @Override
      public void onUpdate(Deployment before, Deployment d) {
        consider(d);
      }

      @Override
      public void onDelete(Deployment d, boolean unknown) {}
    });
    return this;
  }

  private void consider(Deployment d) {
    Long generation = d.getMetadata().getGeneration();
    Long observed = d.getStatus() == null ? null : d.getStatus().getObservedGeneration();
    if (generation == null || Objects.equals(generation, observed)) {
      return;
    }
    timer.schedule(() -> observe(d.getMetadata().getNamespace(), d.getMetadata().getName(),
        generation), startup.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void observe(String namespace, String name, long generation) {
    try {
      client.apps().deployments().inNamespace(namespace).withName(name).edit(d -> {
        if (!Objects.equals(d.getMetadata().getGeneration(), generation)) {
          return d; // a newer generation is on its way; it is observed in its turn
        }
        d.setStatus(status(d, clock));
        return d;
      });
    } catch (KubernetesClientException e) {
      // deleted meanwhile, or a concurrent write: the next event brings it back here
    }
  }

  /** The status a Deployment controller reports once the Pods of this generation settled. */
  static DeploymentStatus status(Deployment d, Clock clock) {
    int wanted = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
    boolean ready = containers.stream().noneMatch(c -> c.getImage() != null
        && c.getImage().endsWith(NEVER_READY));
    DeploymentStatus s = new DeploymentStatus();
    s.setObservedGeneration(d.getMetadata().getGeneration());
    s.setReplicas(wanted);
    s.setUpdatedReplicas(wanted);
    s.setReadyReplicas(ready ? wanted : 0);
    s.setAvailableReplicas(ready ? wanted : 0);
    s.setUnavailableReplicas(ready ? null : wanted);
    String now = clock.instant().toString();
    DeploymentCondition available = new DeploymentCondition(now, now,
        ready ? "Deployment has minimum availability." : "Deployment does not have minimum"
            + " availability.", ready ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
        ready ? "True" : "False", "Available");
    DeploymentCondition progressing = ready
        ? new DeploymentCondition(now, now, "ReplicaSet \"" + d.getMetadata().getName()
            + "\" has successfully progressed.", "NewReplicaSetAvailable", "True", "Progressing")
        : new DeploymentCondition(now, now, "ReplicaSet \"" + d.getMetadata().getName()
            + "\" has timed out progressing: its containers never became ready.",
            "ProgressDeadlineExceeded", "False", "Progressing");
    s.setConditions(List.of(available, progressing));
    return s;
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    timer.shutdownNow();
  }
}
