package dev.pave.identity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One service in one environment, named the same way everywhere: Kubernetes labels,
 * OpenTelemetry resource attributes, Prometheus labels and (later) every signal. This class is
 * the identity contract of docs/identity.md; change them together.
 */
public record Identity(String app, String team, String environment, String version, String tier,
    String cluster, String namespace) {

  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String VERSION = "app.kubernetes.io/version";
  public static final String PART_OF = "app.kubernetes.io/part-of";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String TEAM = "pave.dev/team";
  public static final String ENVIRONMENT = "pave.dev/environment";
  public static final String TIER = "pave.dev/tier";
  public static final String MANAGER = "pave";

  private static final java.util.regex.Pattern NOT_LABEL_CHAR =
      java.util.regex.Pattern.compile("[^A-Za-z0-9_.-]");
  private static final java.util.regex.Pattern LABEL_EDGES =
      java.util.regex.Pattern.compile("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$");

  /** Pod annotations the OpenTelemetry Collector's k8sattributes processor reads first. */
  public static final String OTEL_ANNOTATION_PREFIX = "resource.opentelemetry.io/";

  public String instance() {
    return app + "-" + environment;
  }

  /** The labels every object Pave renders carries, in a fixed order. */
  public Map<String, String> labels() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(NAME, app);
    m.put(INSTANCE, instance());
    m.put(VERSION, version);
    m.put(PART_OF, team);
    m.put(MANAGED_BY, MANAGER);
    m.put(TEAM, team);
    m.put(ENVIRONMENT, environment);
    m.put(TIER, tier);
    return Collections.unmodifiableMap(m);
  }

  /** The stable subset used in selectors: never the version, which changes every release. */
  public Map<String, String> selector() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(NAME, app);
    m.put(INSTANCE, instance());
    return Collections.unmodifiableMap(m);
  }

  /**
   * OpenTelemetry resource attributes known before the pod exists, in the order they appear in
   * OTEL_RESOURCE_ATTRIBUTES. Pod, namespace and node names are added from the downward API.
   */
  public Map<String, String> resourceAttributes() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("service.name", app);
    m.put("service.namespace", team);
    m.put("service.version", version);
    m.put("deployment.environment.name", environment);
    m.put("k8s.cluster.name", cluster);
    return Collections.unmodifiableMap(m);
  }

  /**
   * Annotations that make the Collector derive the same service identity as the SDK: without
   * them it would take service.name from app.kubernetes.io/instance ("checkout-prod") and
   * service.namespace from the Kubernetes namespace.
   */
  public Map<String, String> podAnnotations() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(OTEL_ANNOTATION_PREFIX + "service.name", app);
    m.put(OTEL_ANNOTATION_PREFIX + "service.namespace", team);
    m.put(OTEL_ANNOTATION_PREFIX + "service.version", version);
    m.put(OTEL_ANNOTATION_PREFIX + "deployment.environment.name", environment);
    return Collections.unmodifiableMap(m);
  }

  /** The Prometheus job label, as Prometheus derives it from OTLP: service.namespace/service.name. */
  public String prometheusJob() {
    return team + "/" + app;
  }

  /**
   * The version label from an image reference: its tag, else a shortened digest, else "latest".
   * Label values allow 63 characters of [A-Za-z0-9_.-].
   */
  public static String versionOf(String image) {
    String ref = image;
    String digest = null;
    int at = ref.indexOf('@');
    if (at >= 0) {
      digest = ref.substring(at + 1);
      ref = ref.substring(0, at);
    }
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    String version;
    if (colon > slash) {
      version = ref.substring(colon + 1);
    } else if (digest != null) {
      version = digest.replace(':', '-');
      version = version.substring(0, Math.min(version.length(), 19));
    } else {
      version = "latest";
    }
    version = NOT_LABEL_CHAR.matcher(version).replaceAll("_");
    if (version.length() > 63) {
      version = version.substring(0, 63);
    }
    return LABEL_EDGES.matcher(version).replaceAll("");
  }
}
