package dev.pave.signals.cluster;

import dev.pave.signals.Signal;
import dev.pave.signals.config.SignalsConfig;
import dev.pave.signals.enrich.Catalog;
import dev.pave.signals.enrich.CatalogEntry;
import dev.pave.signals.intake.KubernetesEvents;
import dev.pave.signals.pipeline.Overloaded;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The cluster side of signals: keeps the catalog current from Application, ApplicationRevision,
 * PolicyException and Deployment informers, and turns the Events of the managed namespaces
 * into signals. An informer's first list replays existing Events; the journal's
 * de-duplication key makes that harmless after a restart.
 */
public final class ClusterWatch implements AutoCloseable {
  static final ResourceDefinitionContext APPLICATIONS = context("Application", "applications");
  static final ResourceDefinitionContext REVISIONS = context("ApplicationRevision",
      "applicationrevisions");
  static final ResourceDefinitionContext EXCEPTIONS = context("PolicyException",
      "policyexceptions");

  private final KubernetesClient client;
  private final SignalsConfig.Kubernetes cfg;
  private final List<CatalogEntry> staticEntries;
  private final Consumer<Catalog> publish;
  private final Function<List<Signal>, ?> submit;
  private final Clock clock;
  private final Consumer<String> log;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final ScheduledExecutorService rebuild = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "pave-signals-catalog");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean dirty = true;
  private SharedIndexInformer<GenericKubernetesResource> apps;
  private SharedIndexInformer<GenericKubernetesResource> revs;
  private SharedIndexInformer<GenericKubernetesResource> exc;
  private SharedIndexInformer<Deployment> deps;

  /** Rebuilds the catalog from the informers' stores and publishes it. */
  synchronized void rebuildNow() {
    dirty = false;
    try {
      List<CatalogEntry> all = new ArrayList<>(staticEntries);
      all.addAll(ClusterCatalog.entries(apps.getStore().list(), revs.getStore().list(),
          deps.getStore().list(), exc == null ? List.of() : exc.getStore().list(),
          cfg.cluster()));
      publish.accept(new Catalog(all));
    } catch (RuntimeException e) {
      dirty = true;
      log.accept("catalog rebuild failed: " + e.getMessage());
    }
  }

  public ClusterWatch(KubernetesClient client, SignalsConfig.Kubernetes cfg,
      List<CatalogEntry> staticEntries, Consumer<Catalog> publish,
      Function<List<Signal>, ?> submit, Clock clock, Consumer<String> log) {
    this.client = client;
    this.cfg = cfg;
    this.staticEntries = staticEntries;
    this.publish = publish;
    this.submit = submit;
    this.clock = clock;
    this.log = log;
  }

  private static ResourceDefinitionContext context(String kind, String plural) {
    return new ResourceDefinitionContext.Builder().withGroup("pave.dev").withVersion("v1alpha1")
        .withKind(kind).withPlural(plural).withNamespaced(true).build();
  }

  private SharedIndexInformer<GenericKubernetesResource> generic(ResourceDefinitionContext c) {
    var op = client.genericKubernetesResources(c);
    return cfg.namespaces().size() == 1 ? op.inNamespace(cfg.namespaces().get(0)).inform()
        : op.inAnyNamespace().inform();
  }

  public ClusterWatch start() {
    ResourceEventHandler<Object> markDirty = new ResourceEventHandler<>() {
      @Override
      public void onAdd(Object o) {
        dirty = true;
      }

      @Override
      public void onUpdate(Object a, Object b) {
        dirty = true;
      }

      @Override
      public void onDelete(Object o, boolean unknown) {
        dirty = true;
      }
    };
    var apps = generic(APPLICATIONS);
    var revs = generic(REVISIONS);
    SharedIndexInformer<GenericKubernetesResource> exc = null;
    try {
      // Policy exceptions are listed only where the cluster has their resource type.
      if (client.apiextensions().v1().customResourceDefinitions()
          .withName("policyexceptions.pave.dev").get() != null) {
        exc = generic(EXCEPTIONS);
      }
    } catch (RuntimeException e) {
      log.accept("policy exceptions not readable (" + e.getClass().getSimpleName()
          + "); signals will not list them");
    }
    SharedIndexInformer<Deployment> deps = client.apps().deployments().inAnyNamespace()
        .withLabel("app.kubernetes.io/managed-by", "pave").inform();
    for (SharedIndexInformer<?> i : new SharedIndexInformer<?>[] {apps, revs, exc, deps}) {
      if (i != null) {
        @SuppressWarnings("unchecked")
        SharedIndexInformer<Object> oi = (SharedIndexInformer<Object>) i;
        oi.addEventHandler(markDirty);
        informers.add(i);
      }
    }
    this.apps = apps;
    this.revs = revs;
    this.exc = exc;
    this.deps = deps;
    rebuild.scheduleWithFixedDelay(() -> {
      if (dirty) {
        rebuildNow();
      }
    }, 0, 250, TimeUnit.MILLISECONDS);
    if (cfg.events()) {
      ResourceEventHandler<Event> events = new ResourceEventHandler<>() {
        @Override
        public void onAdd(Event e) {
          take(e);
        }

        @Override
        public void onUpdate(Event before, Event after) {
          take(after);
        }

        @Override
        public void onDelete(Event e, boolean unknown) {
          // Events expire from the API server; the journal keeps them.
        }
      };
      if (cfg.namespaces().isEmpty()) {
        var i = client.v1().events().inAnyNamespace().inform();
        i.addEventHandler(events);
        informers.add(i);
      } else {
        for (String ns : cfg.namespaces()) {
          var i = client.v1().events().inNamespace(ns).inform();
          i.addEventHandler(events);
          informers.add(i);
        }
      }
    }
    return this;
  }

  /** Hands one Event to the journal, waiting while the intake is overloaded. */
  private void take(Event e) {
    if (KubernetesEvents.OPERATOR.equals(e.getReportingComponent())
        || e.getSource() != null && KubernetesEvents.OPERATOR.equals(e.getSource().getComponent())) {
      // A platform event often follows a catalog change (a new revision): rebuild first so the
      // signal carries the new revision.
      rebuildNow();
    }
    Signal s = KubernetesEvents.toSignal(e, cfg.cluster(), clock.instant());
    for (int attempt = 0; attempt < 600; attempt++) {
      try {
        submit.apply(List.of(s));
        return;
      } catch (Overloaded o) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    log.accept("event " + e.getMetadata().getNamespace() + "/" + e.getMetadata().getName()
        + " not journaled: intake overloaded for a minute");
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    rebuild.shutdownNow();
    client.close();
  }
}
