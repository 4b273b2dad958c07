package dev.pave.signals.cluster;

import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.config.SecretSource;
import dev.pave.signals.config.SignalsConfig;
import dev.pave.signals.config.SinkConfig;
import dev.pave.signals.config.Sinks;
import dev.pave.spec.Problem;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Sinks configured in the cluster: watches the SignalSink resources of one namespace, reads
 * each with the configuration file's own sink reader (credentials and CA bundles from Secrets
 * of that namespace, through the API), hands the valid ones to the pipeline, which applies the
 * changes while running, and writes each resource's Ready condition: True (Valid), or False
 * with the field and what is valid (InvalidSpec), or False when a sink of the configuration
 * file has the name (NameTaken). Secrets are read again every {@link #SECRET_RESYNC}, so a
 * rotated credential is taken up without a restart. Secret values never reach a status, a log
 * line or an error.
 */
public final class SignalSinkResources implements AutoCloseable {
  public static final String KIND = "SignalSink";
  public static final String PLURAL = "signalsinks";
  public static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
      .withGroup("pave.dev").withVersion("v1alpha1").withKind(KIND).withPlural(PLURAL)
      .withNamespaced(true).build();
  static final Duration SECRET_RESYNC = Duration.ofSeconds(30);

  /** Condition reasons, as written to status.conditions[type=Ready].reason. */
  public static final String VALID = "Valid";
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String NAME_TAKEN = "NameTaken";

  /** Takes the sinks and routes of the valid resources (replacing the previous ones). */
  @FunctionalInterface
  public interface Apply {
    void apply(List<SinkConfig> sinks, List<SignalsConfig.Route> routes) throws Exception;
  }

  private final KubernetesClient client;
  private final String namespace;
  private final Set<String> fileSinks;
  private final Apply apply;
  private final Clock clock;
  private final Consumer<String> log;
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "pave-signals-sinks");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, String> lastLogged = new LinkedHashMap<>();
  private SharedIndexInformer<GenericKubernetesResource> informer;
  private volatile boolean dirty = true;

  public SignalSinkResources(KubernetesClient client, String namespace, Set<String> fileSinks,
      Apply apply, Clock clock, Consumer<String> log) {
    this.client = client;
    this.namespace = namespace;
    this.fileSinks = Set.copyOf(fileSinks);
    this.apply = apply;
    this.clock = clock;
    this.log = log;
  }

  public SignalSinkResources start() {
    informer = client.genericKubernetesResources(CONTEXT).inNamespace(namespace).inform();
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource r) {
        dirty = true;
      }

      @Override
      public void onUpdate(GenericKubernetesResource a, GenericKubernetesResource b) {
        // A status write of ours comes back as an update; only a new generation matters.
        if (!Objects.equals(a.getMetadata().getGeneration(), b.getMetadata().getGeneration())) {
          dirty = true;
        }
      }

      @Override
      public void onDelete(GenericKubernetesResource r, boolean unknown) {
        dirty = true;
      }
    });
    worker.scheduleWithFixedDelay(() -> {
      if (dirty) {
        reconcile();
      }
    }, 0, 100, TimeUnit.MILLISECONDS);
    worker.scheduleWithFixedDelay(() -> dirty = true, SECRET_RESYNC.toMillis(),
        SECRET_RESYNC.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Reads every SignalSink, applies the valid ones, writes the conditions. */
  synchronized void reconcile() {
    dirty = false;
    List<GenericKubernetesResource> all = new ArrayList<>(informer.getStore().list());
    all.sort(Comparator.comparing(r -> r.getMetadata().getName()));
    List<SinkConfig> sinks = new ArrayList<>();
    List<SignalsConfig.Route> routes = new ArrayList<>();
    Map<GenericKubernetesResource, String[]> verdicts = new LinkedHashMap<>();
    SecretSource secrets = SecretSource.secrets(namespace, this::secret);
    for (GenericKubernetesResource r : all) {
      String name = r.getMetadata().getName();
      if (fileSinks.contains(name)) {
        verdicts.put(r, new String[] {"False", NAME_TAKEN, "A sink of the configuration file"
            + " is already called " + name + "; rename this SignalSink."});
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> spec = (Map<String, Object>) r.getAdditionalProperties().get("spec");
      ConfigReader.SinkResult result = ConfigReader.readSink(namespace + "/" + name, name, spec,
          secrets);
      if (!result.problems().isEmpty()) {
        verdicts.put(r, new String[] {"False", INVALID_SPEC, result.problems().stream()
            .map(SignalSinkResources::describe).collect(Collectors.joining("; "))});
        continue;
      }
      sinks.add(result.sink());
      routes.addAll(result.routes());
      verdicts.put(r, new String[] {"True", VALID, "Delivering to " + String.valueOf(
          spec.get("type")) + " sink " + name + " with " + result.routes().size()
          + " route(s)."});
    }
    try {
      apply.apply(sinks, routes);
    } catch (Exception e) {
      dirty = true;
      log.accept("SignalSink changes not applied: " + e.getMessage());
      return;
    }
    for (var v : verdicts.entrySet()) {
      String name = v.getKey().getMetadata().getName();
      String line = v.getValue()[1] + ": " + v.getValue()[2];
      if (!line.equals(lastLogged.put(name, line)) && !v.getValue()[0].equals("True")) {
        log.accept("SignalSink " + namespace + "/" + name + " not used: " + v.getValue()[2]);
      }
      writeCondition(v.getKey(), v.getValue()[0], v.getValue()[1], v.getValue()[2]);
    }
    lastLogged.keySet().retainAll(verdicts.keySet().stream()
        .map(r -> r.getMetadata().getName()).toList());
  }

  static String describe(Problem p) {
    return (p.path().isEmpty() ? "" : p.path() + ": ") + p.message();
  }

  private Optional<byte[]> secret(String name, String key) {
    Secret s = client.secrets().inNamespace(namespace).withName(name).get();
    if (s == null) {
      return Optional.empty();
    }
    if (s.getData() != null && s.getData().get(key) != null) {
      return Optional.of(Base64.getDecoder().decode(s.getData().get(key)));
    }
    if (s.getStringData() != null && s.getStringData().get(key) != null) {
      return Optional.of(s.getStringData().get(key).getBytes(
          java.nio.charset.StandardCharsets.UTF_8));
    }
    return Optional.empty();
  }

  /**
   * Writes the Ready condition when it changed: observedGeneration always, lastTransitionTime
   * only when the status flips.
   */
  @SuppressWarnings("unchecked")
  private void writeCondition(GenericKubernetesResource r, String status, String reason,
      String message) {
    Long generation = r.getMetadata().getGeneration();
    Map<String, Object> old = r.getAdditionalProperties().get("status") instanceof Map<?, ?> m
        ? (Map<String, Object>) m : Map.of();
    Map<String, Object> before = null;
    if (old.get("conditions") instanceof List<?> list) {
      for (Object c : list) {
        if (c instanceof Map<?, ?> cm && "Ready".equals(cm.get("type"))) {
          before = (Map<String, Object>) cm;
        }
      }
    }
    if (before != null && status.equals(before.get("status")) && reason.equals(
        before.get("reason")) && message.equals(before.get("message"))
        && Objects.equals(asLong(before.get("observedGeneration")), generation)) {
      return;
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", "Ready");
    c.put("status", status);
    c.put("reason", reason);
    c.put("message", message);
    c.put("observedGeneration", generation);
    c.put("lastTransitionTime", before != null && status.equals(before.get("status"))
        && before.get("lastTransitionTime") != null ? before.get("lastTransitionTime")
        : clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    Map<String, Object> st = new LinkedHashMap<>();
    st.put("observedGeneration", generation);
    st.put("conditions", List.of(c));
    GenericKubernetesResource fresh = new GenericKubernetesResource();
    fresh.setApiVersion(r.getApiVersion());
    fresh.setKind(r.getKind());
    fresh.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
        .withName(r.getMetadata().getName()).withNamespace(namespace)
        .withResourceVersion(r.getMetadata().getResourceVersion()).build());
    fresh.setAdditionalProperty("status", st);
    try {
      client.genericKubernetesResources(CONTEXT).inNamespace(namespace).resource(fresh)
          .updateStatus();
    } catch (KubernetesClientException e) {
      // A newer version of the resource is on its way through the informer; written then.
      dirty = true;
      return;
    }
    if (before == null || !status.equals(before.get("status"))
        || !reason.equals(before.get("reason")) || !message.equals(before.get("message"))) {
      event(r, status, reason, message);
    }
  }

  /**
   * An Event on the resource when its Ready condition changes, so `kubectl describe` and
   * anything that follows Events (Pave's own timeline too) see a sink fail or recover.
   */
  private void event(GenericKubernetesResource r, String status, String reason, String message) {
    java.time.Instant now = clock.instant();
    var e = new io.fabric8.kubernetes.api.model.EventBuilder()
        .withNewMetadata().withGenerateName(r.getMetadata().getName() + ".")
        .withNamespace(namespace).endMetadata()
        .withNewInvolvedObject().withApiVersion(r.getApiVersion()).withKind(KIND)
        .withName(r.getMetadata().getName()).withNamespace(namespace)
        .withUid(r.getMetadata().getUid()).withResourceVersion(r.getMetadata()
            .getResourceVersion()).endInvolvedObject()
        .withType("True".equals(status) ? "Normal" : "Warning").withReason(reason)
        .withMessage(message).withNewSource("pave-signals", null)
        .withReportingComponent("pave-signals").withCount(1)
        .withFirstTimestamp(now.toString()).withLastTimestamp(now.toString()).build();
    try {
      client.v1().events().inNamespace(namespace).resource(e).create();
    } catch (KubernetesClientException ex) {
      // The condition is the record; an Event that cannot be written (no RBAC) is not worth
      // failing the sink over.
      log.accept("SignalSink " + r.getMetadata().getName() + ": could not record an Event ("
          + ex.getCode() + ")");
    }
  }

  private static Long asLong(Object o) {
    return o instanceof Number n ? n.longValue() : null;
  }

  /** The CustomResourceDefinition of SignalSink, as a plain map (deploy/crds). */
  public static Map<String, Object> definition() {
    Map<String, Object> str = ordered("type", "string");
    Map<String, Object> strings = ordered("type", "array", "items", str);
    Map<String, Object> routeProps = new LinkedHashMap<>();
    routeProps.put("teams", strings);
    routeProps.put("environments", strings);
    routeProps.put("severities", strings);
    routeProps.put("types", strings);
    Map<String, Object> specProps = new LinkedHashMap<>();
    specProps.put("type", ordered("type", "string", "description", "The kind of sink: "
        + String.join(", ", Sinks.TYPES) + ". The other fields are those of a sinks[] entry"
        + " of the signals configuration file (docs/signals.md), with credentials and CA"
        + " bundles as <name>SecretRef: {name, key} of a Secret in this namespace instead of"
        + " <name>File."));
    specProps.put("routes", ordered("type", "array", "description", "Which signals this sink"
        + " gets; each route that matches adds it, an empty list in a route matches anything."
        + " Without routes: every signal.", "items", ordered("type", "object", "properties",
        routeProps)));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("type", "object");
    spec.put("description", "A destination of signals: SIEM, ITSM, on-call or a webhook."
        + " Checked by pave signals, which reports problems in status.conditions.");
    spec.put("required", List.of("type"));
    spec.put("properties", specProps);
    spec.put("x-kubernetes-preserve-unknown-fields", true);
    Map<String, Object> condition = new LinkedHashMap<>();
    condition.put("type", "object");
    Map<String, Object> condProps = new LinkedHashMap<>();
    condProps.put("type", str);
    condProps.put("status", str);
    condProps.put("reason", str);
    condProps.put("message", str);
    condProps.put("observedGeneration", ordered("type", "integer"));
    condProps.put("lastTransitionTime", ordered("type", "string", "format", "date-time"));
    condition.put("properties", condProps);
    Map<String, Object> statusProps = new LinkedHashMap<>();
    statusProps.put("observedGeneration", ordered("type", "integer"));
    statusProps.put("conditions", ordered("type", "array", "items", condition));
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("apiVersion", str);
    props.put("kind", str);
    props.put("metadata", ordered("type", "object"));
    props.put("spec", spec);
    props.put("status", ordered("type", "object", "properties", statusProps));
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", props);
    List<Map<String, Object>> columns = List.of(
        column("Type", "string", ".spec.type"),
        column("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status"),
        column("Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason"),
        column("Age", "date", ".metadata.creationTimestamp"));
    Map<String, Object> names = new LinkedHashMap<>();
    names.put("kind", KIND);
    names.put("listKind", KIND + "List");
    names.put("plural", PLURAL);
    names.put("singular", "signalsink");
    names.put("shortNames", List.of("sink"));
    names.put("categories", List.of("pave"));
    Map<String, Object> version = new LinkedHashMap<>();
    version.put("name", "v1alpha1");
    version.put("served", true);
    version.put("storage", true);
    version.put("schema", ordered("openAPIV3Schema", schema));
    version.put("subresources", ordered("status", ordered()));
    version.put("additionalPrinterColumns", columns);
    Map<String, Object> crdSpec = new LinkedHashMap<>();
    crdSpec.put("group", "pave.dev");
    crdSpec.put("names", names);
    crdSpec.put("scope", "Namespaced");
    crdSpec.put("versions", List.of(version));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", PLURAL + ".pave.dev");
    metadata.put("labels", ordered("app.kubernetes.io/part-of", "pave"));
    Map<String, Object> crd = new LinkedHashMap<>();
    crd.put("apiVersion", "apiextensions.k8s.io/v1");
    crd.put("kind", "CustomResourceDefinition");
    crd.put("metadata", metadata);
    crd.put("spec", crdSpec);
    return crd;
  }

  /** A map keeping the order written, so the generated YAML is the same on every run. */
  private static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int k = 0; k < kv.length; k += 2) {
      m.put((String) kv[k], kv[k + 1]);
    }
    return m;
  }

  private static Map<String, Object> column(String name, String type, String path) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name);
    c.put("type", type);
    c.put("jsonPath", path);
    return c;
  }

  @Override
  public void close() {
    worker.shutdownNow();
    if (informer != null) {
      informer.close();
    }
  }
}
