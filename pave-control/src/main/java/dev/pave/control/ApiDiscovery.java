package dev.pave.control;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Which APIs the cluster serves, asked through discovery once per group/version and kept for
 * a short while, so a reconcile of many objects (or many reconciles) asks at most once per
 * group/version in that time. The built-in groups Pave renders are served by every supported
 * cluster and never asked about; anything else (ServiceMonitors, HTTPRoutes) is optional.
 */
public interface ApiDiscovery {
  /** Served by every Kubernetes Pave supports. */
  Set<String> BUILT_IN = Set.of("v1", "apps/v1", "batch/v1", "networking.k8s.io/v1",
      "policy/v1", "autoscaling/v2");

  /** Whether the cluster serves {@code kind} in {@code apiVersion}. */
  boolean served(String apiVersion, String kind);

  /** Serves everything: for callers that only apply built-in kinds, and for tests. */
  ApiDiscovery EVERYTHING = (apiVersion, kind) -> true;

  /** Asks the cluster, keeping each answer for {@code ttl}. */
  static ApiDiscovery of(KubernetesClient client, Duration ttl, LongSupplier ticker) {
    return new Cached(client, ttl.toNanos(), ticker);
  }

  /** The default: answers kept for 30 seconds, so a newly installed CRD is used soon. */
  static ApiDiscovery of(KubernetesClient client) {
    return of(client, Duration.ofSeconds(30), System::nanoTime);
  }

  /** One cached discovery answer: the kinds a group/version serves, and when it was asked. */
  record Answer(Set<String> kinds, long at) {}

  /** The cached implementation; safe for concurrent reconciles. */
  final class Cached implements ApiDiscovery {
    private final KubernetesClient client;
    private final long ttlNanos;
    private final LongSupplier ticker;
    private final ConcurrentHashMap<String, Answer> answers = new ConcurrentHashMap<>();

    Cached(KubernetesClient client, long ttlNanos, LongSupplier ticker) {
      this.client = client;
      this.ttlNanos = ttlNanos;
      this.ticker = ticker;
    }

    @Override
    public boolean served(String apiVersion, String kind) {
      if (BUILT_IN.contains(apiVersion)) {
        return true;
      }
      long now = ticker.getAsLong();
      Answer a = answers.compute(apiVersion, (gv, old) ->
          old != null && now - old.at() < ttlNanos ? old : new Answer(ask(gv), now));
      return a.kinds().contains(kind);
    }

    private Set<String> ask(String groupVersion) {
      try {
        APIResourceList list = client.getApiResources(groupVersion);
        return list == null || list.getResources() == null ? Set.of()
            : list.getResources().stream().filter(r -> !r.getName().contains("/"))
                .map(APIResource::getKind).collect(Collectors.toUnmodifiableSet());
      } catch (KubernetesClientException e) {
        // A group/version that is not served answers 404 (a plain-text body, not a Status).
        if (e.getCode() == 404) {
          return Set.of();
        }
        throw e;
      }
    }
  }
}
