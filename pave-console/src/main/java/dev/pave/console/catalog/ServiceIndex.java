package dev.pave.console.catalog;

import dev.pave.control.ApplicationResource;
import dev.pave.control.EnvironmentCatalog;
import dev.pave.control.EnvironmentResource;
import dev.pave.identity.Identity;
import dev.pave.policy.CheckRun;
import dev.pave.policy.PolicyException;
import dev.pave.policy.PolicyReader;
import dev.pave.release.Revision;
import dev.pave.render.Manifests;
import dev.pave.spec.Application;
import dev.pave.spec.Document;
import dev.pave.spec.Environment;
import dev.pave.spec.Environments;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Everything the catalog, the service pages and the adoption page list, held in memory and
 * kept current by informers: a request reads this index and never lists the cluster. Policy
 * verdicts are worked out off the informer threads, once per generation of each Application.
 */
public final class ServiceIndex implements AutoCloseable {
  public static final ResourceDefinitionContext EXCEPTIONS = new ResourceDefinitionContext.Builder()
      .withGroup("pave.dev").withVersion("v1alpha1").withKind("PolicyException")
      .withPlural("policyexceptions").withNamespaced(true).build();

  private static final Comparator<ServiceEntry> ORDER = Comparator.comparing(ServiceEntry::app)
      .thenComparing(ServiceEntry::environment).thenComparing(ServiceEntry::resourceNamespace);

  private final KubernetesClient client;
  private final String defaultEnvironment;
  private final Clock clock;
  private final Consumer<String> log;
  private final Map<String, ApplicationResource> resources = new ConcurrentHashMap<>();
  private final Map<String, ServiceEntry> entries = new ConcurrentHashMap<>();
  private final Map<String, Workload> workloads = new ConcurrentHashMap<>();
  private final Map<String, EnvironmentResource> environmentResources = new ConcurrentHashMap<>();
  /** Resource namespaces of the Applications named so: a service page finds its entry here. */
  private final Map<String, Set<String>> byApp = new ConcurrentHashMap<>();
  /** Keys of the services whose objects live in a namespace (exceptions name namespaces). */
  private final Map<String, Set<String>> byNamespace = new ConcurrentHashMap<>();
  private final RevisionCache revisions;
  private final Map<String, PolicyException> exceptions = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Object>> exceptionObjects = new ConcurrentHashMap<>();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final ExecutorService checker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "pave-console-policy");
    t.setDaemon(true);
    return t;
  });
  private final Policies policies;
  private volatile Map<String, Integer> incidents = Map.of();
  private volatile List<ServiceEntry> sorted = List.of();
  private volatile boolean dirty = true;
  private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile Adoption.Report adoption;
  private volatile boolean exceptionsSupported;

  public ServiceIndex(KubernetesClient client, String defaultEnvironment, Clock clock,
      Consumer<String> log) {
    this(client, defaultEnvironment, clock, log, dev.pave.policy.PolicySettings.builtIn(
        Map.of(), dev.pave.policy.Severity.HIGH));
  }

  /** With the policy settings admission uses, so verdicts here are admission's. */
  public ServiceIndex(KubernetesClient client, String defaultEnvironment, Clock clock,
      Consumer<String> log, dev.pave.policy.PolicySettings policySettings) {
    this.client = client;
    this.defaultEnvironment = defaultEnvironment;
    this.clock = clock;
    this.log = log;
    this.policies = new Policies(policySettings, this::exceptionList);
    this.revisions = new RevisionCache(log);
  }

  /** Starts the informers and waits until each has listed once. */
  public ServiceIndex start() {
    informers.add(client.resources(EnvironmentResource.class).inform(handler(
        e -> environmentResources.put(e.getMetadata().getName(), e),
        e -> environmentResources.remove(e.getMetadata().getName()), this::recheckAll)));
    try {
      exceptionsSupported = client.apiextensions().v1().customResourceDefinitions()
          .withName("policyexceptions.pave.dev").get() != null;
    } catch (RuntimeException e) {
      log.accept("policy exceptions not readable (" + e.getClass().getSimpleName() + ")");
    }
    if (exceptionsSupported) {
      informers.add(client.genericKubernetesResources(EXCEPTIONS).inAnyNamespace()
          .inform(handler(this::putException, this::removeException, this::recheckAll)));
    }
    informers.add(client.resources(ApplicationResource.class).inAnyNamespace().inform(handler(
        this::putApplication, this::removeApplication, null)));
    informers.add(client.apps().deployments().inAnyNamespace().inform(workloadHandler()));
    informers.add(client.apps().statefulSets().inAnyNamespace().inform(workloadHandler()));
    informers.add(client.apps().daemonSets().inAnyNamespace().inform(workloadHandler()));
    informers.add(client.batch().v1().cronjobs().inAnyNamespace().inform(workloadHandler()));
    revisions.start(client);
    return this;
  }

  private <T extends HasMetadata> ResourceEventHandler<T> handler(Consumer<T> put,
      Consumer<T> remove, Runnable after) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        put.accept(obj);
        if (after != null) {
          after.run();
        }
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        put.accept(newObj);
        if (after != null) {
          after.run();
        }
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        remove.accept(obj);
        if (after != null) {
          after.run();
        }
      }
    };
  }

  private <T extends HasMetadata> ResourceEventHandler<T> workloadHandler() {
    return handler(w -> workloads.put(workloadKey(w), workload(w)),
        w -> workloads.remove(workloadKey(w)), () -> adoption = null);
  }

  private static String workloadKey(HasMetadata w) {
    return w.getKind() + "/" + w.getMetadata().getNamespace() + "/" + w.getMetadata().getName();
  }

  private Workload workload(HasMetadata w) {
    Map<String, String> labels = w.getMetadata().getLabels() == null ? Map.of()
        : w.getMetadata().getLabels();
    boolean managed = Identity.MANAGER.equals(labels.get(Identity.MANAGED_BY));
    String team = labels.get(Identity.TEAM);
    List<String> owners = w.getMetadata().getOwnerReferences() == null ? List.of()
        : w.getMetadata().getOwnerReferences().stream()
            .map(o -> o.getKind() + "/" + o.getName()).toList();
    return Workloads.of(w, team, managed, owners);
  }

  /** The workload of that kind and name as the informers hold it. */
  public Optional<Workload> workload(String kind, String namespace, String name) {
    return Optional.ofNullable(workloads.get(kind + "/" + namespace + "/" + name));
  }

  private static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  private void putApplication(ApplicationResource a) {
    String k = key(a);
    ApplicationResource before = resources.put(k, a);
    ServiceEntry old = entries.get(k);
    ServiceEntry e = Applications.entry(a, defaultEnvironment);
    e = e.withIncidents(incidents.getOrDefault(e.key(), 0));
    boolean sameSpec = old != null && before != null && old.generation() == e.generation();
    if (sameSpec) {
      e = e.withPolicy(old.policy(), old.findings());
    }
    entries.put(k, e);
    byApp.computeIfAbsent(e.app(), x -> ConcurrentHashMap.newKeySet())
        .add(e.resourceNamespace());
    if (old != null && !old.namespace().equals(e.namespace())) {
      unfile(byNamespace, old.namespace(), k);
    }
    byNamespace.computeIfAbsent(e.namespace(), x -> ConcurrentHashMap.newKeySet()).add(k);
    changed();
    adoption = null;
    if (!sameSpec) {
      schedule(k);
    }
  }

  private void removeApplication(ApplicationResource a) {
    String k = key(a);
    resources.remove(k);
    ServiceEntry old = entries.remove(k);
    if (old != null) {
      unfile(byApp, old.app(), old.resourceNamespace());
      unfile(byNamespace, old.namespace(), k);
    }
    changed();
    adoption = null;
  }

  private static void unfile(Map<String, Set<String>> index, String key, String value) {
    index.computeIfPresent(key, (x, set) -> {
      set.remove(value);
      return set.isEmpty() ? null : set;
    });
  }

  private void putException(GenericKubernetesResource r) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", r.getApiVersion());
    doc.put("kind", r.getKind());
    doc.put("metadata", Map.of("name", r.getMetadata().getName()));
    doc.put("spec", r.getAdditionalProperties().getOrDefault("spec", Map.of()));
    PolicyReader.Result read = PolicyReader.read("PolicyException " + key(r),
        Manifests.yamlOf(doc));
    if (read.exceptions().isEmpty()) {
      log.accept("PolicyException " + key(r) + " is not valid and is ignored: "
          + (read.problems().isEmpty() ? "no exception found"
              : read.problems().get(0).path() + ": " + read.problems().get(0).message()));
      exceptions.remove(key(r));
      return;
    }
    exceptions.put(key(r), read.exceptions().get(0).value());
    exceptionObjects.put(key(r), Map.of("namespace", r.getMetadata().getNamespace()));
  }

  private void removeException(GenericKubernetesResource r) {
    exceptions.remove(key(r));
    exceptionObjects.remove(key(r));
  }

  private List<PolicyException> exceptionList() {
    return List.copyOf(exceptions.values());
  }

  private void recheckAll() {
    resources.keySet().forEach(this::schedule);
  }

  private void schedule(String k) {
    if (checker.isShutdown()) {
      return;
    }
    checker.execute(() -> {
      ApplicationResource a = resources.get(k);
      ServiceEntry e = entries.get(k);
      if (a == null || e == null) {
        return;
      }
      try {
        Optional<Document<Application>> spec = Applications.spec(a);
        Environment env = environments().get(e.environment());
        String verdict = "Unchecked";
        int failing = 0;
        if (spec.isPresent() && env != null) {
          CheckRun run = policies.check(spec.get(), env, clock.instant());
          verdict = Policies.verdict(run);
          failing = Policies.failing(run);
        }
        // Onto the entry as it is now: a status update that came in during the check stays.
        String v = verdict;
        int f = failing;
        entries.computeIfPresent(k, (x, now) -> now.withPolicy(v, f));
        changed();
      } catch (RuntimeException ex) {
        log.accept("policy check of " + k + " failed: " + ex);
      }
    });
  }

  /**
   * Runs {@code listener} after each change to the services (status, spec, verdict, open
   * incidents), on the thread that made it: keep it short. The live updates hang off this, so
   * pages learn of changes from the informers and nobody polls the API server.
   */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  private void changed() {
    dirty = true;
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        log.accept("change listener failed: " + e);
      }
    }
  }

  /** Waits until the policy checks queued so far are done (tests, the benchmark). */
  public void awaitChecks() throws InterruptedException {
    var done = new java.util.concurrent.CountDownLatch(1);
    checker.execute(done::countDown);
    done.await(5, TimeUnit.MINUTES);
  }

  /** Open incidents per {@code app/env}, from pave-signals; the catalog shows the counts. */
  public void incidents(Map<String, Integer> open) {
    if (open.equals(incidents)) {
      return;
    }
    incidents = Map.copyOf(open);
    entries.replaceAll((k, e) -> e.withIncidents(open.getOrDefault(e.key(), 0)));
    changed();
  }

  /** Every service, sorted by application and environment. */
  public List<ServiceEntry> services() {
    if (dirty) {
      synchronized (this) {
        if (dirty) {
          dirty = false;
          List<ServiceEntry> l = new ArrayList<>(entries.values());
          l.sort(ORDER);
          sorted = List.copyOf(l);
        }
      }
    }
    return sorted;
  }

  /** The services of one application (one per environment), in catalog order. */
  public List<ServiceEntry> environmentsOf(String app) {
    Set<String> namespaces = byApp.getOrDefault(app, Set.of());
    List<ServiceEntry> out = new ArrayList<>(namespaces.size());
    for (String ns : namespaces) {
      ServiceEntry e = entries.get(ns + "/" + app);
      if (e != null) {
        out.add(e);
      }
    }
    out.sort(ORDER);
    return out;
  }

  public Optional<ServiceEntry> find(String app, String environment) {
    return environmentsOf(app).stream().filter(e -> e.environment().equals(environment))
        .findFirst();
  }

  /** The services whose objects live in {@code namespace}, in catalog order. */
  public List<ServiceEntry> servicesIn(String namespace) {
    List<ServiceEntry> out = new ArrayList<>();
    for (String k : byNamespace.getOrDefault(namespace, Set.of())) {
      ServiceEntry e = entries.get(k);
      if (e != null && e.namespace().equals(namespace)) {
        out.add(e);
      }
    }
    out.sort(ORDER);
    return out;
  }

  /** The service's kept revisions, newest first, from the ApplicationRevision informer. */
  public List<Revision> history(ServiceEntry e) {
    return revisions.history(e.namespace(), e.app() + "-" + e.environment());
  }

  public Optional<Revision> revision(ServiceEntry e, int number) {
    return revisions.revision(e.namespace(), e.app() + "-" + e.environment(), number);
  }

  public Optional<ApplicationResource> resource(ServiceEntry e) {
    return Optional.ofNullable(resources.get(e.resourceNamespace() + "/" + e.app()));
  }

  public Map<String, Environment> environments() {
    return EnvironmentCatalog.of(Environments.builtIn(), environmentResources.values()).valid();
  }

  public Policies policies() {
    return policies;
  }

  /** The exceptions in the cluster, by namespace/name. */
  public Map<String, PolicyException> exceptions() {
    return Map.copyOf(exceptions);
  }

  public boolean exceptionsSupported() {
    return exceptionsSupported;
  }

  /** Worked out again only after a workload or a service changed. */
  public Adoption.Report adoption() {
    Adoption.Report r = adoption;
    if (r == null) {
      r = adoptionNow();
      adoption = r;
    }
    return r;
  }

  private Adoption.Report adoptionNow() {
    // A workload without a team label belongs to the team whose service owns its namespace.
    Map<String, String> teamOfNamespace = new java.util.HashMap<>();
    entries.values().forEach(e -> teamOfNamespace.putIfAbsent(e.namespace(), e.team()));
    return Adoption.of(workloads.values().stream().map(w -> w.team() != null ? w
        : w.withTeam(teamOfNamespace.get(w.namespace()))).toList());
  }

  public Supplier<Integer> size() {
    return entries::size;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    revisions.close();
    checker.shutdownNow();
  }
}
